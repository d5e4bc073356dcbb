"""Reads of the follow-up pages, scoped by the user, in a fixed number of queries.

- ``pledge_follow_up(pledge)``: every activity of a pledge with its entries (the
  latest first), which are overdue, and the roll-ups.
- ``plan_follow_up(user, pledge, period)``: the rows of the follow-up of a whole plan
  for one period: which the user records, which are already followed up.
- ``public_follow_up(pledge_pk, activities)``: what residents see, registered with
  ``pledges.selectors.register_follow_up``; only published entries and the latest
  published pledge follow-up, as frozen dataclasses of public fields.
- ``goal_progress(goals)``: what the agreement page shows of its goals against their
  indicators: per goal, its indicator, the latest value and the series for the trend
  chart, in a fixed number of queries whatever the number of goals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet

from agreements.models import Goal
from councils import access
from councils.access import Capability
from councils.models import Municipality
from councils.prepared import PreparedObjects
from followup import cadence
from followup.charts import trend_svg
from followup.models import (
    FollowUp,
    GoalIndicator,
    Indicator,
    IndicatorValue,
    PledgeFollowUp,
)
from followup.services import may_record
from pledges.models import Activity, Pledge
from pledges.selectors import PublicActivity

# --- the internal follow-up page ---------------------------------------------------------


def pledges_followed_up_by(user) -> QuerySet[Pledge]:
    """Pledges whose (internal) follow-up ``user`` may read."""
    return access.filter_visible(Pledge.objects.all(), user, Capability.INTERNAL)


@dataclass
class ActivityFollowUp:
    activity: Activity
    #: newest first
    entries: list[FollowUp]
    overdue: bool
    may_record: bool = False

    @property
    def latest(self) -> FollowUp | None:
        return self.entries[0] if self.entries else None

    @property
    def earlier(self) -> list[FollowUp]:
        return self.entries[1:]


#: The activity statuses the summary lists even when no activity has them.
ALWAYS_SHOWN = (Activity.Status.DONE, Activity.Status.ONGOING, Activity.Status.NOT_DONE)


@dataclass(frozen=True)
class StatusShare:
    status: str
    label: str
    count: int
    #: whole per cent of all activities
    share: int

    @property
    def shown(self) -> bool:
        """The summary lists a status with activities, and always the main three."""
        return bool(self.count) or self.status in ALWAYS_SHOWN


@dataclass(frozen=True)
class RollUp:
    total: int
    shares: list[StatusShare]
    #: mean of each activity's latest progress (an activity without an entry counts 0)
    progress: int
    overdue: int
    without_entry: int

    def share_of(self, status: str) -> StatusShare:
        return next(s for s in self.shares if s.status == status)


@dataclass
class PledgeFollowUpPage:
    pledge: Pledge
    rows: list[ActivityFollowUp]
    roll_up: RollUp
    marked: list[PledgeFollowUp] = field(default_factory=list)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def roll_up(rows: Sequence[ActivityFollowUp]) -> RollUp:
    total = len(rows)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.activity.status] += 1
    shares = [
        StatusShare(status, str(label), counts[status], _percent(counts[status], total))
        for status, label in Activity.Status.choices
    ]
    progress = sum(row.latest.progress for row in rows if row.latest)
    return RollUp(
        total=total,
        shares=shares,
        progress=round(progress / total) if total else 0,
        overdue=sum(row.overdue for row in rows),
        without_entry=sum(row.latest is None for row in rows),
    )


#: a pledge's live activities in the plan's order, with the relations the follow-up pages
#: show, and their entries, latest period first: SQL made once per process, as these
#: pages are opened again and again
_ACTIVITIES = PreparedObjects(
    lambda pledge: (
        Activity.objects.filter(pledge_id=pledge, deleted_at__isnull=True)
        .select_related("responsible_user", "responsible_organisation")
        .order_by("order", "pk")
    )
)
_ENTRIES = PreparedObjects(
    lambda pledge: (
        FollowUp.objects.filter(activity__pledge_id=pledge, activity__deleted_at__isnull=True)
        .select_related("reported_by")
        .order_by("activity_id", "-period_end", "-pk")
    )
)
_MARKED = PreparedObjects(
    lambda pledge: (
        PledgeFollowUp.objects.filter(pledge_id=pledge)
        .select_related("marked_by")
        .order_by("-period_end")
    )
)


def _activities_with_entries(pledge: Pledge) -> list[tuple[Activity, list]]:
    """The pledge's activities in the plan's order, each with its entries (latest period
    first): two queries whatever the size of the plan."""
    activities = _ACTIVITIES.objects(known={"pledge": pledge}, pledge=pledge.pk)
    entries: dict[int, list[FollowUp]] = defaultdict(list)
    for entry in _ENTRIES.objects(pledge=pledge.pk):
        entries[entry.activity_id].append(entry)
    return [(activity, entries[activity.pk]) for activity in activities]


def pledge_follow_up(user, pledge: Pledge, today: dt.date | None = None) -> PledgeFollowUpPage:
    """Three queries: the activities, their entries, the pledge's marked periods."""
    today = today or cadence.today()
    rows = []
    for activity, own in _activities_with_entries(pledge):
        rows.append(
            ActivityFollowUp(
                activity=activity,
                entries=own,
                overdue=cadence.is_overdue(activity.next_follow_up, today),
                may_record=pledge.is_public and may_record(user, activity),
            )
        )
    marked = _MARKED.objects(known={"pledge": pledge}, pledge=pledge.pk)
    return PledgeFollowUpPage(pledge=pledge, rows=rows, roll_up=roll_up(rows), marked=marked)


# --- the follow-up of a whole plan ------------------------------------------------------


