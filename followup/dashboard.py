"""The county dashboard: one row per municipality of a county, in a fixed number of queries.

``county_rows(county, today)`` reads every column for all municipalities of the county
with one query per kind of data (by the list of the municipalities' ids, with SQL made
once per process, so the count does not change with the data) and groups the results
in Python: the agreement phase and days to expiry, the current lägesbild's age and
whether it needs review (``SituationalPicture.staleness``, the rule the compliance
panel uses), whether a coordination function is named, this year's pledge status, its
activities by status, overdue follow-ups and the latest safety indicator value against
its target.

The derivations follow ``agreements.selectors.compliance`` (agreement in force, age of
the current lägesbild in calendar months and whether it needs review, coordination
function named).

``sort_rows`` and ``filter_rows`` serve the page and the export alike;
``charts.bar_svg`` draws a distribution as an inline SVG bar chart on the server.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from agreements.models import PHASE_LABELS, Agreement, Goal, SituationalPicture, Staleness
from agreements.selectors import picture_age, signed_covering
from councils.generations import Generation
from councils.models import CoordinationFunction, County, Municipality
from councils.prepared import Prepared, PreparedObjects, PreparedRows
from followup.models import GoalIndicator, Indicator, IndicatorValue
from pledges.models import Activity, Pledge

#: phases in the order they are preferred when a municipality has several agreements
#: (the most relevant first) and sorted on the page
PHASES = ["in_force", "signed", "awaiting_signature", "draft", "expired"]
NONE = "none"
PHASE_CHOICES = [*[(p, PHASE_LABELS[p]) for p in PHASES], (NONE, gettext_lazy("none"))]
PLEDGE_CHOICES = [*Pledge.Status.choices, (NONE, gettext_lazy("none"))]
#: the current lägesbild: needs review, up to date, or none marked current
STALE, UP_TO_DATE = "stale", "up_to_date"
PICTURE_CHOICES = [
    (STALE, gettext_lazy("needs review")),
    (UP_TO_DATE, gettext_lazy("up to date")),
    (NONE, gettext_lazy("none")),
]
ACTIVITY_STATUSES = [value for value, _label in Activity.Status.choices]


#: where a goal's latest value comes from: a catalogue indicator linked to the goal, or
#: the latest result entered on the goal itself
INDICATOR, GOAL = "indicator", "goal"
SOURCE_LABELS = {
    INDICATOR: gettext_lazy("indicator catalogue"),
    GOAL: gettext_lazy("the goal's own latest result"),
}


@dataclass(frozen=True)
class IndicatorResult:
    goal: str
    indicator: str
    unit: str
    value: Decimal | None
    year: int | None
    target: Decimal | None
    lower_is_better: bool
    source: str = INDICATOR

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])

    @property
    def on_track(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        if self.lower_is_better:
            return self.value <= self.target
        return self.value >= self.target


@dataclass
class Row:
    municipality: Municipality
    phase: str = NONE
    days_to_expiry: int | None = None
    picture_months: int | None = None
    #: why the current lägesbild needs review, None while it is up to date (or absent)
    picture_stale: Staleness | None = None
    coordination: bool = False
    pledge_status: str = NONE
    #: the year's pledge (the newest whose period overlaps the year), when there is one
    pledge_id: int | None = None
    pledge_title: str = ""
    pledge_period: tuple[dt.date, dt.date] | None = None
    activities: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    #: every measurable goal of the agreement in force, in the agreement's order
    goals: list[IndicatorResult] = field(default_factory=list)

    @property
    def indicator(self) -> IndicatorResult | None:
        """The first measured goal: the dashboard's safety indicator column."""
        return self.goals[0] if self.goals else None

    @property
    def in_force(self) -> bool:
        return self.phase == "in_force"

    @property
    def phase_label(self) -> str:
        return str(dict(PHASE_CHOICES).get(self.phase, self.phase))

    @property
    def picture_state(self) -> str:
        if self.picture_months is None:
            return NONE
        return STALE if self.picture_stale else UP_TO_DATE

    @property
    def picture_age(self) -> str:
        """The current lägesbild's age in words ("3 månader gammal"), or "" if none."""
        return "" if self.picture_months is None else picture_age(self.picture_months)

    @property
    def pledge_label(self) -> str:
        return str(dict(PLEDGE_CHOICES).get(self.pledge_status, self.pledge_status))

    @property
    def activities_total(self) -> int:
        return sum(self.activities.values())

    @property
    def activity_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every activity status, in the model's order."""
        return [
            (status, str(label), self.activities.get(status, 0))
            for status, label in Activity.Status.choices
        ]


