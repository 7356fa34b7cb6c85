"""The client portal: a single-use sign-in link by e-mail, then the client's own appointments,
aftercare sheets, questionnaire and message choices.

The portal's blueprint is defined here and its route modules add their routes to it when they are
imported at the bottom (microblog's form): public.py is the way in (ask for a link, open it, sign out),
views.py the signed-in pages. settings_views.py is the owner's portal settings, on its own blueprint.
"""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/p")

from . import public, views  # noqa: E402, F401  (their routes join the blueprint above)
