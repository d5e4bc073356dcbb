"""The county summary: everything a county board follows, for one county and year, as
the data of a PDF report (``followup/pdf/county_summary.html``).

It is the county dashboard's rows (``dashboard.county_rows``) plus, per municipality,
the year's pledge with its activities and their status, the overdue follow-ups and
every measurable goal of the agreement in force against its target; the sender (the
county board, its logo) and the county board's own analysis (an introduction, a
comment per municipality). Fourteen queries, whatever the number of municipalities.

Municipalities with nothing to report (no agreement, no pledge of the year, no comment
from the county board) share one table instead of a near-empty page each.

The summary of a past year describes the situation on its last day (31 December);
the current year's, today. Activities are listed only for published pledges: a draft
is internal to the municipality and the police, so the county sees only its status
and counts (as on the dashboard).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from councils.models import County, Organisation
from followup import charts, dashboard
from followup.dashboard import PHASE_CHOICES, PLEDGE_CHOICES, Row
from followup.models import CountyAnalysis, MunicipalityComment
from pledges.models import Activity, Pledge

#: room for the longest Swedish label ("undertecknad, ännu inte gällande") on paper
CHART_LABEL_WIDTH = 260
#: the years a county summary can be asked for
FIRST_YEAR = 2015


def years(today: dt.date) -> list[int]:
    """The years offered, newest first: from ``FIRST_YEAR`` to next year."""
    return list(range(today.year + 1, FIRST_YEAR - 1, -1))


def reference_day(year: int, today: dt.date) -> dt.date:
    """The day the summary describes: today for this year (and later), else 31 December."""
    return min(today, dt.date(year, 12, 31))


@dataclass(frozen=True)
class ActivityLine:
    title: str
    party: str
    status: str
    status_label: str
    next_follow_up: dt.date | None


@dataclass(frozen=True)
class OverdueLine:
    title: str
    pledge: str
    due: dt.date
    days: int


@dataclass
class Section:
    row: Row
    activities: list[ActivityLine] = field(default_factory=list)
    overdue: list[OverdueLine] = field(default_factory=list)
    #: the county board's comment on the municipality
    comment: str = ""
    #: the page its part starts on in the printed summary (set while printing)
    page: int = 0

    @property
    def has_nothing_to_report(self) -> bool:
        """No agreement, no pledge of the year and no comment: a line in the shared
        table, not a page of its own."""
        row = self.row
        return (
            row.phase == dashboard.NONE and row.pledge_status == dashboard.NONE and not self.comment
        )

    @property
    def oldest_overdue(self) -> OverdueLine | None:
        return max(self.overdue, key=lambda line: line.days, default=None)

    @property
    def oldest_overdue_days(self) -> str:
        """How late the oldest overdue follow-up is, in words ("1 dag", "3 dagar")."""
        oldest = self.oldest_overdue
        if oldest is None:
            return ""
        return ngettext("%(days)s day", "%(days)s days", oldest.days) % {"days": oldest.days}

    @property
    def municipality(self):
        return self.row.municipality

    @property
    def pledge_title(self) -> str:
        return self.row.pledge_title

    @property
    def pledge_period(self) -> tuple[dt.date, dt.date] | None:
        return self.row.pledge_period

    @property
    def published(self) -> bool:
        """Whether the year's pledge is public (its activities may be listed)."""
        return self.row.pledge_status in Pledge.PUBLIC_STATUSES

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        """(label, count) of the statuses the year's activities have."""
        return [(label, n) for _status, label, n in self.row.activity_counts if n]


@dataclass(frozen=True)
class Sender:
    """Who sends the summary: the county board (its name, its logo's file name in the
    media storage), or the county's name while no board is registered."""

    name: str
    logo: str = ""


