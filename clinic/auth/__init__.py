"""Accounts: sign-in and sign-out, sessions, passwords, reset, two-step sign-in and throttling.

services.py authenticates and changes passwords; passwords.py hashes (argon2id) and checks them;
sessions.py enforces the session version and timeouts on every request; throttle.py counts failed
sign-ins in the database; reset.py and two_step.py are the e-mailed reset link and the TOTP factor;
views.py, account_views.py, reset_views.py and two_step_views.py are their pages, on the blueprint
below (microblog's form: each imports it with `from . import bp`).
"""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import account_views, reset_views, two_step_views, views  # noqa: E402, F401  (their routes join bp)
