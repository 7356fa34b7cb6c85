"""Contraindication screening of a session's plan against the client's health history.

The decision itself is pure (clinic/rules/screening.py and policy.py); this package reads what it needs.
policy_store.py keeps a clinic's versioned overrides of the default rules; services.py screens a plan
with the clinic's policy (no request needed); alerts.py builds the standing alerts of the client page
and the calendar; panels.py and pages.py prepare what the pages show; views.py is the JSON API, the
session planning panel and the owner's policy pages; forms.py and demo.py as named.
"""
