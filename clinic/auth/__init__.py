"""Accounts: sign-in and sign-out, sessions, passwords, reset, two-step sign-in and throttling.

services.py authenticates and changes passwords; passwords.py hashes (argon2id) and checks them;
sessions.py enforces the session version and timeouts on every request; throttle.py counts failed
sign-ins in the database; reset.py and two_step.py are the e-mailed reset link and the TOTP factor;
views.py, account_views.py, reset_views.py and two_step_views.py are their pages.
"""
