"""The health history: intake, versions, updates at a visit, and the client's own self-intake form.

The package's blueprints are defined here and its view modules add their routes to them when they are
imported at the bottom (microblog's idiom: no import circle). A module's name says its role:

- ``*_views.py``: routes. ``health_views`` (the history, its versions, edits and updates),
  ``link_views`` (sending a self-intake link, reviewing what came back), ``public_views`` (the
  client's form behind a private link: the public ``selfintake`` blueprint).
- ``panels.py``: what intake shows on the client and home pages; ``web.py``: what the pages and panels
  share of the request (the client of the URL, the health record in force read once a request).
- ``services.py``: reads and saves a history; ``links.py``: self-intake links; ``awaiting_review.py``:
  the submitted forms nobody has reviewed yet; ``health.py``: checks and normalises the answers;
  ``forms.py``: the forms; ``describe.py`` and ``questionnaire.py``: pure wording and structure of the
  questionnaire; ``demo.py``: demo histories.
"""

from flask import Blueprint

bp = Blueprint("intake", __name__)
# Public: a client with a private, expiring, single-use link fills in their history (clinic.access).
public_bp = Blueprint("selfintake", __name__, url_prefix="/i")

from . import (  # noqa: E402, F401  (their routes and panels join the blueprints above)
    health_views,
    link_views,
    panels,
    public_views,
)
