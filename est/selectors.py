"""Reads of EST that pages, exports and the tertial analysis share.

The weekly picture reads ``WeeklyTotal`` only (never the raw reports): a handful of
aggregate queries whatever the number of reports, so the page costs the same for a
small municipality and a big one.
"""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from councils import access, dates
from councils.access import Capability
from councils.models import Organisation
from est.models import Place, Report, TertialAnalysis, WeeklyTotal
from est.services import categories_for, may_see_all_reports, week_of

PICTURE, REPORT, INTERNAL, EDIT = (
    Capability.PICTURE,
    Capability.REPORT,
    Capability.INTERNAL,
    Capability.EDIT,
)
#: how many weeks the picture shows by default, and at most
WEEKS, MAX_WEEKS = 8, 52
#: how many weeks before the chosen one the change is measured against
COMPARE_WEEKS = 4


def reports_for(user):
    """Every report ``user`` may open: in the municipalities where they hold INTERNAL, all;
    elsewhere their own organisations' (``access.get_object_or_404`` adds REPORT)."""
    mine = Organisation.objects.filter(memberships__user=user).values("pk")
    return Report.objects.select_related(
        "municipality", "place", "category", "organisation"
    ).filter(
        Q(municipality__in=access.municipalities_for(user, INTERNAL)) | Q(organisation__in=mine)
    )


def sees_reports(user, municipality) -> bool:
    """Whether ``user`` sees any raw reports of ``municipality`` (their own, or all)."""
    return access.can(user, REPORT, municipality) or may_see_all_reports(user, municipality)


def week_label(week: dt.date) -> str:
    year, number, _day = week.isocalendar()
    return _("week %(week)d, %(year)d") % {"week": number, "year": year}


def week_value(week: dt.date) -> str:
    """``2026-W48``: a week as ``<input type="week">`` writes it."""
    year, number, _day = week.isocalendar()
    return f"{year}-W{number:02d}"


def parse_week(text: str | None) -> dt.date | None:
    """``2026-W48`` (what ``<input type="week">`` sends) as that week's Monday."""
    if not text:
        return None
    try:
        year, number = text.upper().split("-W")
        return dt.date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        return None


@dataclass
class Filters:
    week: dt.date
    weeks: int = WEEKS
    area: str = ""
    category: int | None = None
    place: int | None = None

    @property
    def first_week(self) -> dt.date:
        return self.week - dt.timedelta(weeks=self.weeks - 1)

    def week_list(self) -> list[dt.date]:
        return [self.first_week + dt.timedelta(weeks=i) for i in range(self.weeks)]


def filters_from(query, municipality) -> Filters:
    """The picture's filters from a query string, each checked (a bad one is ignored)."""
    this_week = week_of(dates.today())
    week = parse_week(query.get("week")) or this_week
    week = min(week, this_week)
    try:
        weeks = min(max(int(query.get("weeks", WEEKS)), 1), MAX_WEEKS)
    except ValueError:
        weeks = WEEKS
    filters = Filters(week=week, weeks=weeks, area=(query.get("area") or "")[:100])
    for name in ("category", "place"):
        with suppress(ValueError):
            setattr(filters, name, int(query.get(name) or 0) or None)
    return filters


@dataclass
class Picture:
    filters: Filters
    weeks: list[dt.date]
    by_week: dict[dt.date, int]
    by_category: list[tuple[int, str, int, int]]  # id, name, count, cost
    by_area: list[tuple[str, int, int]]
    places: list[Place]
    place_weeks: dict[int, dict[dt.date, int]]
    this_week: int
    previous_average: float
    total: int
    cost: int
    areas: list[str] = field(default_factory=list)
    categories: list = field(default_factory=list)

    @property
    def change(self) -> float | None:
        """The chosen week against the average of the four before, in per cent."""
        if not self.previous_average:
            return None
        return round(100 * (self.this_week - self.previous_average) / self.previous_average)

    def place_rows(self):
        """Places with counts, most first; each with its counts per week and whether the
        chosen week stands out (twice its four-week average, and at least three)."""
        rows = []
        for place in self.places:
            counts = self.place_weeks.get(place.pk, {})
            total = sum(counts.get(week, 0) for week in self.weeks)
            if not total:
                continue
            cells = [counts.get(week, 0) for week in self.weeks]
            before = [
                counts.get(self.filters.week - dt.timedelta(weeks=i), 0) for i in (1, 2, 3, 4)
            ]
            average = sum(before) / COMPARE_WEEKS
            latest = counts.get(self.filters.week, 0)
            rows.append((place, cells, total, latest >= 3 and latest >= 2 * average))
        rows.sort(key=lambda row: (-row[2], row[0].name))
        return rows


