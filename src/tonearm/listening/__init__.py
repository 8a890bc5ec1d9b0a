"""Listening: plays (history, play counts, now playing) and loves."""
