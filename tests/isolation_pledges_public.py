"""Isolation cases of pledges/views/public.py (imported by tests/isolation.py)."""
