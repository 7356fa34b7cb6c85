"""Client records: search, details, archive."""