def picture(municipality, filters: Filters) -> Picture:
    """The weekly picture of ``municipality`` for ``filters``, from the weekly totals."""
    start = min(filters.first_week, filters.week - dt.timedelta(weeks=COMPARE_WEEKS))
    totals = WeeklyTotal.objects.filter(
        municipality=municipality, week__gte=start, week__lte=filters.week
    )
    if filters.area:
        totals = totals.filter(place__area=filters.area)
    if filters.category:
        totals = totals.filter(category_id=filters.category)
    if filters.place:
        totals = totals.filter(place_id=filters.place)
    shown = totals.filter(week__gte=filters.first_week)
    by_week = {
        row["week"]: row["n"] for row in totals.values("week").annotate(n=Sum("count")).order_by()
    }
    categories = list(categories_for(municipality).order_by("order", "name"))
    names = {c.pk: c.name for c in categories}
    by_category = sorted(
        (
            (row["category_id"], names.get(row["category_id"], "?"), row["n"], row["cost"])
            for row in shown.values("category_id")
            .annotate(n=Sum("count"), cost=Sum("cost"))
            .order_by()
        ),
        key=lambda row: (-row[2], row[1]),
    )
    by_area = sorted(
        (
            (row["place__area"], row["n"], row["cost"])
            for row in shown.values("place__area")
            .annotate(n=Sum("count"), cost=Sum("cost"))
            .order_by()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    place_weeks: dict[int, dict[dt.date, int]] = {}
    for row in totals.values("place_id", "week").annotate(n=Sum("count")).order_by():
        place_weeks.setdefault(row["place_id"], {})[row["week"]] = row["n"]
    places = list(Place.objects.filter(municipality=municipality))
    before = [by_week.get(filters.week - dt.timedelta(weeks=i), 0) for i in range(1, 5)]
    return Picture(
        filters=filters,
        weeks=filters.week_list(),
        by_week=by_week,
        by_category=by_category,
        by_area=by_area,
        places=places,
        place_weeks=place_weeks,
        this_week=by_week.get(filters.week, 0),
        previous_average=sum(before) / COMPARE_WEEKS,
        total=sum(row[2] for row in by_category),
        cost=sum(row[3] or 0 for row in by_category),
        areas=sorted({p.area for p in places}),
        categories=categories,
    )


def export_rows(municipality, filters: Filters) -> list[list]:
    """The counts behind the picture: week, area, place, category, count, cost."""
    totals = (
        WeeklyTotal.objects.filter(
            municipality=municipality, week__gte=filters.first_week, week__lte=filters.week
        )
        .select_related("place", "category")
        .order_by("week", "place__area", "place__name", "category__order")
    )
    if filters.area:
        totals = totals.filter(place__area=filters.area)
    if filters.category:
        totals = totals.filter(category_id=filters.category)
    if filters.place:
        totals = totals.filter(place_id=filters.place)
    return [
        [
            t.week,
            week_value(t.week),
            t.place.area,
            t.place.name,
            _("yes") if t.place.vulnerable else _("no"),
            t.category.name,
            t.count,
            t.cost,
        ]
        for t in totals
    ]


# --- the tertial -------------------------------------------------------------------------

TERTIAL_MONTHS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}


def tertial_period(year: int, tertial: int) -> tuple[dt.date, dt.date]:
    first, last = TERTIAL_MONTHS[tertial]
    start = dt.date(year, first, 1)
    end = dates.add_months(dt.date(year, last, 1), 1) - dt.timedelta(days=1)
    return start, end


def tertial_numbers(analysis: TertialAnalysis) -> dict:
    """The tertial's counts (the weeks that begin in it): what a snapshot freezes."""
    start, end = tertial_period(analysis.year, analysis.tertial)
    totals = WeeklyTotal.objects.filter(
        municipality_id=analysis.municipality_id, week__gte=start, week__lte=end
    )
    overall = totals.aggregate(n=Sum("count"), cost=Sum("cost"))
    categories = [
        {"category": row["category__name"], "count": row["n"]}
        for row in totals.values("category__name")
        .annotate(n=Sum("count"))
        .order_by("-n", "category__name")
    ]
    areas = [
        {"area": row["place__area"], "count": row["n"]}
        for row in totals.values("place__area")
        .annotate(n=Sum("count"))
        .order_by("-n", "place__area")
    ]
    places = [
        {"place": row["place__name"], "area": row["place__area"], "count": row["n"]}
        for row in totals.values("place__name", "place__area")
        .annotate(n=Sum("count"))
        .order_by("-n", "place__name")[:10]
    ]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "count": overall["n"] or 0,
        "cost": overall["cost"] or 0,
        "categories": categories,
        "areas": areas,
        "places": places,
    }


# --- panels ------------------------------------------------------------------------------


def municipality_panel(request, municipality) -> dict | None:
    """The EST panel of the municipality page, for those who see the picture."""
    if not access.can(request.user, PICTURE, municipality):
        return None
    return {
        "municipality": municipality,
        "reports": access.can(request.user, REPORT, municipality),
    }


def picture_snapshots(request, picture) -> dict | None:
    """The tertial analyses attached to a lägesbild (its page needs INTERNAL already)."""
    attached = list(TertialAnalysis.objects.filter(picture=picture).order_by("year", "tertial"))
    if not attached:
        return None
    return {"analyses": attached}
