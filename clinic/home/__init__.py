"""The home page: what each role needs first, from the panels the features register (clinic/web/panels.py)."""
