"""The county dashboard: one row per municipality, sortable and filterable with plain GET
links and forms (no JavaScript needed), bar charts drawn on the server, and the same
table as CSV or XLSX.

County officers and readers of the county's county board, national readers and
superusers open it (``access.counties_for``); everyone else gets 404, whatever the method.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from councils import access, dates, exports, formats
from councils import cache as cache_keys
from councils.forms import rendered_unbound
from councils.http import only, url_maker
from councils.models import County
from followup import charts, dashboard, yearly_report
from followup.dashboard import (
    ACTIVITY_STATUSES,
    PHASE_CHOICES,
    PICTURE_CHOICES,
    PLEDGE_CHOICES,
    Row,
)
from followup.forms import CountySummaryForm, YearlyReportForm
from pledges.models import Activity

PAGE = "followup/dashboard.html"

COLUMNS = [
    ("name", gettext_lazy("Municipality")),
    ("phase", gettext_lazy("Agreement")),
    ("days", gettext_lazy("Days to expiry")),
    ("picture", gettext_lazy("Lägesbild age (months)")),
    ("coordination", gettext_lazy("Coordination function")),
    ("pledge", gettext_lazy("Pledge this year")),
    ("activities", gettext_lazy("Activities by status")),
    ("overdue", gettext_lazy("Overdue follow-ups")),
    ("indicator", gettext_lazy("Safety indicator against target")),
]


@dataclass(frozen=True)
class Query:
    sort: str
    descending: bool
    phase: str
    pledge: str
    picture: str
    overdue_only: bool

    @classmethod
    def parse(cls, params) -> Query:
        sort = params.get("sort", "name")
        phase = params.get("phase", "")
        pledge = params.get("pledge", "")
        picture = params.get("picture", "")
        return cls(
            sort=sort if sort in dashboard.SORT_KEYS else "name",
            descending=params.get("dir") == "desc",
            phase=phase if phase in dict(PHASE_CHOICES) else "",
            pledge=pledge if pledge in dict(PLEDGE_CHOICES) else "",
            picture=picture if picture in dict(PICTURE_CHOICES) else "",
            overdue_only=params.get("overdue") == "1",
        )

    def filters(self) -> dict[str, str]:
        values = {"phase": self.phase, "pledge": self.pledge, "picture": self.picture}
        if self.overdue_only:
            values["overdue"] = "1"
        return {k: v for k, v in values.items() if v}

    def params(self, **changes) -> str:
        values = {**self.filters(), "sort": self.sort, "dir": "desc" if self.descending else "asc"}
        values.update(changes)
        return urlencode(values)


def _table(county: County, query: Query, today: dt.date) -> tuple[list[Row], list[Row]]:
    """All rows of the county and the filtered, sorted ones."""
    rows = dashboard.kept_county_rows(county, today)
    shown = dashboard.filter_rows(
        rows,
        phase=query.phase,
        pledge=query.pledge,
        picture=query.picture,
        overdue_only=query.overdue_only,
    )
    return rows, dashboard.sort_rows(shown, query.sort, query.descending)


def rows_digest(county: County, rows: list[Row]) -> str:
    """The fingerprint of the table's rows as the page shows them, from the rows already
    made: every value a row shows (a follow-up recorded, a status or a phase changed, a
    lägesbild decided change it), their order (the sort and the filters) and the
    language. The page keeps its rendered rows under it (``followup/dashboard.html``);
    the rows are the county's, the same for everyone who may open the dashboard."""
    return cache_keys.key(
        "county-dashboard-rows:1",
        cache_keys.template_version(PAGE),
        county.pk,
        translation.get_language(),
        *(
            (
                row.municipality.pk,
                row.municipality.code,
                row.municipality.name,
                row.url,
                row.phase,
                row.days_to_expiry,
                row.picture_months,
                row.picture_stale,
                row.coordination,
                row.pledge_status,
                sorted(row.activities.items()),
                row.overdue,
                row.goals,
            )
            for row in rows
        ),
    )[1]


@login_required
def dashboard_index(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "followup/dashboard_index.html",
        {"counties": access.counties_for(request.user).order_by("name")},
    )


