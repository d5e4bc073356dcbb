"""How a query matches rows, on whichever database the site runs on.

- PostgreSQL: full-text search with the Swedish configuration (``to_tsvector('swedish',
  …)`` against ``websearch_to_tsquery``, so "trygghetsvandringar" finds
  "trygghetsvandring"), or trigram word similarity on the name fields (pg_trgm's
  ``%>``: "upsala" finds "Uppsala", "vandring" finds "Trygghetsvandring"); ranked by
  ``ts_rank`` plus the names' similarity. The search app's migration creates pg_trgm
  and a GIN index for each kind's document and names (``search.indexes``), and the
  expressions here are exactly the indexed ones, so the planner uses them.
- SQLite (the embedded default): every word of the query must occur in one of the
  fields, ignoring case (SQLite folds ASCII only, so a word is also tried as typed,
  in lower case and capitalised: "örebro" finds "Örebro"); ordered by name.

One query per call (``total`` comes with the rows as a window count), whatever the
size of the data.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import Count, Exists, F, FloatField, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce

#: PostgreSQL's text-search configuration
CONFIG = "swedish"
#: the words of a query the SQLite fallback looks at
MAX_WORDS = 8


def document(*fields: str) -> SearchVector:
    """The full-text document of ``fields``: the same expression as the GIN index."""
    return SearchVector(*fields, config=CONFIG)


def _postgres(queryset: QuerySet, query: str, text: Sequence[str], names: Sequence[str]):
    """(queryset with the document, the condition, the rank) on PostgreSQL."""
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
    annotated = queryset.annotate(search_document=document(*text))
    condition = Q(search_document=search_query)
    rank = SearchRank(F("search_document"), search_query)
    for name in names:
        condition |= Q(**{f"{name}__trigram_word_similar": query})
        rank = rank + Coalesce(TrigramWordSimilarity(query, name), Value(0.0))
    return annotated, condition, rank, ["-search_rank", "-pk"]


def _variants(word: str) -> set[str]:
    return {word, word.lower(), word.capitalize()}


def _fallback(queryset: QuerySet, query: str, text: Sequence[str], names: Sequence[str]):
    """(queryset, condition, rank, order) on SQLite: each word in one of the fields."""
    condition = Q()
    for word in query.split()[:MAX_WORDS]:
        anywhere = Q()
        for field in (*text, *names):
            for variant in _variants(word):
                anywhere |= Q(**{f"{field}__icontains": variant})
        condition &= anywhere
    return queryset, condition, Value(0.0, output_field=FloatField()), [*names, "-pk"]


def _vendor_parts(queryset: QuerySet, query: str, text: Sequence[str], names: Sequence[str]):
    postgres = connections[queryset.db].vendor == "postgresql"
    return (_postgres if postgres else _fallback)(queryset, query, text, names)


def found(
    queryset: QuerySet, query: str, *, text: Sequence[str], names: Sequence[str] = ()
) -> QuerySet:
    """The rows of ``queryset`` that ``query`` finds, unordered (for ``Exists``)."""
    annotated, condition, _rank, _order = _vendor_parts(queryset, query, text, names)
    return annotated.filter(condition)


def matching(
    queryset: QuerySet,
    query: str,
    *,
    text: Sequence[str],
    names: Sequence[str] = (),
    exact: Sequence[str] = (),
    also: Q | Exists | None = None,
) -> QuerySet:
    """The rows of ``queryset`` that ``query`` finds, best first, each with ``total``
    (how many rows match in all) and ``search_rank``.

    ``text`` are the fields of the full-text document, ``names`` the fields matched by
    trigram similarity too (PostgreSQL), ``exact`` fields that match the whole query
    as it is (a municipality's SCB code), ``also`` a further condition that finds a
    row (a related row found by ``found``).
    """
    annotated, condition, rank, order = _vendor_parts(queryset, query, text, names)
    for field in exact:
        condition |= Q(**{field: query})
    if also is not None:
        condition |= also
    return (
        annotated.filter(condition)
        .annotate(search_rank=rank, total=Window(Count("pk")))
        .order_by(*order)
    )
