"""Data out: one client's whole record (PDF and JSON) and the whole clinic as a ZIP, and back in.

entities.py says what is exported (schema version 1, docs/export.md); client_record.py, notes.py and
record_pdf.py make a client's record; builder.py writes the clinic's ZIP, jobs.py and tasks.py run it
in the worker; importer.py and cli.py read it back into an empty database.
"""
