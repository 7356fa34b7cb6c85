"""Contraindication screening: the JSON API, the live preview and the clinic's policy."""

from flask import Blueprint

bp = Blueprint("screening", __name__)
