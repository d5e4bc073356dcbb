"""Isolation cases of accessibility/urls.py (imported by tests/isolation.py).

The accessibility statement and its feedback form are public: anyone, signed in or not.
"""

from __future__ import annotations

from tests.isolation import Case, Kind, register

register("accessibility-statement", Case(Kind.PUBLIC))
