"""The write operations, under the same rules as the pages and the imports.

- a write needs a read-write token (403 for a read token);
- a write to a versioned record needs ``If-Match`` with the ETag read (428 without it,
  412 with the current state when someone saved since);
- a batch (follow-up entries, indicator values) is saved whole or not at all, with the
  errors row by row (``councils.imports.all_or_none``);
- the record's history names the token (``api.history``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from api import auth
from api.base import etag, if_match, stale
from api.problems import WRITES, problem
from api.read import _activity, _follow_up, report_out, router
from api.reports import check, report_or_404
from api.schemas import ActivityOut, FollowUpOut, ReportOut
from councils import exports, imports
from councils.access import Capability
from councils.concurrency import Conflict, lock_at_version
from followup import indicators, report_jobs, reports
from followup.models import Report
from followup.services import follow_up_record
from pledges import services as pledge_services
from pledges.forms import ActivityForm
from pledges.models import Activity, Pledge

TEXT = 20_000


class ActivityIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=TEXT)
    type: str = Field(max_length=20)
    status: str = Field("planned", max_length=20)
    responsible_party: str = Field(max_length=20)
    partner_name: str = Field("", max_length=200)
    responsible_name: str = Field("", max_length=200)
    responsible_email: str = Field("", max_length=254)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    recurrence: str = Field("", max_length=200)
    cadence: str = Field("", max_length=20)
    next_follow_up: dt.date | None = None
    problem: int | None = Field(None, ge=1, le=2**31 - 1)
    goal: int | None = Field(None, ge=1, le=2**31 - 1)
    action_plan: int | None = Field(None, ge=1, le=2**31 - 1)
    decision: int | None = Field(None, ge=1, le=2**31 - 1)
    themes: list[int] = Field(default_factory=list, max_length=50)


class FollowUpIn(Schema):
    period_start: dt.date
    period_end: dt.date
    status: str = Field(max_length=20)
    progress: int = Field(ge=0, le=100)
    done: str = Field("", max_length=TEXT)
    effect: str = Field("", max_length=TEXT)
    obstacles: str = Field("", max_length=TEXT)
    published: bool = False


class FollowUpRow(FollowUpIn):
    activity: int = Field(ge=1, le=2**31 - 1)
    #: the activity's version (its ETag) the entry was written against
    version: int = Field(ge=1, le=2**31 - 1)


class FollowUpBatch(Schema):
    entries: list[FollowUpRow] = Field(min_length=1, max_length=500)


class BatchOut(Schema):
    saved: int


class IndicatorValueIn(Schema):
    indicator: str = Field(max_length=200, description="Kod eller namn / code or name")
    municipality: str = Field(max_length=4)
    area: str = Field("", max_length=200)
    year: int = Field(ge=1990, le=2100)
    gender: str = Field("T", max_length=1)
    value: str = Field(max_length=40)


class IndicatorValueBatch(Schema):
    values: list[IndicatorValueIn] = Field(min_length=1, max_length=indicators.MAX_ROWS)


class IndicatorValuesOut(Schema):
    created: int
    updated: int


class ReportIn(Schema):
    kind: str = Field(max_length=30)
    object_id: int = Field(ge=1, le=2**31 - 1)
    #: a county summary's year
    year: int | None = Field(None, ge=1990, le=2100)


# --- activities of a draft pledge ------------------------------------------------------


def _form_data(body: ActivityIn) -> dict[str, Any]:
    data = body.dict()
    return {key: ("" if value is None else value) for key, value in data.items()}


def _save_activity(request, pledge: Pledge, activity: Activity, body: ActivityIn, version):
    form = ActivityForm(_form_data(body), instance=activity, pledge=pledge)
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    activity = form.save(commit=False)
    themes = form.cleaned_data.get("themes")
    try:
        pledge_services.activity_save(
            user=request.user, activity=activity, expected_version=version, themes=themes
        )
    except Conflict as conflict:
        raise stale(conflict, _activity(conflict.current)) from conflict
    return activity


@router.post(
    "/pledges/{pk}/activities",
    response={201: ActivityOut, **WRITES},
    tags=["medborgarlöften"],
)
def activity_create(request: HttpRequest, response: HttpResponse, pk: int, body: ActivityIn):
    """Ny aktivitet i ett utkast (If-Match: löftets ETag). / A new activity of a draft
    pledge (If-Match: the pledge's ETag)."""
    auth.writing(request)
    version = if_match(request)
    pledge = auth.get_or_404(
        request, Pledge.objects.editable().select_related("municipality"), Capability.EDIT, pk=pk
    )
    with transaction.atomic():
        try:
            lock_at_version(pledge, version)
        except Conflict as conflict:
            shown = {"id": pledge.pk, "version": conflict.current.version}
            raise stale(conflict, shown) from conflict
        activity = _save_activity(request, pledge, Activity(pledge=pledge), body, None)
    response["ETag"] = etag(activity)
    return Status(201, _activity(activity))


def _editable_activity(request, pk: int) -> Activity:
    activity = auth.get_or_404(
        request,
        Activity.objects.filter(
            deleted_at__isnull=True, pledge__status__in=Pledge.EDITABLE_STATUSES
        ).select_related("pledge__municipality"),
        Capability.EDIT,
        pk=pk,
    )
    return activity


@router.put("/activities/{pk}", response={200: ActivityOut, **WRITES}, tags=["medborgarlöften"])
def activity_update(request: HttpRequest, response: HttpResponse, pk: int, body: ActivityIn):
    """Ändra en aktivitet i ett utkast (If-Match). / Change an activity of a draft pledge."""
    auth.writing(request)
    version = if_match(request)
    activity = _editable_activity(request, pk)
    activity = _save_activity(request, activity.pledge, activity, body, version)
    response["ETag"] = etag(activity)
    return Status(200, _activity(activity))


@router.delete("/activities/{pk}", response={204: None, **WRITES}, tags=["medborgarlöften"])
def activity_delete(request: HttpRequest, pk: int):
    """Ta bort en aktivitet ur ett utkast (If-Match). / Remove an activity of a draft."""
    auth.writing(request)
    version = if_match(request)
    activity = _editable_activity(request, pk)
    try:
        pledge_services.activity_delete(
            user=request.user, activity=activity, expected_version=version
        )
    except Conflict as conflict:
        raise stale(conflict, _activity(conflict.current)) from conflict
    return Status(204, None)


# --- follow-up entries ------------------------------------------------------------------


def _activity_for_follow_up(request, pk: int) -> Activity:
    return auth.get_or_404(
        request,
        Activity.objects.select_related("pledge__municipality"),
        Capability.INTERNAL,
        pk=pk,
    )


def _record(request, activity: Activity, entry: FollowUpIn, version: int | None):
    """Record one entry at the activity's ``version`` (inside a transaction)."""
    try:
        lock_at_version(activity, version)
    except Conflict as conflict:
        raise stale(conflict, _activity(conflict.current)) from conflict
    return follow_up_record(user=request.user, activity=activity, **entry.dict())


@router.post(
    "/activities/{pk}/follow-ups",
    response={201: FollowUpOut, **WRITES},
    tags=["uppföljning"],
)
def follow_up_create(request: HttpRequest, response: HttpResponse, pk: int, body: FollowUpIn):
    """Ny uppföljning av en aktivitet (If-Match: aktivitetens ETag). / A follow-up entry
    of an activity (If-Match: the activity's ETag)."""
    auth.writing(request)
    version = if_match(request)
    activity = _activity_for_follow_up(request, pk)
    with transaction.atomic():
        entry = _record(request, activity, body, version)
    response["ETag"] = etag(entry.activity)  # the activity's new version
    return Status(201, _follow_up(request, entry))


@router.post("/follow-ups", response={200: BatchOut, **WRITES}, tags=["uppföljning"])
def follow_up_batch(request: HttpRequest, body: FollowUpBatch):
    """Flera uppföljningar: alla eller ingen, fel rad för rad (varje rad bär aktivitetens
    version). / Many entries: all or none, errors row by row (each row carries its
    activity's version)."""
    auth.writing(request)

    def check_row(number: int, row: FollowUpRow) -> list[str]:
        try:
            activity = _activity_for_follow_up(request, row.activity)
            lock_at_version(activity, row.version)
            values = row.dict(exclude={"activity", "version"})
            follow_up_record(user=request.user, activity=activity, **values)
        except (Http404, PermissionDenied):
            return [imports.row_error(number, str(_("no such activity")))]
        except Conflict:
            return [imports.row_error(number, str(_("the activity changed since you read it")))]
        except ValidationError as invalid:
            return [imports.row_error(number, message) for message in invalid.messages]
        return []

    errors = imports.all_or_none(enumerate(body.entries, start=1), check_row)
    if errors:
        return problem(400, str(_("No entry was saved.")), errors={"rows": errors})
    return Status(200, {"saved": len(body.entries)})


# --- indicator values ------------------------------------------------------------------


@router.post(
    "/indicator-values", response={200: IndicatorValuesOut, **WRITES}, tags=["uppföljning"]
)
def indicator_values_write(request: HttpRequest, body: IndicatorValueBatch):
    """Indikatorvärden som importen: alla eller inga, fel rad för rad (administratörer).
    Values carry no version: a write replaces them, as the import does. / Indicator
    values as the import takes them: all or none, errors row by row (administrators)."""
    auth.writing(request)
    if request.auth.organisation_id is not None:
        raise Http404
    rows = [
        [v.indicator, v.municipality, v.area, str(v.year), v.gender, v.value] for v in body.values
    ]
    report = indicators.import_cells(user=request.user, rows=rows)
    if report.errors:
        return problem(400, str(_("No value was saved.")), errors={"rows": report.errors})
    return Status(200, {"created": report.created, "updated": report.updated})


# --- report jobs ----------------------------------------------------------------------


@router.post("/reports", response={202: ReportOut, **WRITES}, tags=["rapporter"])
def report_start(request: HttpRequest, body: ReportIn):
    """Beställ en PDF-rapport. / Start a PDF report job (it renders in the background).
    Kinds: agreement, pledge_public, pledge_internal, county_summary (with year)."""
    auth.writing(request)
    check(request, body.kind, body.object_id)
    parameters: dict[str, Any] = {}
    if body.kind in (Report.Kind.PLEDGE_PUBLIC, Report.Kind.PLEDGE_INTERNAL):
        parameters = {"version": body.kind.removeprefix("pledge_")}
    elif body.kind == Report.Kind.COUNTY_SUMMARY:
        if body.year is None:
            raise ValidationError({"year": [_("Give the year of the county summary.")]})
        parameters = {"year": body.year}
    found = report_jobs.request_report(request.user, body.kind, body.object_id, parameters)
    return Status(202, report_out(found))


@router.get(
    "/reports/{pk}/pdf", response={200: None, **WRITES}, url_name="report_pdf", tags=["rapporter"]
)
def report_pdf(request: HttpRequest, pk: int):
    """Rapportens PDF när den är klar. / The report's PDF once it is done."""
    found = report_or_404(request, pk)
    if found.status != Report.Status.DONE or not found.file:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return exports.file_download(handle, fmt="pdf", filename=reports.filename(found))
