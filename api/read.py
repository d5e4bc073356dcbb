"""The read operations: every list through ``access.filter_visible`` (``api.auth``),
every object through ``access.get_object_or_404``; 404, never 403."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from agreements.models import Agreement, PriorityProblem, SituationalPicture
from agreements.selectors import compliance
from api import auth
from api.base import etag, page
from api.problems import COMMON
from api.reports import report_or_404
from api.schemas import (
    ActivityOut,
    ActivityPage,
    AgreementOut,
    AgreementPage,
    CouncilPage,
    Filters,
    FollowUpPage,
    IndicatorValuePage,
    MeetingPage,
    MunicipalityDetail,
    MunicipalityPage,
    PicturePage,
    PledgeDetail,
    PledgePage,
    ProblemPage,
    ReportOut,
    ReportPage,
    StatusUpdatedFilters,
    UpdatedFilters,
)
from councils import access
from councils.access import Capability
from councils.models import Council, Meeting, Municipality
from followup.models import FollowUp, GoalIndicator, IndicatorValue, Report
from pledges.models import Activity, Pledge

router = Router()

#: which agreements, pledges, activities and follow-ups READ-only tokens see
SIGNED = Q(status__in=Agreement.VISIBLE_TO_READERS)
PUBLIC = Q(status__in=Pledge.PUBLIC_STATUSES)
PUBLIC_ACTIVITY = Q(pledge__status__in=Pledge.PUBLIC_STATUSES)
PUBLISHED = Q(published=True, activity__pledge__status__in=Pledge.PUBLIC_STATUSES)


def ok(schema, errors=COMMON) -> dict:
    return {200: schema, **errors}


def filtered(queryset: QuerySet, filters: Filters) -> QuerySet:
    """The list filters: municipality, county, status and updated since."""
    path = access.municipality_path(queryset.model)
    if filters.municipality:
        queryset = queryset.filter(**{f"{path}__code": filters.municipality})
    if filters.county:
        queryset = queryset.filter(**{f"{path}__county__code": filters.county})
    if getattr(filters, "status", None):
        queryset = queryset.filter(status=filters.status)
    if getattr(filters, "updated_since", None):
        queryset = queryset.filter(updated_at__gte=filters.updated_since)
    return queryset


def listing(queryset: QuerySet, filters: Filters, shown) -> dict[str, Any]:
    rows, following = page(filtered(queryset, filters), filters.cursor, filters.limit)
    return {"items": [shown(row) for row in rows], "next": following}


def _decimal(value) -> str | None:
    return None if value is None else str(value)


# --- municipalities -----------------------------------------------------------------


def _municipality(m: Municipality) -> dict[str, Any]:
    return {"code": m.code, "name": m.name, "county": m.county.code, "county_name": m.county.name}


@router.get("/municipalities", response=ok(MunicipalityPage), tags=["kommuner"])
def municipalities(request: HttpRequest, filters: Query[Filters]):
    """Kommuner som nyckeln ser. / The municipalities the token may read."""
    found = access.municipalities_for(request.user, Capability.READ).select_related("county")
    token = request.auth
    if token.organisation_id is not None:
        found = found.filter(pk__in=access.organisation_scope(token.organisation))
    if filters.municipality:
        found = found.filter(code=filters.municipality)
    if filters.county:
        found = found.filter(county__code=filters.county)
    rows, following = page(found, filters.cursor, filters.limit)
    return {"items": [_municipality(m) for m in rows], "next": following}


@router.get("/municipalities/{code}", response=ok(MunicipalityDetail), tags=["kommuner"])
def municipality(request: HttpRequest, code: str):
    """En kommun med lagkraven i korthet. / One municipality and its compliance status."""
    found = access.get_municipality_or_404(request.user, code[:10])
    token = request.auth
    if token.organisation_id is not None and not (
        access.organisation_scope(token.organisation).filter(pk=found.pk).exists()
    ):
        raise Http404
    items = compliance(request.user, found)
    return {
        **_municipality(found),
        "compliance": [
            {"label": str(i.label), "ok": i.ok, "detail": str(i.detail), "warning": str(i.warning)}
            for i in items
        ],
    }


# --- councils and meetings -------------------------------------------------------------


def _council(c: Council) -> dict[str, Any]:
    return {
        "id": c.pk,
        "municipality": c.municipality.code,
        "kind": c.kind,
        "name": c.name,
        "mandate": c.mandate,
        "version": c.version,
    }


@router.get("/councils", response=ok(CouncilPage), tags=["råd"])
def councils(request: HttpRequest, filters: Query[Filters]):
    """Brottsförebyggande råd. / Crime prevention councils."""
    found = auth.visible(request, Council.objects.select_related("municipality"), Capability.READ)
    return listing(found, filters, _council)


def _meeting(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "council": m.council_id,
        "municipality": m.council.municipality.code,
        "held_on": m.held_on,
        "agenda": m.agenda,
        "minutes": m.minutes,
        "version": m.version,
    }


@router.get("/meetings", response=ok(MeetingPage), tags=["råd"])
def meetings(request: HttpRequest, filters: Query[Filters]):
    """Rådens möten (internt). / Council meetings (internal)."""
    found = auth.visible(
        request, Meeting.objects.select_related("council__municipality"), Capability.INTERNAL
    )
    return listing(found, filters, _meeting)


# --- lägesbilder and problems ------------------------------------------------------------


def _picture(p: SituationalPicture) -> dict[str, Any]:
    fields = [
        "owner",
        "title",
        "period_start",
        "period_end",
        "mapping",
        "other_information",
        "analysis",
        "decided_by",
        "decided_on",
        "next_review",
        "is_current",
        "updated_at",
        "version",
    ]
    return {
        "id": p.pk,
        "municipality": p.municipality.code,
        **{name: getattr(p, name) for name in fields},
    }


@router.get("/pictures", response=ok(PicturePage), tags=["lägesbilder"])
def pictures(request: HttpRequest, filters: Query[UpdatedFilters]):
    """Lägesbilder (internt). / Situational pictures (internal)."""
    objects = SituationalPicture.objects.select_related("municipality")
    return listing(auth.visible(request, objects, Capability.INTERNAL), filters, _picture)


def _problem(p: PriorityProblem) -> dict[str, Any]:
    fields = [
        "title",
        "description",
        "place",
        "cause_analysis",
        "perspective",
        "rank",
        "updated_at",
        "version",
    ]
    return {
        "id": p.pk,
        "picture": p.picture_id,
        "municipality": p.picture.municipality.code,
        **{name: getattr(p, name) for name in fields},
    }


@router.get("/problems", response=ok(ProblemPage), tags=["lägesbilder"])
def problems(request: HttpRequest, filters: Query[UpdatedFilters]):
    """Prioriterade problem (internt). / Priority problems (internal)."""
    objects = PriorityProblem.objects.select_related("picture__municipality")
    return listing(auth.visible(request, objects, Capability.INTERNAL), filters, _problem)


# --- agreements ------------------------------------------------------------------------


def _agreements() -> QuerySet[Agreement]:
    measured = GoalIndicator.objects.select_related("indicator").order_by("pk")
    return Agreement.objects.select_related("municipality").prefetch_related(
        Prefetch("goals__measured_by", queryset=measured)
    )


def _measured(m: GoalIndicator | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"indicator": m.indicator_id, "name": m.indicator.name, "area": m.area}


def _agreement(a: Agreement) -> dict[str, Any]:
    goals = []
    for g in sorted(a.goals.all(), key=lambda goal: (goal.order, goal.pk)):
        goals.append(
            {
                "id": g.pk,
                "text": g.text,
                "indicator_name": g.indicator_name,
                "indicator_unit": g.indicator_unit,
                "baseline_value": _decimal(g.baseline_value),
                "baseline_year": g.baseline_year,
                "target_value": _decimal(g.target_value),
                "target_year": g.target_year,
                "latest_value": _decimal(g.latest_value),
                "latest_year": g.latest_year,
                "indicator": _measured(getattr(g, "measured_by", None)),
            }
        )
    return {
        "id": a.pk,
        "municipality": a.municipality.code,
        "title": a.title,
        "status": a.status,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "signed_at": a.signed_at,
        "updated_at": a.updated_at,
        "version": a.version,
        "goals": goals,
    }


@router.get("/agreements", response=ok(AgreementPage), tags=["överenskommelser"])
def agreements(request: HttpRequest, filters: Query[StatusUpdatedFilters]):
    """Samverkansöverenskommelser med mål och indikatorer. / Agreements, goals, indicators."""
    return listing(auth.readable(request, _agreements(), SIGNED), filters, _agreement)


@router.get("/agreements/{pk}", response=ok(AgreementOut), tags=["överenskommelser"])
def agreement(request: HttpRequest, pk: int):
    """En överenskommelse. / One agreement."""
    return _agreement(auth.readable_or_404(request, _agreements(), SIGNED, pk=pk))


# --- pledges and activities ----------------------------------------------------------


def _pledge(p: Pledge) -> dict[str, Any]:
    fields = [
        "title",
        "status",
        "period_start",
        "period_end",
        "public_text",
        "version",
        "updated_at",
    ]
    return {
        "id": p.pk,
        "municipality": p.municipality.code,
        **{name: getattr(p, name) for name in fields},
    }


def _activity(a: Activity) -> dict[str, Any]:
    fields = [
        "title",
        "description",
        "type",
        "status",
        "responsible_party",
        "partner_name",
        "start_date",
        "end_date",
        "recurrence",
        "cadence",
        "next_follow_up",
        "order",
        "version",
        "updated_at",
    ]
    return {"id": a.pk, "pledge": a.pledge_id, **{name: getattr(a, name) for name in fields}}


@router.get("/pledges", response=ok(PledgePage), tags=["medborgarlöften"])
def pledges(request: HttpRequest, filters: Query[StatusUpdatedFilters]):
    """Medborgarlöften. / Citizen pledges."""
    objects = Pledge.objects.select_related("municipality")
    return listing(auth.readable(request, objects, PUBLIC), filters, _pledge)


def _live_activities():
    return Activity.objects.filter(deleted_at__isnull=True)


@router.get("/pledges/{pk}", response=ok(PledgeDetail), tags=["medborgarlöften"])
def pledge(request: HttpRequest, response: HttpResponse, pk: int):
    """Ett medborgarlöfte med aktiviteter. / One pledge with its activities."""
    objects = Pledge.objects.select_related("municipality").prefetch_related(
        Prefetch("activities", queryset=_live_activities().order_by("order", "pk"))
    )
    found = auth.readable_or_404(request, objects, PUBLIC, pk=pk)
    response["ETag"] = etag(found)
    return {**_pledge(found), "activities": [_activity(a) for a in found.activities.all()]}


@router.get("/activities", response=ok(ActivityPage), tags=["medborgarlöften"])
def activities(request: HttpRequest, filters: Query[StatusUpdatedFilters]):
    """Aktiviteter i medborgarlöften. / Activities of pledges."""
    return listing(auth.readable(request, _live_activities(), PUBLIC_ACTIVITY), filters, _activity)


@router.get("/activities/{pk}", response=ok(ActivityOut), tags=["medborgarlöften"])
def activity(request: HttpRequest, response: HttpResponse, pk: int):
    """En aktivitet (ETag för If-Match). / One activity (its ETag for If-Match)."""
    objects = _live_activities().select_related("pledge")
    found = auth.readable_or_404(request, objects, PUBLIC_ACTIVITY, pk=pk)
    response["ETag"] = etag(found)
    return _activity(found)


# --- follow-ups and indicator values ----------------------------------------------------


def _follow_up(request, f: FollowUp) -> dict[str, Any]:
    fields = "period_start period_end status progress done effect published reported_at"
    fields += " version updated_at"
    internal = access.can(request.user, Capability.INTERNAL, f.activity.pledge.municipality_id)
    return {
        "id": f.pk,
        "activity": f.activity_id,
        "obstacles": f.obstacles if internal else None,
        **{name: getattr(f, name) for name in fields.split()},
    }


@router.get("/follow-ups", response=ok(FollowUpPage), tags=["uppföljning"])
def follow_ups(request: HttpRequest, filters: Query[StatusUpdatedFilters]):
    """Uppföljningar av aktiviteter. / Follow-ups of activities."""
    objects = FollowUp.objects.select_related("activity__pledge")
    found = auth.readable(request, objects, PUBLISHED)
    return listing(found, filters, lambda f: _follow_up(request, f))


def _value(v: IndicatorValue) -> dict[str, Any]:
    return {
        "id": v.pk,
        "indicator": v.indicator_id,
        "indicator_name": v.indicator.name,
        "municipality": v.municipality.code,
        "area": v.area,
        "year": v.year,
        "gender": v.gender,
        "value": str(v.value),
    }


@router.get("/indicator-values", response=ok(IndicatorValuePage), tags=["uppföljning"])
def indicator_values(request: HttpRequest, filters: Query[Filters]):
    """Indikatorvärden. / Indicator values."""
    objects = IndicatorValue.objects.select_related("indicator", "municipality")
    return listing(auth.visible(request, objects, Capability.READ), filters, _value)


# --- report jobs ---------------------------------------------------------------------


def report_out(r: Report) -> dict[str, Any]:
    done = r.status == Report.Status.DONE and bool(r.file)
    return {
        "id": r.pk,
        "kind": r.kind,
        "object_id": r.object_id,
        "status": r.status,
        "progress": r.progress,
        "created_at": r.created_at,
        "finished_at": r.finished_at,
        "download": reverse("api:report_pdf", kwargs={"pk": r.pk}) if done else None,
    }


@router.get("/reports", response=ok(ReportPage), tags=["rapporter"])
def reports(request: HttpRequest, cursor: str | None = None, limit: int = 50):
    """PDF-rapporter som nyckelns ägare har beställt. / The owner's PDF report jobs."""
    limit = max(1, min(limit, 200))
    rows, following = page(Report.objects.filter(requested_by=request.user), cursor, limit)
    return {"items": [report_out(r) for r in rows], "next": following}


@router.get("/reports/{pk}", response=ok(ReportOut), tags=["rapporter"])
def report(request: HttpRequest, pk: int):
    """En rapport. / One report job."""
    return report_out(report_or_404(request, pk))
