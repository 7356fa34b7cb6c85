"""Follow-ups: the series of appointments a visit's recommended frequency proposes, booked in one step.

``services.py`` proposes and books the series (all or nothing); ``views.py`` is the "book follow-ups"
page of a visit; ``panels.py`` puts "Book follow-ups" and what was booked on the visit pages.
"""

from flask import Blueprint

bp = Blueprint("followups", __name__)

from . import panels, views  # noqa: E402, F401  (their routes and panels join bp)
