"""Visits: the treatment note with trigger points, signing and addenda, the frequency, progress.

services.py starts a visit, saves the note, screens what is performed (the decisions are pure, in
clinic/rules/decisions.py), signs and adds addenda; signing.py is the note's canonical content and its
SHA-256; frequency.py the recommendation stored with the visit (clinic/rules/frequency.py decides);
due.py keeps each client's due date as visits change; charts.py is pure geometry of the pain charts;
views.py, web.py, panels.py and forms.py are the pages; demo.py the demo clinic's notes.
"""
