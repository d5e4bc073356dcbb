"""Isolation cases of followup/views/analysis.py (imported by tests/isolation.py).

The county board's own analysis is written by the county officers of ``cast.home``'s
county board (the case's viewer is ``cast.county_officer``); the outsider, a
coordinator in another county, gets 404 for both pages, whatever the method.
"""

from __future__ import annotations

from councils import dates
from tests.isolation import Case, Kind, register

register(
    "county-analysis",
    Case(
        Kind.OBJECT,
        build=lambda cast: {"code": cast.home.county.code, "year": dates.today().year},
        viewer="county_officer",
    ),
)
register(
    "municipality-comment",
    Case(
        Kind.OBJECT,
        build=lambda cast: {
            "code": cast.home.county.code,
            "year": dates.today().year,
            "municipality": cast.home.code,
        },
        viewer="county_officer",
    ),
)
