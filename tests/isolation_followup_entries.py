"""Isolation cases of followup/views/entries.py (imported by tests/isolation.py)."""
