"""Health history: intake, versions, per-visit updates, self-intake review."""

from flask import Blueprint

bp = Blueprint("intake", __name__)
