"""The calendar: day and week views, booking, rescheduling, cancelling, recall."""

from flask import Blueprint

bp = Blueprint("schedule", __name__)
