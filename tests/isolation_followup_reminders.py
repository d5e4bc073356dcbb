"""Isolation cases of followup/views/reminders.py (imported by tests/isolation.py)."""
