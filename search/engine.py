"""How a query matches rows, on whichever database the site runs on.

- PostgreSQL: full-text search with the Swedish configuration (``to_tsvector('swedish',
  …)`` against ``websearch_to_tsquery``, so "trygghetsvandringar" finds
  "trygghetsvandring"), or trigram word similarity on the name fields (pg_trgm's
  ``%>``: "upsala" finds "Uppsala", "vandring" finds "Trygghetsvandring"). A row the
  document finds ranks above one found by similarity alone: by ``ts_rank`` among the
  first, by the names' similarity among the others. The kinds' documents are stored
  (``STORED``: the column ``search_document`` that the search app's migration 0002
  adds, a trigger keeps and a GIN index covers), with the names weighted A, so a row
  whose name holds the words ranks first; any other set of fields is computed as it
  is asked for. The migration 0001 creates pg_trgm and the names' trigram indexes.
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
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    Expression,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce

#: PostgreSQL's text-search configuration
CONFIG = "swedish"
#: the words of a query the SQLite fallback looks at
MAX_WORDS = 8


#: the column of a stored document (PostgreSQL only; no model declares it)
COLUMN = "search_document"
#: the tables whose document is stored, with the fields it holds (names and text alike;
#: the search app's migration 0002 keeps the same list)
STORED = {
    "councils_municipality": ("name",),
    "agreements_agreement": ("title", "documentation"),
    "agreements_priorityproblem": ("title", "description", "place", "cause_analysis"),
    "pledges_pledge": ("title", "public_text", "area"),
    "pledges_activity": ("title", "description"),
    "councils_council": ("name", "mandate"),
    "councils_meeting": ("agenda", "minutes"),
    "followup_indicator": ("name", "description", "code"),
}


class StoredDocument(Expression):
    """A row's stored document: the column read through the alias the query gives the
    model's table (a subquery's "U0" too), like a model field's column."""

    output_field = SearchVectorField()

    def __init__(self, alias: str | None = None):
        super().__init__()
        self.alias = alias

    def resolve_expression(self, query=None, *args, **kwargs):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return [self]

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name(self.alias)
        return f"{alias}.{connection.ops.quote_name(COLUMN)}", []


def document(queryset: QuerySet, text: Sequence[str]) -> Expression:
    """The full-text document of ``text`` for the rows of ``queryset``: the stored one
    where the table keeps it, else computed."""
    if STORED.get(queryset.model._meta.db_table) == tuple(text):
        return StoredDocument()
    return SearchVector(*text, config=CONFIG)


def _postgres(queryset: QuerySet, query: str, text: Sequence[str], names: Sequence[str]):
    """(queryset with the document, the condition, the rank) on PostgreSQL.

    The rank asks the names' similarity only of the rows the document does not find:
    computed for every one of 50 000 rows it cost more than the rest of the query.
    """
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
    annotated = queryset.alias(search_document=document(queryset, text))
    in_document = Q(search_document=search_query)
    condition = in_document
    similarity: Expression = Value(0.0)
    for name in names:
        condition |= Q(**{f"{name}__trigram_word_similar": query})
        similarity = similarity + Coalesce(TrigramWordSimilarity(query, name), Value(0.0))
    rank = Case(
        When(in_document, then=Value(1.0) + SearchRank(F("search_document"), search_query)),
        default=similarity,
        output_field=FloatField(),
    )
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
