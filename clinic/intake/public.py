"""The client's self-intake form, reached through a private, expiring link (no account)."""

from flask import Blueprint

bp = Blueprint("selfintake", __name__, url_prefix="/i")
