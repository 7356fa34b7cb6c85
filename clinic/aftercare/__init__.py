"""The aftercare sheet: hydration, cold compress, rest and red flags, personal to the session.

from_visit.py turns a visit into plain inputs (inputs.py); sheet.py builds the content (pure) from
the clinic's wording (wording.py, versions in wording_store.py); pdf.py, layout.py, diagram.py and
palette.py render it with ReportLab; links.py and public.py serve a client's sheet through an expiring
link; documents.py makes the e-mail attachment; views.py and panels.py are the staff pages.
"""
