"""Clinic administration for owners: staff accounts, roles, the audit log."""
