"""Importing a client list from another tool: upload (store.py), map and preview (plan.py), run (run.py)."""
