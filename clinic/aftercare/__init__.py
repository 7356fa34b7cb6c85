"""The aftercare sheet: sheet.py builds the content (pure), pdf.py renders it with ReportLab."""
