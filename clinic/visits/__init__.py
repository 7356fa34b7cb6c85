"""Visits: treatment notes with trigger points, signing and addenda, progress."""
