"""Isolation cases of followup/views/indicators.py (imported by tests/isolation.py)."""