@dataclass
class PlanRow:
    activity: Activity
    #: the latest entry of the activity
    latest: FollowUp | None
    #: an entry already recorded whose period includes the end of the chosen period
    recorded: FollowUp | None
    may_record: bool

    @property
    def editable(self) -> bool:
        """The user records this row: they may, and it is not yet followed up."""
        return self.may_record and self.recorded is None


def plan_follow_up(user, pledge: Pledge, period: cadence.Period) -> list[PlanRow]:
    """Every activity of a pledge for the follow-up of one period, in the plan's order:
    two queries (the activities, their entries) whatever the size of the plan."""
    rows = []
    for activity, own in _activities_with_entries(pledge):
        rows.append(
            PlanRow(
                activity=activity,
                latest=own[0] if own else None,
                recorded=next(
                    (e for e in own if e.period_start <= period[1] <= e.period_end), None
                ),
                may_record=pledge.is_public and may_record(user, activity),
            )
        )
    return rows


# --- the public pledge page ------------------------------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    period_start: dt.date
    period_end: dt.date
    status: str
    progress: int
    done: str
    effect: str

    @property
    def status_label(self) -> str:
        return Activity.Status(self.status).label


@dataclass(frozen=True)
class PublicActivityFollowUp:
    activity: PublicActivity
    #: published entries, newest first
    entries: Sequence[PublicEntry]


@dataclass(frozen=True)
class PublicPledgeFollowUp:
    """The latest published follow-up of a pledge and the published entries."""

    period_start: dt.date | None
    period_end: dt.date | None
    summary: str
    published_at: dt.datetime | None
    activities: Sequence[PublicActivityFollowUp] = ()
    template_name: str = "followup/public_follow_up.html"


def public_follow_up(
    pledge_pk: int, activities: Sequence[PublicActivity]
) -> PublicPledgeFollowUp | None:
    """Two queries; None when nothing of the follow-up is published yet."""
    latest = (
        PledgeFollowUp.objects.filter(pledge_id=pledge_pk, published_at__isnull=False)
        .order_by("-period_end", "-pk")
        .values("period_start", "period_end", "summary", "published_at")
        .first()
    )
    by_activity: dict[int, list[PublicEntry]] = defaultdict(list)
    rows = (
        FollowUp.objects.filter(activity__in=[a.pk for a in activities], published=True)
        .order_by("activity_id", "-period_end", "-pk")
        .values("activity_id", "period_start", "period_end", "status", "progress", "done", "effect")
    )
    for row in rows:
        by_activity[row.pop("activity_id")].append(PublicEntry(**row))
    if latest is None and not by_activity:
        return None
    return PublicPledgeFollowUp(
        period_start=latest and latest["period_start"],
        period_end=latest and latest["period_end"],
        summary=latest["summary"] if latest else "",
        published_at=latest and latest["published_at"],
        activities=[
            PublicActivityFollowUp(a, by_activity[a.pk]) for a in activities if by_activity[a.pk]
        ],
    )


# --- indicators: the series behind goals --------------------------------------------


def indicator_series(
    indicator_ids: Iterable[int], municipality_ids: Iterable[int]
) -> dict[tuple[int, int, str, str], list[tuple[int, Decimal]]]:
    """Series (year, value) by (indicator, municipality, area, gender), oldest first."""
    series: dict[tuple[int, int, str, str], list[tuple[int, Decimal]]] = defaultdict(list)
    values = (
        IndicatorValue.objects.filter(
            indicator_id__in=set(indicator_ids), municipality_id__in=set(municipality_ids)
        )
        .order_by("year")
        .values_list("indicator_id", "municipality_id", "area", "gender", "year", "value")
    )
    for indicator_id, municipality_id, area, gender, year, value in values:
        series[(indicator_id, municipality_id, area, gender)].append((year, value))
    return series


def latest_value(
    indicator: Indicator, municipality: Municipality | int, *, area: str = "", gender: str = "T"
) -> IndicatorValue | None:
    return (
        IndicatorValue.objects.filter(
            indicator=indicator,
            municipality_id=getattr(municipality, "pk", municipality),
            area=area,
            gender=gender,
        )
        .order_by("-year")
        .first()
    )


@dataclass
class GoalProgress:
    goal: Goal
    indicator: Indicator
    area: str
    gender: str
    #: (year, value), oldest first
    series: list[tuple[int, Decimal]]

    @property
    def latest(self) -> tuple[int, Decimal] | None:
        return self.series[-1] if self.series else None

    @property
    def latest_year(self) -> int | None:
        return self.series[-1][0] if self.series else None

    @property
    def latest_value(self) -> Decimal | None:
        return self.series[-1][1] if self.series else None

    def chart(self):
        return trend_svg(
            self.series,
            title=self.indicator.name,
            description=self.goal.text,
            baseline=self.goal.baseline_value,
            target=self.goal.target_value,
            unit=self.indicator.unit,
        )


def goal_progress(goals: Iterable[Goal]) -> dict[int, GoalProgress]:
    """Per goal id (of the goals that point at an indicator): the indicator, the
    latest value and the series for the chart. Two queries for any number of goals
    (none without goals)."""
    by_id = {goal.pk: goal for goal in goals}
    if not by_id:
        return {}
    links = list(
        GoalIndicator.objects.filter(goal_id__in=by_id)
        .select_related("indicator")
        .annotate(goal_municipality_id=F("goal__agreement__municipality_id"))
    )
    if not links:
        return {}
    series = indicator_series(
        {link.indicator_id for link in links}, {link.goal_municipality_id for link in links}
    )
    return {
        link.goal_id: GoalProgress(
            goal=by_id[link.goal_id],
            indicator=link.indicator,
            area=link.area,
            gender=link.gender,
            series=series.get(
                (link.indicator_id, link.goal_municipality_id, link.area, link.gender), []
            ),
        )
        for link in links
    }
