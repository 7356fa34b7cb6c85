"""Accounts: login, logout, sessions, passwords and throttling."""
