"""Client records: search, contact details with conflict detection, archive.

services.py searches (accent-free keys, clinic/rules/search.py), creates, updates and archives;
views.py is the list and the client page, which other features fill with their panels (clinic/web/
panels.py); forms.py holds contact and administrative data only (health data is the intake).
"""