# --- the rows ------------------------------------------------------------------------


def _agreement_rank(agreement: Agreement, today: dt.date) -> tuple:
    phase = agreement.phase(today)
    # in force: the one that runs longest (as compliance()); otherwise the newest
    return (PHASES.index(phase), -agreement.end_date.toordinal(), -agreement.pk)


def overdue_activities(county: County, today: dt.date):
    """The county's overdue follow-ups: activities of published pledges whose follow-up
    date has passed."""
    return _overdue(today).filter(pledge__municipality__county=county)


def _overdue(today: dt.date):
    return Activity.objects.filter(
        pledge__status=Pledge.Status.PUBLISHED,
        deleted_at__isnull=True,
        next_follow_up__lt=today,
    )


# The columns' reads, by SQL made once per process (``councils.prepared``), each for a
# list of municipality ids: a query per kind of data, whatever the number of ids.
_AGREEMENTS = PreparedObjects(
    lambda ids: Agreement.objects.filter(municipality_id__in=ids).exclude(
        status=Agreement.Status.REPLACED
    ),
    lists=["ids"],
)
_PICTURES = PreparedObjects(
    lambda ids: SituationalPicture.objects.filter(municipality_id__in=ids, is_current=True).only(
        "municipality_id", "decided_on", "period_end", "next_review"
    ),
    lists=["ids"],
)
_COORDINATION = Prepared(
    lambda ids: CoordinationFunction.objects.filter(municipality_id__in=ids).values_list(
        "municipality_id", "name"
    ),
    lists=["ids"],
)
#: the pledges whose period overlaps a year, the newest first per municipality
_OVERLAPPING = PreparedRows(
    lambda ids, first, last: (
        Pledge.objects.filter(
            municipality_id__in=ids, period_start__lte=last, period_end__gte=first
        )
        .order_by("municipality_id", "-period_start", "-pk")
        .values_list("pk", "municipality_id", "status", "title", "period_start", "period_end")
    ),
    lists=["ids"],
    dates=["first", "last"],
)
_OVERDUE = Prepared(
    lambda ids, today: (
        _overdue(today)
        .filter(pledge__municipality_id__in=ids)
        .values_list("pledge__municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
    ),
    lists=["ids"],
    dates=["today"],
)
_ACTIVITIES = Prepared(
    lambda ids: (
        Activity.objects.filter(pledge_id__in=ids, deleted_at__isnull=True)
        .values_list("pledge_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ),
    lists=["ids"],
)


_OF_COUNTY = PreparedObjects(
    lambda county: Municipality.objects.filter(county_id=county).order_by("name", "code")
)
#: the measurable goals of the signed agreements covering a day, and the values of
#: their indicators, in a county
_GOALS = PreparedObjects(
    lambda county, today: (
        Goal.objects.filter(
            signed_covering(today, via="agreement__"),
            Q(measured_by__isnull=False) | Q(target_value__isnull=False),
            agreement__municipality__county_id=county,
        )
        .select_related("agreement", "measured_by__indicator")
        .order_by("agreement_id", "order", "pk")
    ),
    dates=["today"],
)
_INDICATOR_VALUES = PreparedRows(
    lambda county: (
        IndicatorValue.objects.filter(
            municipality__county_id=county,
            indicator__in=GoalIndicator.objects.filter(
                goal__agreement__municipality__county_id=county
            ).values("indicator_id"),
        )
        .order_by("year")
        .values_list("indicator_id", "municipality_id", "area", "gender", "year", "value")
    ),
)


#: what the columns read (``councils.generations``): every save of one of these models
#: begins a new generation of the rows kept below; a bulk write calls ``FIGURES.changed()``
FIGURES = Generation("county-figures", seconds=300)


def watch_figures() -> None:
    """Called once the models are loaded (``FollowupConfig.ready``)."""
    FIGURES.watch(
        County,
        Municipality,
        Agreement,
        SituationalPicture,
        CoordinationFunction,
        Pledge,
        Activity,
        Goal,
        GoalIndicator,
        Indicator,
        IndicatorValue,
    )


def kept_county_rows(county: County, today: dt.date) -> list[Row]:
    """``county_rows``, kept for the data's generation and the day: the same rows for
    everyone who may open the county's dashboard. Callers do not change them."""
    return FIGURES.remembered(
        f"county-rows:{county.pk}:{today.isoformat()}", lambda: county_rows(county, today)
    )


def gap_rows(municipalities: Sequence[Municipality], today: dt.date) -> list[Row]:
    """The columns that say what a municipality lacks (agreement phase, lägesbild,
    coordination function, this year's pledge, overdue follow-ups) for each of
    ``municipalities``, in their order: five queries, whatever the number.
    The start page's county and national parts read these."""
    rows = {m.pk: Row(municipality=m) for m in municipalities}
    _base_columns(rows, today)
    return list(rows.values())


def _base_columns(rows: dict[int, Row], today: dt.date):
    """Columns 1–4 and 6 of ``rows`` (by municipality id): five queries. Returns the
    chosen agreements and each municipality's pledge of the year."""
    ids = list(rows)

    # 1. agreements: the most relevant per municipality (replaced ones do not count)
    chosen: dict[int, Agreement] = {}
    for agreement in _AGREEMENTS.objects(ids=ids):
        current = chosen.get(agreement.municipality_id)
        if current is None or _agreement_rank(agreement, today) < _agreement_rank(current, today):
            chosen[agreement.municipality_id] = agreement
    for municipality_id, agreement in chosen.items():
        row = rows[municipality_id]
        row.phase = agreement.phase(today)
        if row.phase in {"in_force", "signed", "expired"}:
            row.days_to_expiry = agreement.days_to_expiry(today)

    # 2. the current lägesbild, its age and whether it needs review
    for picture in _PICTURES.objects(ids=ids):
        row = rows[picture.municipality_id]
        row.picture_months = picture.age_in_months(today)
        row.picture_stale = picture.staleness(today)

    # 3. the coordination function
    for municipality_id, name in _COORDINATION.rows(ids=ids):
        rows[municipality_id].coordination = bool(name)

    # 4. this year's pledge: the newest whose period overlaps the calendar year
    pledge_of: dict[int, int] = {}
    first, last = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    for pk, municipality_id, status, title, start, end in _OVERLAPPING.rows(
        ids=ids, first=first, last=last
    ):
        if municipality_id not in pledge_of:
            pledge_of[municipality_id] = pk
            row = rows[municipality_id]
            row.pledge_status, row.pledge_id = status, pk
            row.pledge_title, row.pledge_period = title, (start, end)

    # 6. overdue follow-ups
    for municipality_id, n in _OVERDUE.rows(ids=ids, today=today):
        rows[municipality_id].overdue = n
    return chosen, pledge_of


def county_rows(county: County, today: dt.date) -> list[Row]:
    """Every column for all municipalities of ``county``: nine queries, whatever the
    size (eight when no municipality has a pledge this year)."""
    rows = {m.pk: Row(municipality=m) for m in _OF_COUNTY.objects(county=county.pk)}
    chosen, pledge_of = _base_columns(rows, today)

    # 5. the activities of each municipality's pledge of the year, by status
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for pledge_id, status, n in _ACTIVITIES.rows(ids=sorted(pledge_of.values())):
        counts[pledge_id][status] = n
    for municipality_id, pledge_id in pledge_of.items():
        rows[municipality_id].activities = counts.get(pledge_id, {})

    # 7. the measurable goals of the agreement in force, 8. their indicators' values
    _add_goals(county, today, chosen, rows)
    return list(rows.values())


def _add_goals(county: County, today: dt.date, chosen: dict[int, Agreement], rows) -> None:
    """Every measurable goal of the agreement in force (linked to a catalogue indicator,
    or with a target of its own), in the agreement's order: two queries."""
    goals = _GOALS.objects(county=county.pk, today=today)
    measured: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        agreement = chosen.get(goal.agreement.municipality_id)
        if agreement is not None and agreement.pk == goal.agreement_id:
            measured[goal.agreement.municipality_id].append(goal)
    latest: dict[tuple, tuple[int, Decimal]] = {}
    for indicator_id, municipality_id, area, gender, year, value in _INDICATOR_VALUES.rows(
        county=county.pk
    ):
        latest[(indicator_id, municipality_id, area, gender)] = (year, value)
    for municipality_id, municipality_goals in measured.items():
        rows[municipality_id].goals = [
            goal_result(goal, latest, municipality_id) for goal in municipality_goals
        ]


def _link(goal: Goal) -> GoalIndicator | None:
    try:
        return goal.measured_by
    except GoalIndicator.DoesNotExist:
        return None


def goal_result(goal: Goal, latest: dict, municipality_id: int) -> IndicatorResult:
    """A goal against its target: the linked indicator's latest value, or (no indicator
    linked) the goal's own latest result. Lower is better where the target is below the
    baseline."""
    link = _link(goal)
    if link is not None:
        year, value = latest.get(
            (link.indicator_id, municipality_id, link.area, link.gender), (None, None)
        )
        return IndicatorResult(
            goal=goal.text,
            indicator=link.indicator.name,
            unit=link.indicator.unit,
            value=value,
            year=year,
            target=goal.target_value,
            lower_is_better=link.indicator.lower_is_better,
            source=INDICATOR,
        )
    baseline, target = goal.baseline_value, goal.target_value
    return IndicatorResult(
        goal=goal.text,
        indicator=goal.indicator_name,
        unit=goal.indicator_unit,
        value=goal.latest_value,
        year=goal.latest_year,
        target=target,
        lower_is_better=baseline is not None and target is not None and target < baseline,
        source=GOAL,
    )


# --- sorting and filtering -------------------------------------------------------------


def _indicator_key(row: Row):
    if row.indicator is None or row.indicator.on_track is None:
        return None
    return int(row.indicator.on_track)


SORT_KEYS: dict[str, Callable[[Row], object]] = {
    "name": lambda row: row.municipality.name.casefold(),
    "phase": lambda row: PHASES.index(row.phase) if row.phase in PHASES else None,
    "days": lambda row: row.days_to_expiry,
    "picture": lambda row: row.picture_months,
    "coordination": lambda row: int(row.coordination),
    "pledge": lambda row: row.pledge_label.casefold() if row.pledge_status != NONE else None,
    "activities": lambda row: row.activities_total,
    "overdue": lambda row: row.overdue,
    "indicator": _indicator_key,
}


def sort_rows(rows: Sequence[Row], column: str, descending: bool = False) -> list[Row]:
    """Rows sorted by ``column`` (ties by name); rows without a value always come last."""
    key = SORT_KEYS.get(column, SORT_KEYS["name"])
    by_name = sorted(rows, key=SORT_KEYS["name"])
    present = [row for row in by_name if key(row) is not None]
    missing = [row for row in by_name if key(row) is None]
    return sorted(present, key=key, reverse=descending) + missing


def filter_rows(
    rows: Sequence[Row],
    *,
    phase: str = "",
    pledge: str = "",
    picture: str = "",
    overdue_only: bool = False,
) -> list[Row]:
    return [
        row
        for row in rows
        if (not phase or row.phase == phase)
        and (not pledge or row.pledge_status == pledge)
        and (not picture or row.picture_state == picture)
        and (not overdue_only or row.overdue > 0)
    ]


def distribution(rows: Sequence[Row], attribute: str, choices) -> list[tuple[str, str, int]]:
    """(value, label, count) for every choice, in the choices' order."""
    counter = Counter(getattr(row, attribute) for row in rows)
    return [(value, str(label), counter.get(value, 0)) for value, label in choices]
