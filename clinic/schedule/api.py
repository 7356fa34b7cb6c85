"""JSON API of appointments for the calendar UI."""

from flask import Blueprint

bp = Blueprint("schedule_api", __name__, url_prefix="/api")
