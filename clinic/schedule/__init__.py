"""schedule feature."""
