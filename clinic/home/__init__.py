"""The home page: what each role needs first."""
