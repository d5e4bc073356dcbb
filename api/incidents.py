"""Incident reports (EST) through the API, under the pages' rules.

- Read: the reports the token's owner may see on the pages: every report of the
  municipalities where they hold INTERNAL (the municipality's own, its police), their
  own organisations' reports where they report (partners); 404 for any other.
- Write: a report, or a batch of them (all or none, the errors row by row), through the
  page's form (``est.forms.ReportForm``) and service (``est.services.report_save``), so
  the weekly totals change in the same transaction as the reports; a change or a delete
  at the report's ETag (``If-Match``). The history names the token (``api.history``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from api import auth
from api.base import Page, etag, if_match, stale
from api.problems import COMMON, WRITES, problem
from api.read import listing, router
from api.schemas import UpdatedFilters
from councils import access, imports
from councils.access import Capability
from councils.concurrency import Conflict
from councils.models import Municipality, Organisation
from est import selectors, services
from est.forms import ReportForm
from est.models import MAX_COST, MAX_COUNT, MAX_DESCRIPTION, Category, Place, Report

TAGS = ["händelser"]
#: the most reports one batch may hold
MAX_BATCH = 500


class IncidentFilters(UpdatedFilters):
    updated_since: dt.datetime | None = Field(
        None, description="Sparade sedan / saved since (ISO 8601)"
    )


class PlaceRef(Schema):
    id: int
    name: str
    area: str


class CategoryRef(Schema):
    id: int
    name: str


class OrganisationRef(Schema):
    id: int
    name: str


class IncidentOut(Schema):
    id: int
    municipality: str
    organisation: OrganisationRef
    occurred_on: dt.date
    time_band: str
    occurred_at: str = Field(description="HH:MM, or empty / tom")
    week: dt.date
    place: PlaceRef
    category: CategoryRef
    count: int
    cost: int
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class IncidentPage(Page):
    items: list[IncidentOut]


class IncidentIn(Schema):
    #: the reporting organisation; may be left out when the token's owner reports for one
    organisation: int | None = Field(None, ge=1, le=2**31 - 1)
    occurred_on: dt.date
    time_band: str = Field("", max_length=20)
    occurred_at: dt.time | None = None
    place: int = Field(ge=1, le=2**31 - 1)
    category: int = Field(ge=1, le=2**31 - 1)
    count: int = Field(1, ge=1, le=MAX_COUNT)
    cost: int = Field(0, ge=0, le=MAX_COST)
    description: str = Field("", max_length=MAX_DESCRIPTION)
    #: the description names no people (as the page's box): needed when it looks like it
    confirm_names: bool = False


class IncidentBatch(Schema):
    reports: list[IncidentIn] = Field(min_length=1, max_length=MAX_BATCH)


class IncidentBatchOut(Schema):
    saved: int
    ids: list[int]


# --- reading -----------------------------------------------------------------------------


def _visible(request) -> QuerySet[Report]:
    """The reports the token's owner may see (``est.selectors.reports_for``, the pages'
    lookup) where they see raw reports at all, within an organisation token's scope."""
    user = request.user
    sees = Q(municipality__in=access.municipalities_for(user, Capability.INTERNAL)) | Q(
        municipality__in=access.municipalities_for(user, Capability.REPORT)
    )
    return auth.scoped(request, selectors.reports_for(user).filter(sees))


def _incident(r: Report) -> dict[str, Any]:
    return {
        "id": r.pk,
        "municipality": r.municipality.code,
        "organisation": {"id": r.organisation_id, "name": r.organisation.name},
        "occurred_on": r.occurred_on,
        "time_band": r.time_band,
        "occurred_at": r.clock,
        "week": r.week,
        "place": {"id": r.place_id, "name": r.place.name, "area": r.place.area},
        "category": {"id": r.category_id, "name": r.category.name},
        "count": r.count,
        "cost": r.cost,
        "description": r.description,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "version": r.version,
    }


@router.get("/incident-reports", response={200: IncidentPage, **COMMON}, tags=TAGS)
def incident_reports(request: HttpRequest, filters: Query[IncidentFilters]):
    """Händelserapporter som nyckelns ägare ser: alla i kommuner där den ser internt,
    annars den egna organisationens. / The incident reports the token's owner may see:
    all of the municipalities where they see internal records, else their own
    organisation's."""
    return listing(_visible(request), filters, _incident)


def _report_or_404(request, pk: int) -> Report:
    return access.get_object_or_404(request.user, _visible(request), Capability.PICTURE, pk=pk)


@router.get("/incident-reports/{pk}", response={200: IncidentOut, **COMMON}, tags=TAGS)
def incident_report(request: HttpRequest, response: HttpResponse, pk: int):
    """En händelserapport (ETag för If-Match). / One incident report (its ETag)."""
    found = _report_or_404(request, pk)
    response["ETag"] = etag(found)
    return _incident(found)


# --- writing -------------------------------------------------------------------------------


def _reporting_in(request, code: str) -> Municipality:
    """The municipality the token's owner reports in (REPORT, and an organisation to
    report for), within the token's scope; 404 otherwise."""
    if not code.isdigit():  # an SCB code: four digits
        raise Http404
    municipality = access.get_municipality_or_404(request.user, code[:10], Capability.REPORT)
    token = request.auth
    in_scope = token.organisation_id is None or (
        access.organisation_scope(token.organisation).filter(pk=municipality.pk).exists()
    )
    if not in_scope or not services.organisations_for_reporting(request.user, municipality):
        raise Http404
    return municipality


