"""The searches the pages run: the signed-in user's (every kind they may see, grouped)
and the residents' (published citizen pledges only).

Each kind costs the queries of its visibility (``councils.access``) and one query for
its rows and their total (a window count), whatever the size of the data. Pagination
is per kind: the overview shows the first few hits of every kind with the kind's
total; one kind is paged through on its own (``kind=``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from councils.prepared import planned_for_their_values
from pledges import selectors as pledge_selectors
from search import engine
from search.kinds import BY_KEY, KINDS, Hit, Kind

#: hits of each kind on the overview
PREVIEW = 5
#: hits on a page of one kind
PER_PAGE = 20
#: hits on a page of the residents' search
PUBLIC_PER_PAGE = 20


@dataclass(frozen=True)
class ResultPage:
    """Which slice of a kind's hits a page shows (a Paginator without its count query)."""

    number: int
    per_page: int
    total: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def paginator(self) -> ResultPage:
        """What ``components/pager.html`` asks a Django page for (``paginator.num_pages``)."""
        return self


@dataclass(frozen=True)
class Group:
    kind: Kind
    total: int
    hits: list[Hit] = field(default_factory=list)
    page: ResultPage | None = None

    @property
    def more(self) -> bool:
        """Whether the overview shows fewer hits than there are."""
        return self.total > len(self.hits)


def page_number(value: str | None) -> int:
    """A page number from the query string: 1 unless it is a plausible one."""
    return int(value) if value and value.isdigit() and 0 < int(value) < 10_000 else 1


def _rows(queryset: QuerySet, number: int, per_page: int) -> tuple[list, int]:
    start = (number - 1) * per_page
    with planned_for_their_values():  # a plan for these words, not for any
        rows = list(queryset[start : start + per_page])
    return rows, (rows[0].total if rows else 0)


def _matching(kind: Kind, user, query: str) -> QuerySet:
    return engine.matching(
        kind.visible(user), query, text=kind.text, names=kind.names, exact=kind.exact
    )


def search(user, query: str) -> list[Group]:
    """Every kind's first hits for ``user``, with each kind's total."""
    groups = []
    for kind in KINDS:
        rows, total = _rows(_matching(kind, user, query), 1, PREVIEW)
        groups.append(Group(kind, total, [kind.hit(row) for row in rows]))
    return groups


def search_kind(user, query: str, key: str, number: int = 1) -> Group:
    """One page of one kind's hits (``key`` from ``kinds.BY_KEY``)."""
    kind = BY_KEY[key]
    rows, total = _rows(_matching(kind, user, query), number, PER_PAGE)
    return Group(kind, total, [kind.hit(row) for row in rows], ResultPage(number, PER_PAGE, total))


# --- residents ----------------------------------------------------------------------

#: what the residents' search shows of a pledge (its public fields only)
PUBLIC_COLUMNS = (
    "pk",
    "title",
    "area",
    "period_start",
    "period_end",
    "municipality__code",
    "municipality__name",
    "total",
)


def public_search(query: str, number: int = 1) -> tuple[list[dict], ResultPage]:
    """The current published pledges whose text, municipality or a planned activity
    ``query`` finds (only what ``Pledge.objects.public()`` holds)."""
    pledges = pledge_selectors.current_published_pledges()
    activities = engine.found(
        pledge_selectors.public_activities_of(pledges).filter(pledge=OuterRef("pk")),
        query,
        text=("title", "description"),
        names=("title",),
    )
    found = engine.matching(
        pledges,
        query,
        text=("title", "public_text", "area"),
        names=("title", "municipality__name"),
        also=Exists(activities),
    ).values(*PUBLIC_COLUMNS)
    rows, total = _rows_of_values(found, number)
    return rows, ResultPage(number, PUBLIC_PER_PAGE, total)


def _rows_of_values(queryset: QuerySet, number: int) -> tuple[list[dict], int]:
    start = (number - 1) * PUBLIC_PER_PAGE
    with planned_for_their_values():
        rows = list(queryset[start : start + PUBLIC_PER_PAGE])
    return rows, (rows[0]["total"] if rows else 0)
