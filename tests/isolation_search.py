"""Isolation cases of search/views.py (imported by tests/isolation.py).

The signed-in search is a LOGIN page: its query finds the drafts and internal records
planted in the owner's municipality, and an outsider's results must not name them.
The residents' search is PUBLIC. tests/search/test_isolation.py adds READ-only users
and internal fields.
"""

from __future__ import annotations

from tests.isolation import Case, Kind, register
from tests.search.secrets import WORD, plant_drafts


def _query_with_drafts(cast) -> dict[str, str]:
    """Plants the drafts once per cast (the gate asks for the query, then the hidden text)."""
    if not hasattr(cast, "search_drafts"):
        cast.search_drafts = plant_drafts(cast.home)
    return {"q": WORD}


def _drafts(cast) -> list[str]:
    _query_with_drafts(cast)
    return list(cast.search_drafts.values())


register("search", Case(Kind.LOGIN, query=_query_with_drafts, hidden=_drafts))
register("public-search", Case(Kind.PUBLIC, query=lambda cast: {"q": "trygghet"}))