class _Reporting:
    """What the page's form chooses from in ``municipality``, read once per request."""

    def __init__(self, user, municipality: Municipality, report: Report | None = None):
        mine = [o.pk for o in services.organisations_for_reporting(user, municipality)]
        self.only = mine[0] if len(mine) == 1 else None
        self.organisations = Organisation.objects.filter(pk__in=mine)
        kept_place = report.place_id if report else 0
        kept_category = report.category_id if report else 0
        self.places = Place.objects.filter(
            municipality=municipality, active=True
        ) | Place.objects.filter(pk=kept_place)
        self.categories = services.categories_for(
            municipality, in_use=True
        ) | Category.objects.filter(pk=kept_category)

    def form(self, report: Report, body: IncidentIn) -> ReportForm:
        data = body.dict()
        at = data["occurred_at"]
        data["occurred_at"] = "" if at is None else f"{at.hour:02d}:{at.minute:02d}"
        # left out: a changed report keeps its organisation, a new one is the only one
        kept = report.organisation_id if report.pk else self.only
        data["organisation"] = data["organisation"] or kept or ""
        data = {key: ("" if value is None else value) for key, value in data.items()}
        return ReportForm(
            data,
            instance=report,
            places=self.places,
            categories=self.categories,
            organisations=self.organisations,
        )


def _fill(form: ReportForm, report: Report) -> Report:
    if not form.is_valid():
        raise ValidationError({key: list(messages) for key, messages in form.errors.items()})
    for name, value in form.values().items():
        setattr(report, name, value)
    return report


@router.post(
    "/municipalities/{code}/incident-reports",
    response={201: IncidentOut, **WRITES},
    tags=TAGS,
)
def incident_report_create(
    request: HttpRequest, response: HttpResponse, code: str, body: IncidentIn
):
    """Rapportera en händelse (som sidans formulär; veckosummorna följer med). / Report
    an incident, as the page's form does (the weekly totals follow)."""
    auth.writing(request)
    municipality = _reporting_in(request, code)
    report = Report(municipality=municipality)
    _fill(_Reporting(request.user, municipality).form(report, body), report)
    services.report_save(user=request.user, report=report)
    response["ETag"] = etag(report)
    return Status(201, _incident(report))


@router.post(
    "/municipalities/{code}/incident-reports/batch",
    response={200: IncidentBatchOut, **WRITES},
    tags=TAGS,
)
def incident_report_batch(request: HttpRequest, code: str, body: IncidentBatch):
    """Flera händelserapporter: alla eller ingen, fel rad för rad. / Many incident
    reports: all or none, the errors row by row."""
    auth.writing(request)
    municipality = _reporting_in(request, code)
    choices = _Reporting(request.user, municipality)
    saved: list[int] = []

    def check_row(number: int, row: IncidentIn) -> list[str]:
        report = Report(municipality=municipality)
        form = choices.form(report, row)
        try:
            _fill(form, report)
            services.report_save(user=request.user, report=report)
        except ValidationError as invalid:
            errors = []
            for name, messages in invalid.message_dict.items():
                field = form.fields.get(name)
                column = str(field.label) if field is not None else None
                errors += [imports.row_error(number, m, column) for m in messages]
            return errors
        saved.append(report.pk)
        return []

    errors = imports.all_or_none(enumerate(body.reports, start=1), check_row)
    if errors:
        return problem(400, str(_("No report was saved.")), errors={"rows": errors})
    return Status(200, {"saved": len(saved), "ids": saved})


def _changeable(request, pk: int) -> Report:
    """A report the token's owner may change: the page's lookup (REPORT)."""
    return auth.get_or_404(request, selectors.reports_for(request.user), Capability.REPORT, pk=pk)


@router.put("/incident-reports/{pk}", response={200: IncidentOut, **WRITES}, tags=TAGS)
def incident_report_update(request: HttpRequest, response: HttpResponse, pk: int, body: IncidentIn):
    """Ändra en händelserapport (If-Match). / Change an incident report (If-Match)."""
    auth.writing(request)
    version = if_match(request)
    report = _changeable(request, pk)
    _fill(_Reporting(request.user, report.municipality, report).form(report, body), report)
    try:
        services.report_save(user=request.user, report=report, expected_version=version)
    except Conflict as conflict:
        raise stale(conflict, _incident(_report_or_404(request, pk))) from conflict
    response["ETag"] = etag(report)
    return Status(200, _incident(report))


@router.delete("/incident-reports/{pk}", response={204: None, **WRITES}, tags=TAGS)
def incident_report_delete(request: HttpRequest, pk: int):
    """Ta bort en händelserapport (If-Match). / Remove an incident report (If-Match)."""
    auth.writing(request)
    version = if_match(request)
    report = _changeable(request, pk)
    try:
        services.report_delete(user=request.user, report=report, expected_version=version)
    except Conflict as conflict:
        raise stale(conflict, _incident(_report_or_404(request, pk))) from conflict
    return Status(204, None)
