"""The county board's yearly report on the crime-prevention work of its county, as one
XLSX workbook with a worksheet per part (förordning 2016:1258: the county boards report
every year): an overview; the municipalities' compliance with the law's duties (Lag
2023:196, as the compliance panel reads them); the agreements and their periods; the
citizen pledges and how far their activities were followed up; the measurable goals
against their targets; and the county board's own analysis.

A past year's report describes 31 December of that year, the current year's today
(``county_summary.reference_day``). Nothing internal: an agreement or a pledge that is
not signed or published is shown by its status (and counts) only, never its title or
content; no comment, lägesbild text or responsible person is read. A fixed number of
queries, whatever the number of municipalities (the dashboard's rows and one query per
further kind of data, each filtered by the county).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from agreements.models import PHASE_LABELS, ActionPlan, Agreement
from councils import dates, exports
from councils.exports import Sheet
from councils.models import County, Meeting
from followup import county_summary, dashboard
from followup.dashboard import Row
from followup.models import CountyAnalysis, FollowUp, MunicipalityComment, PledgeFollowUp
from pledges.models import Activity, Pledge

#: the first year a yearly report can be asked for (the county summary's first)
FIRST_YEAR = county_summary.FIRST_YEAR
SIGNED = (Agreement.Status.SIGNED, Agreement.Status.REPLACED)


def years(today: dt.date) -> list[int]:
    """The years a report can be made for, newest first: this year (so far) back to
    ``FIRST_YEAR``."""
    return list(range(today.year, FIRST_YEAR - 1, -1))


def default_year(today: dt.date) -> int:
    """The year reported on by default: the previous calendar year."""
    return max(today.year - 1, FIRST_YEAR)


def filename(county: County, year: int) -> str:
    return exports.filename("Årsrapport brottsförebyggande arbete", county.name, year)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else _("yes") if value else _("no")


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- the parts ---------------------------------------------------------------------------


def _overview(county: County, year: int, day: dt.date, rows: list[Row]) -> Sheet:
    facts = [
        (_("County"), county.name),
        (_("Year"), year),
        (_("Situation described on"), day),
        (_("Made on"), dates.today()),
        (_("Municipalities"), len(rows)),
        (_("Agreements in force"), sum(row.in_force for row in rows)),
        (
            _("Published citizen pledges"),
            sum(row.pledge_status in Pledge.PUBLIC_STATUSES for row in rows),
        ),
        (_("Activities"), sum(row.activities_total for row in rows)),
        (_("Overdue follow-ups"), sum(row.overdue for row in rows)),
        (_("Without a coordination function"), sum(not row.coordination for row in rows)),
        (
            _("Lägesbild needs review"),
            sum(row.picture_state == dashboard.STALE for row in rows),
        ),
    ]
    return Sheet(_("Overview"), [_("Fact"), _("Value")], facts, widths={"A": 36, "B": 30})


def _compliance(county: County, day: dt.date, rows: list[Row]) -> Sheet:
    plans: dict[int, tuple] = {}
    for municipality_id, decided_by, decided_on, valid_until in (
        ActionPlan.objects.filter(
            municipality__county=county, valid_from__lte=day, valid_until__gte=day
        )
        .order_by("municipality_id", "-decided_on", "-pk")
        .values_list("municipality_id", "decided_by", "decided_on", "valid_until")
    ):
        plans.setdefault(municipality_id, (decided_by, decided_on, valid_until))
    meetings = dict(
        Meeting.objects.filter(
            council__municipality__county=county,
            held_on__gt=day - dt.timedelta(days=365),
            held_on__lte=day,
        )
        .values_list("council__municipality_id")
        .annotate(latest=Max("held_on"))
        .order_by()
    )
    headers = [
        _("Municipality"),
        _("Code"),
        _("Current lägesbild"),
        _("Lägesbild age (months)"),
        _("Lägesbild needs review"),
        _("Action plan decided"),
        _("Action plan decided by"),
        _("Action plan decided on"),
        _("Action plan valid until"),
        _("Coordination function named"),
        _("Cooperation agreement in force"),
        _("Days to expiry"),
        _("Council meeting in the last 12 months"),
        _("Latest council meeting"),
    ]
    lines = []
    for row in rows:
        plan = plans.get(row.municipality.pk)
        met = meetings.get(row.municipality.pk)
        lines.append(
            [
                row.municipality.name,
                row.municipality.code,
                _yes_no(row.picture_months is not None),
                row.picture_months,
                _yes_no(bool(row.picture_stale)) if row.picture_months is not None else "",
                _yes_no(plan is not None),
                *(plan if plan else ("", None, None)),
                _yes_no(row.coordination),
                _yes_no(row.in_force),
                row.days_to_expiry if row.in_force else None,
                _yes_no(met is not None),
                met,
            ]
        )
    return Sheet(_("Duties of the law"), headers, lines, widths={"A": 28})


def _agreements(county: County, year: int, day: dt.date, names: dict[int, tuple]) -> Sheet:
    """Every agreement whose period meets the year (replaced ones too: they were in force);
    an unsigned one by its status only."""
    first, last = _year_bounds(year)
    headers = [
        _("Municipality"),
        _("Code"),
        _("Agreement"),
        _("Phase"),
        _("Start date"),
        _("End date"),
        _("Signed by the municipality on"),
        _("Signed by the police on"),
    ]
    lines = []
    for agreement in (
        Agreement.objects.filter(
            municipality__county=county, start_date__lte=last, end_date__gte=first
        )
        .order_by("municipality__name", "municipality__code", "start_date", "pk")
        .only(
            "municipality_id",
            "status",
            "title",
            "start_date",
            "end_date",
            "municipality_signed_on",
            "police_signed_on",
        )
    ):
        name, code = names[agreement.municipality_id]
        phase = str(PHASE_LABELS.get(agreement.phase(day), agreement.status))
        if agreement.status in SIGNED:
            lines.append(
                [
                    name,
                    code,
                    agreement.title,
                    phase,
                    agreement.start_date,
                    agreement.end_date,
                    agreement.municipality_signed_on,
                    agreement.police_signed_on,
                ]
            )
        else:
            lines.append([name, code, "", phase, None, None, None, None])
    return Sheet(_("Agreements"), headers, lines, widths={"A": 28, "C": 50})


def _pledges(county: County, year: int, day: dt.date, names: dict[int, tuple]) -> Sheet:
    """Every pledge whose period meets the year: its activities by status, how many were
    followed up in the year (an entry for a period that meets the year) and the share,
    overdue follow-ups, and the latest follow-up published to residents."""
    first, last = _year_bounds(year)
    pledges = Pledge.objects.filter(
        municipality__county=county, period_start__lte=last, period_end__gte=first
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for pledge_id, status, n in (
        Activity.objects.filter(pledge__in=pledges, deleted_at__isnull=True)
        .values_list("pledge_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[pledge_id][status] = n
    followed = dict(
        FollowUp.objects.filter(
            activity__pledge__in=pledges,
            activity__deleted_at__isnull=True,
            period_start__lte=last,
            period_end__gte=first,
        )
        .values_list("activity__pledge_id")
        .annotate(n=Count("activity_id", distinct=True))
        .order_by()
    )
    overdue = dict(
        dashboard.overdue_activities(county, day)
        .filter(pledge__in=pledges)
        .values_list("pledge_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    published = dict(
        PledgeFollowUp.objects.filter(pledge__in=pledges, published_at__isnull=False)
        .values_list("pledge_id")
        .annotate(latest=Max("period_end"))
        .order_by()
    )
    statuses = Activity.Status.choices
    headers = [
        _("Municipality"),
        _("Code"),
        _("Citizen pledge"),
        _("Status"),
        _("Period from"),
        _("Period to"),
        _("Activities"),
        *[str(label) for _value, label in statuses],
        _("Activities followed up in the year"),
        _("Follow-up rate (%)"),
        _("Overdue follow-ups"),
        _("Follow-up published to residents, up to"),
    ]
    labels = dict(Pledge.Status.choices)
    lines = []
    for pledge in pledges.order_by(
        "municipality__name", "municipality__code", "period_start", "pk"
    ).only("municipality_id", "status", "title", "period_start", "period_end"):
        name, code = names[pledge.municipality_id]
        by_status = counts.get(pledge.pk, {})
        total = sum(by_status.values())
        done = followed.get(pledge.pk, 0)
        public = pledge.status in Pledge.PUBLIC_STATUSES
        lines.append(
            [
                name,
                code,
                pledge.title if public else "",
                str(labels.get(pledge.status, pledge.status)),
                pledge.period_start if public else None,
                pledge.period_end if public else None,
                total,
                *[by_status.get(value, 0) for value, _label in statuses],
                done,
                round(100 * done / total) if total else None,
                overdue.get(pledge.pk, 0),
                published.get(pledge.pk),
            ]
        )
    return Sheet(_("Citizen pledges"), headers, lines, widths={"A": 28, "C": 50})


def _goals(rows: list[Row]) -> Sheet:
    headers = [
        _("Municipality"),
        _("Code"),
        _("Goal"),
        _("Indicator"),
        _("Unit"),
        _("Latest value"),
        _("Year"),
        _("Target"),
        _("On track"),
        _("Source of the value"),
    ]
    lines = [
        [
            row.municipality.name,
            row.municipality.code,
            goal.goal,
            goal.indicator,
            goal.unit,
            goal.value,
            goal.year,
            goal.target,
            _yes_no(goal.on_track),
            goal.source_label,
        ]
        for row in rows
        for goal in row.goals
    ]
    return Sheet(_("Indicators and goals"), headers, lines, widths={"A": 28, "C": 50, "D": 30})


def _analysis(county: County, year: int, names: dict[int, tuple]) -> Sheet:
    introduction = (
        CountyAnalysis.objects.filter(county=county, year=year)
        .values_list("introduction", flat=True)
        .first()
    )
    lines = [[_("The whole county"), county.code, (introduction or "").strip()]]
    comments = dict(
        MunicipalityComment.objects.filter(
            analysis__county=county, analysis__year=year
        ).values_list("municipality_id", "text")
    )
    for municipality_id, (name, code) in names.items():
        lines.append([name, code, (comments.get(municipality_id) or "").strip()])
    return Sheet(
        _("The county's analysis"),
        [_("Municipality"), _("Code"), _("The county board's analysis")],
        lines,
        widths={"A": 28, "C": 100},
    )


def sheets(county: County, year: int, today: dt.date) -> list[Sheet]:
    """The report's worksheets, in order."""
    day = county_summary.reference_day(year, today)
    rows = dashboard.county_rows(county, day)
    names = {row.municipality.pk: (row.municipality.name, row.municipality.code) for row in rows}
    return [
        _overview(county, year, day, rows),
        _compliance(county, day, rows),
        _agreements(county, year, day, names),
        _pledges(county, year, day, names),
        _goals(rows),
        _analysis(county, year, names),
    ]
