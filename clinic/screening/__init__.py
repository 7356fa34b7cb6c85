"""screening feature."""
