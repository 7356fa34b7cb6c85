"""The calendar: appointments, opening and working hours, the services a client books, the recall list.

The package's blueprints are defined here and its view modules add their routes to them when they are
imported at the bottom (Miguel Grinberg's microblog idiom: no module imports a blueprint from a views
module, so there is no import circle). A module's name says its role:

- ``*_views.py``: routes. ``calendar_views`` (day, week, recall), ``appointment_views`` (book, see,
  move), ``status_views`` (arrived, completed, no-show, cancel, undo), ``settings_views`` (hours,
  services), ``api_views`` (the JSON API, docs/api.md), ``feed_views`` (iCalendar files and feeds).
- ``panels.py``, ``desk_panel.py``: what the calendar shows on the home and client pages.
- ``booking.py``: book, move, cancel and set a status; each operation writes its own audit row.
- ``calendar.py`` and ``cells.py``: the grid of a day or week. ``hours.py``: opening and working hours.
  ``catalogue.py``: the services a client books. ``recall.py``: clients due back. ``ical.py``: .ics.
- ``slot_guard.py``: the database's refusal of a double booking, as an exception.
"""

from flask import Blueprint

bp = Blueprint("schedule", __name__)
# The JSON API for the clinic's own scripts and integrations (docs/api.md): same login and roles.
api_bp = Blueprint("schedule_api", __name__, url_prefix="/api")
# iCalendar: one appointment as .ics, and each therapist's private, token-guarded feed.
feeds_bp = Blueprint("feeds", __name__)

from . import (  # noqa: E402, F401  (their routes and panels join the blueprints above)
    api_views,
    appointment_views,
    calendar_views,
    desk_panel,
    feed_views,
    panels,
    settings_views,
    status_views,
)
