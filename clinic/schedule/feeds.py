"""iCalendar: one appointment as .ics, and each therapist's private feed."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)
