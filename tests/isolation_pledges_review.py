"""Isolation cases of pledges/views/review.py (imported by tests/isolation.py)."""