@dataclass
class Summary:
    county: County
    year: int
    day: dt.date
    sections: list[Section]
    sender: Sender = field(default_factory=lambda: Sender(name=""))
    introduction: str = ""

    @property
    def reported(self) -> list[Section]:
        """The municipalities with a page of their own."""
        return [s for s in self.sections if not s.has_nothing_to_report]

    @property
    def nothing_to_report(self) -> list[Section]:
        """The municipalities without agreement, pledge or comment: one shared table."""
        return [s for s in self.sections if s.has_nothing_to_report]

    @property
    def stale(self) -> list[Section]:
        """The municipalities whose current lägesbild needs review, named in the text."""
        return [s for s in self.sections if s.row.picture_stale]

    @property
    def late(self) -> list[Section]:
        """The municipalities with overdue follow-ups, named in the text."""
        return [s for s in self.sections if s.overdue]

    @property
    def rows(self) -> list[Row]:
        return [section.row for section in self.sections]

    @property
    def totals(self) -> dict[str, int]:
        rows = self.rows
        return {
            "municipalities": len(rows),
            "in_force": sum(row.phase == "in_force" for row in rows),
            "published": sum(row.pledge_status in Pledge.PUBLIC_STATUSES for row in rows),
            "activities": sum(row.activities_total for row in rows),
            "overdue": sum(row.overdue for row in rows),
            "without_coordination": sum(not row.coordination for row in rows),
            "stale_pictures": sum(row.picture_state == dashboard.STALE for row in rows),
        }

    def activity_distribution(self) -> list[tuple[str, str, int]]:
        counter: Counter[str] = Counter()
        for row in self.rows:
            counter.update(row.activities)
        return [
            (status, str(label), counter.get(status, 0))
            for status, label in Activity.Status.choices
        ]

    def charts(self) -> list[tuple[str, str]]:
        """(title, inline SVG) of the overview's three charts."""
        rows, county, year = self.rows, self.county.name, self.year
        bars = [
            (
                _("Agreements by phase"),
                dashboard.distribution(rows, "phase", PHASE_CHOICES),
            ),
            (
                _("Pledges of %(year)s by status") % {"year": year},
                dashboard.distribution(rows, "pledge_status", PLEDGE_CHOICES),
            ),
            (
                _("Activities of %(year)s by status") % {"year": year},
                self.activity_distribution(),
            ),
        ]
        return [
            (
                title,
                charts.bar_svg(data, title=f"{title} – {county}", label_width=CHART_LABEL_WIDTH),
            )
            for title, data in bars
        ]


def county_summary(county: County, year: int, today: dt.date) -> Summary:
    day = reference_day(year, today)
    rows = dashboard.county_rows(county, day)  # nine queries, the year's pledge included
    sections = {row.municipality.pk: Section(row=row) for row in rows}

    # 10. the activities of the year's pledges that are published (the dashboard's rows
    # name each municipality's pledge of the year)
    published = {s.row.pledge_id: m for m, s in sections.items() if s.published}
    labels = dict(Activity.Status.choices)
    parties = dict(Activity.Party.choices)
    for pledge_id, title, party, partner, status, next_follow_up in (
        Activity.objects.filter(pledge__in=list(published), deleted_at__isnull=True)
        .order_by("pledge_id", "order", "pk")
        .values_list(
            "pledge_id", "title", "responsible_party", "partner_name", "status", "next_follow_up"
        )
    ):
        party_label = str(parties.get(party, party))
        sections[published[pledge_id]].activities.append(
            ActivityLine(
                title=title,
                party=f"{party_label} ({partner})" if partner else party_label,
                status=status,
                status_label=str(labels.get(status, status)),
                next_follow_up=next_follow_up,
            )
        )

    # 11. overdue follow-ups: the ones the dashboard counts
    for municipality_id, title, pledge, due in (
        dashboard.overdue_activities(county, day)
        .order_by("pledge__municipality_id", "next_follow_up", "pk")
        .values_list("pledge__municipality_id", "title", "pledge__title", "next_follow_up")
    ):
        sections[municipality_id].overdue.append(
            OverdueLine(title=title, pledge=pledge, due=due, days=(day - due).days)
        )

    # 12. the sender, 13.–14. the county board's analysis
    board = (
        Organisation.objects.filter(kind=Organisation.Kind.COUNTY_BOARD, county=county)
        .values_list("name", "logo")
        .first()
    )
    sender = Sender(name=board[0], logo=board[1] or "") if board else Sender(name=county.name)
    analysis = CountyAnalysis.objects.filter(county=county, year=year).first()
    for municipality_id, text in MunicipalityComment.objects.filter(
        analysis__county=county, analysis__year=year
    ).values_list("municipality_id", "text"):
        if municipality_id in sections:
            sections[municipality_id].comment = text.strip()

    ordered = sorted(sections.values(), key=lambda s: dashboard.SORT_KEYS["name"](s.row))
    return Summary(
        county=county,
        year=year,
        day=day,
        sections=ordered,
        sender=sender,
        introduction=analysis.introduction.strip() if analysis else "",
    )