@login_required
def county_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    county = access.get_county_or_404(request.user, code=code)
    if not_allowed := only(request, "GET"):
        return not_allowed
    query = Query.parse(request.GET)
    rows, shown = _table(county, query, dates.today())
    detail = url_maker("municipality-detail")
    for row in shown:  # reversed once, not once per row in the template
        row.url = detail(row.municipality.code)
    headers = []
    for key, label in COLUMNS:
        sorted_here = query.sort == key
        next_dir = "asc" if sorted_here and query.descending else "desc" if sorted_here else "asc"
        headers.append(
            {
                "key": key,
                "label": label,
                "sorted": sorted_here,
                "aria_sort": ("descending" if query.descending else "ascending")
                if sorted_here
                else "",
                "href": "?" + query.params(sort=key, dir=next_dir),
            }
        )
    today = dates.today()
    export = query.params()
    return render(
        request,
        PAGE,
        {
            "county": county,
            "rows": shown,
            "rows_digest": rows_digest(county, shown),
            "total": len(rows),
            "headers": headers,
            "query": query,
            "phase_choices": PHASE_CHOICES,
            "pledge_choices": PLEDGE_CHOICES,
            "picture_choices": PICTURE_CHOICES,
            "stale_pictures": sum(row.picture_state == dashboard.STALE for row in rows),
            "no_picture": sum(row.picture_state == dashboard.NONE for row in rows),
            "charts": dashboard_charts(county, rows, today),
            "export_query": export,
            "report_form": rendered_unbound(CountySummaryForm, today=today),
            "yearly_form": rendered_unbound(YearlyReportForm, today=today),
            "writes_analysis": access.writes_county_analysis(request.user, county),
            "year": dates.today().year,
        },
    )


@dataclass(frozen=True)
class Chart:
    """A chart of the page: a visible heading, a caption with the year or day, the SVG,
    and the same numbers as a table (``bars``: value, label, count)."""

    key: str
    heading: str
    caption: str
    svg: str
    bars: list[tuple[str, str, int]]


def dashboard_charts(county: County, rows: list[Row], today: dt.date) -> list[Chart]:
    phases = dashboard.distribution(rows, "phase", PHASE_CHOICES)
    pledges = dashboard.distribution(rows, "pledge_status", PLEDGE_CHOICES)
    names = {"county": county.name, "year": today.year, "day": formats.day(today)}
    specs = [
        (
            "phase",
            _("Cooperation agreements by phase"),
            _("The municipalities of %(county)s on %(day)s, by the phase of their agreement.")
            % names,
            phases,
        ),
        (
            "pledge",
            _("Citizen pledges of %(year)s by status") % names,
            _(
                "The municipalities of %(county)s by the status of their citizen pledge for "
                "%(year)s."
            )
            % names,
            pledges,
        ),
    ]
    return [
        Chart(key, heading, caption, charts.bar_svg(bars, title=f"{heading} – {county.name}"), bars)
        for key, heading, caption, bars in specs
    ]


# --- export --------------------------------------------------------------------------


def export_headers() -> list[str]:
    return [
        _("Municipality"),
        _("Code"),
        _("Agreement"),
        _("Days to expiry"),
        _("Lägesbild age (months)"),
        _("Lägesbild needs review"),
        _("Coordination function named"),
        _("Pledge this year"),
        *[str(label) for _value, label in Activity.Status.choices],
        _("Overdue follow-ups"),
        _("Indicator"),
        _("Latest value"),
        _("Year"),
        _("Target"),
        _("On track"),
        _("Source of the value"),
    ]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else _("yes") if value else _("no")


def export_row(row: Row) -> list:
    indicator = row.indicator
    return [
        row.municipality.name,
        row.municipality.code,
        row.phase_label,
        row.days_to_expiry,
        row.picture_months,
        _yes_no(row.picture_stale is not None) if row.picture_months is not None else None,
        _yes_no(row.coordination),
        row.pledge_label,
        *[row.activities.get(status, 0) for status in ACTIVITY_STATUSES],
        row.overdue,
        indicator.indicator if indicator else None,
        indicator.value if indicator else None,
        indicator.year if indicator else None,
        indicator.target if indicator else None,
        _yes_no(indicator.on_track) if indicator else None,
        indicator.source_label if indicator else None,
    ]


@login_required
def county_dashboard_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    county = access.get_county_or_404(request.user, code=code)
    if not_allowed := only(request, "GET"):
        return not_allowed
    if fmt not in exports.SPREADSHEETS:
        raise Http404
    today = dates.today()
    _rows, shown = _table(county, Query.parse(request.GET), today)
    return exports.response(
        fmt,
        export_headers(),
        (export_row(row) for row in shown),
        filename=exports.filename("lansoversikt", county.name, today.isoformat()),
        sheet=_("Dashboard"),
        widths={"A": 30},
    )


@login_required
def county_yearly_report(request: HttpRequest, code: str) -> HttpResponse:
    """The county board's yearly report as XLSX for the year asked (``?year=``); without
    a year the page with the year chooser, with a wrong one the chooser and the error
    (400). Same access as the dashboard."""
    county = access.get_county_or_404(request.user, code=code)
    if not_allowed := only(request, "GET"):
        return not_allowed
    today = dates.today()
    asked = "year" in request.GET
    form = YearlyReportForm(request.GET if asked else None, today=today)
    if asked and form.is_valid():
        year = form.cleaned_data["year"]
        return exports.workbook_response(
            yearly_report.sheets(county, year, today),
            filename=yearly_report.filename(county, year),
        )
    return render(
        request,
        "followup/yearly_report.html",
        {"county": county, "form": form},
        status=400 if asked else 200,
    )
