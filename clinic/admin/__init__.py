"""Clinic administration for owners: staff accounts and roles, and the audit log in words.

views.py lists, creates, changes and deactivates staff; audit_views.py is the audit log with filters
and its CSV export, worded by audit_words.py; forms.py as named.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import audit_views, views  # noqa: E402, F401  (their routes join the blueprint above)
