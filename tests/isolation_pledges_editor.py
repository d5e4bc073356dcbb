"""Isolation cases of pledges/views/editor.py (imported by tests/isolation.py)."""
