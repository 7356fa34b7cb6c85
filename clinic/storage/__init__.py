"""Where the data lives: the database engine's settings (SQLite pragmas, URLs), helpers of the
migrations, and the backup and restore of the database file."""
