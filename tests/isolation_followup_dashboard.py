"""Isolation cases of followup/views/dashboard.py (imported by tests/isolation.py).

The county dashboard is for the county board of ``cast.home``'s county (the case's
viewer is ``cast.county_officer``); the outsider, a coordinator in another county,
gets 404 for the page and its exports.
"""

from __future__ import annotations

from councils import dates
from tests.isolation import Case, Kind, register

register(
    "dashboard-index",
    Case(Kind.LOGIN, viewer="county_officer", hidden=lambda cast: [cast.home.county.name]),
)
register(
    "county-dashboard",
    Case(Kind.OBJECT, build=lambda cast: {"code": cast.home.county.code}, viewer="county_officer"),
)
register(
    "county-dashboard-export",
    Case(
        Kind.OBJECT,
        build=lambda cast: {"code": cast.home.county.code, "fmt": "csv"},
        viewer="county_officer",
    ),
)
# the yearly report: the isolation and planted-values gates open the file of this year
register(
    "county-yearly-report",
    Case(
        Kind.OBJECT,
        build=lambda cast: {"code": cast.home.county.code},
        viewer="county_officer",
        query=lambda cast: {"year": str(dates.today().year)},
    ),
)
