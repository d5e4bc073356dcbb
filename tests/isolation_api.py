"""Isolation cases of the API (imported by tests/isolation.py).

Every operation is called with no token, a revoked and an expired token of the owner
(401), a read token when it writes (403), the token of a user of another organisation
(404; a list answers 200 without the owner's data), the token of a colleague who only
reads (writes: 404), and the owner's token (``ok_status``). tests/test_isolation_gate.py
runs them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agreements.models import Agreement
from api import tokens
from councils import dates
from councils.models import Membership, Role
from followup.models import Report
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.isolation import Case, Kind, register
from tests.isolation_followup_reports import _report


@dataclass(frozen=True)
class Api:
    method: str = "GET"
    #: the JSON body of a write
    body: Callable[[Any, dict], dict] | None = None
    #: the version the write is made at (``If-Match``), from the case's objects
    version: Callable[[Any, dict], int] | None = None
    #: a list: outsiders get 200 without ``hidden``
    listing: bool = False
    #: what another organisation's token gets (a batch reports the row: 400)
    outsider_status: int = 404
    #: what a colleague who only reads gets (None: as the owner for reads, 404 for writes)
    colleague_status: int | None = None
    #: extra data the case keeps between build and the call
    keep: dict = field(default_factory=dict)
    #: more callers, made from the case's objects: (user, status); a list's ``hidden``
    #: must not show to them either
    others: Callable[[Any, dict], list[tuple[Any, int]]] | None = None

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def _year() -> tuple[dt.date, dt.date]:
    year = dates.today().year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _pledge(cast, status=Pledge.Status.PUBLISHED):
    start, end = _year()
    return f.PledgeFactory(
        municipality=cast.home,
        status=status,
        period_start=start,
        period_end=end,
        title="Hemby löfte",
    )


def _activity(cast, status=Pledge.Status.PUBLISHED):
    start, end = _year()
    pledge = _pledge(cast, status)
    return f.ActivityFactory(pledge=pledge, start_date=start, end_date=end)


def _signed(cast):
    agreement = f.AgreementFactory(municipality=cast.home, title="Hemby avtal")
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.SIGNED, signed_snapshot={"title": "x"}
    )
    return agreement


def api(name: str, build=lambda cast: {}, hidden=lambda cast: [], ok_status=200, **kwargs):
    register(
        f"api:{name}",
        Case(Kind.API, build=build, hidden=hidden, ok_status=ok_status, api=Api(**kwargs)),
    )


def _home_name(cast):
    return [cast.home.name]


# --- the pages around the API ----------------------------------------------------------
register("api-reference", Case(Kind.PUBLIC))
register("api:openapi-json", Case(Kind.PUBLIC))
register("api:api-root", Case(Kind.PUBLIC))  # shadowed by api-reference
# any other address under /api/v1/: a problem+json 404 for everyone
register("api-unknown", Case(Kind.PUBLIC, build=lambda cast: {"rest": "no-such-operation"}))
register("api-tokens", Case(Kind.LOGIN))


def _as_admin(cast) -> dict:
    Membership.objects.create(user=cast.owner, organisation=cast.home_org, role=Role.ORG_ADMIN)
    return {"pk": cast.home_org.pk}


register("api-organisation-tokens", Case(Kind.OBJECT, build=_as_admin))


def _owners_token(cast) -> dict:
    return {"pk": tokens.create(user=cast.owner, name="Hemby", scope="read").token.pk}


# POST only: the owner's GET is refused with 405, after the access check
register("api-token-revoke", Case(Kind.OBJECT, build=_owners_token, ok_status=405))

# --- reads -----------------------------------------------------------------------------
api("municipalities", hidden=_home_name, listing=True)
api("municipality", build=lambda cast: {"code": cast.home.code})
api(
    "councils",
    build=lambda cast: f.CouncilFactory(municipality=cast.home, name="Hembyrådet") and {},
    hidden=lambda cast: ["Hembyrådet"],
    listing=True,
)
api(
    "meetings",
    build=lambda cast: (
        f.MeetingFactory(
            council=f.CouncilFactory(municipality=cast.home), agenda="Hemlig dagordning"
        )
        and {}
    ),
    hidden=lambda cast: ["Hemlig dagordning"],
    listing=True,
)
api(
    "pictures",
    build=lambda cast: (
        f.SituationalPictureFactory(municipality=cast.home, title="Hemby bild") and {}
    ),
    hidden=lambda cast: ["Hemby bild"],
    listing=True,
)
api(
    "problems",
    build=lambda cast: (
        f.PriorityProblemFactory(
            picture=f.SituationalPictureFactory(municipality=cast.home), title="Hemby problem"
        )
        and {}
    ),
    hidden=lambda cast: ["Hemby problem"],
    listing=True,
)
api(
    "agreements",
    build=lambda cast: _signed(cast) and {},
    hidden=lambda c: ["Hemby avtal"],
    listing=True,
)
api("agreement", build=lambda cast: {"pk": _signed(cast).pk})
api(
    "pledges",
    build=lambda cast: _pledge(cast) and {},
    hidden=lambda cast: ["Hemby löfte"],
    listing=True,
)
api("pledge", build=lambda cast: {"pk": _pledge(cast).pk})
api(
    "activities",
    build=lambda cast: f.ActivityFactory(pledge=_pledge(cast), title="Hemby aktivitet") and {},
    hidden=lambda cast: ["Hemby aktivitet"],
    listing=True,
)
api("activity", build=lambda cast: {"pk": _activity(cast).pk})
api(
    "follow_ups",
    build=lambda cast: f.FollowUpFactory(activity=_activity(cast), done="Hemby gjort") and {},
    hidden=lambda cast: ["Hemby gjort"],
    listing=True,
)
api(
    "indicator_values",
    build=lambda cast: f.IndicatorValueFactory(municipality=cast.home, area="Hemby centrum") and {},
    hidden=lambda cast: ["Hemby centrum"],
    listing=True,
)
api(
    "reports",
    build=lambda cast: _report(cast) and {},
    hidden=lambda cast: ['"object_id"'],
    listing=True,
)
api("report", build=lambda cast: {"pk": _report(cast).pk})
api("report_pdf", build=lambda cast: {"pk": _report(cast).pk})

# --- writes ----------------------------------------------------------------------------


def _activity_body(cast, kwargs) -> dict:
    start, end = _year()
    return {
        "title": "Trygghetsvandring",
        "type": "situational",
        "responsible_party": "joint",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "cadence": "tertial",
    }


def _draft(cast) -> dict:
    return {"pk": _pledge(cast, Pledge.Status.DRAFT).pk}


def _draft_activity(cast) -> dict:
    return {"pk": _activity(cast, Pledge.Status.DRAFT).pk}


def _version_of(model):
    return lambda cast, kwargs: model.objects.get(pk=kwargs["pk"]).version


api(
    "activity_create",
    build=_draft,
    method="POST",
    body=_activity_body,
    version=_version_of(Pledge),
    ok_status=201,
)
api(
    "activity_update",
    build=_draft_activity,
    method="PUT",
    body=_activity_body,
    version=_version_of(Activity),
)
api(
    "activity_delete",
    build=_draft_activity,
    method="DELETE",
    version=_version_of(Activity),
    ok_status=204,
)


def _entry(cast, kwargs) -> dict:
    start, _end = _year()
    return {
        "period_start": start.isoformat(),
        "period_end": (start + dt.timedelta(days=30)).isoformat(),
        "status": "ongoing",
        "progress": 20,
        "done": "Två vandringar",
    }


api(
    "follow_up_create",
    build=lambda cast: {"pk": _activity(cast).pk},
    method="POST",
    body=_entry,
    version=_version_of(Activity),
    ok_status=201,
)


api(
    "follow_up_batch",
    build=lambda cast: {},
    method="POST",
    body=lambda cast, kwargs: {
        "entries": [
            {**_entry(cast, kwargs), "activity": a.pk, "version": a.version}
            for a in [_activity(cast)]
        ]
    },
    outsider_status=400,
    colleague_status=400,
)


def _staff(cast) -> dict:
    type(cast.owner).objects.filter(pk=cast.owner.pk).update(is_staff=True)
    f.IndicatorFactory(name="Otrygghet", code="HEM1")
    return {}


api(
    "indicator_values_write",
    build=_staff,
    method="POST",
    body=lambda cast, kwargs: {
        "values": [
            {"indicator": "HEM1", "municipality": cast.home.code, "year": 2025, "value": "12,5"}
        ]
    },
)
api(
    "report_start",
    build=lambda cast: {},
    method="POST",
    body=lambda cast, kwargs: {"kind": Report.Kind.PLEDGE_INTERNAL, "object_id": _pledge(cast).pk},
    ok_status=202,
    colleague_status=202,  # readers of the municipality may ask for its reports
)


# --- incident reports (EST) --------------------------------------------------------------
# The owner is Hemby's coordinator: they see every report of Hemby and report for Hemby's
# own organisation. The colleague (a reader) sees them but does not report. A partner
# of Hemby sees and writes only its own organisation's reports; a partner of another
# municipality nothing of Hemby's.


def _partners(cast, kwargs) -> list[tuple[Any, int]]:
    """Another partner of Hemby (its contact) and a partner of Bortby: a read of the
    housing company's report is 404 (a list: without it); a write names Hemby's own
    organisation, which the partner of Hemby does not report for (400), while the
    partner of Bortby does not report in Hemby at all (404)."""
    from councils.partner_kinds import PartnerKind
    from tests.partner_fixtures import member, partner

    school = partner("Hemby skola", PartnerKind.SCHOOL, cast.home)
    away = partner("Bortbyhem AB", PartnerKind.HOUSING, cast.away)
    return [
        (member("school_contact", school, Role.CONTACT), 400 if kwargs.get("code") else 404),
        (member("away_contact", away, Role.CONTACT), 404),
    ]


def _incident(cast, *, partner_made: bool = True):
    """A report of Hemby by a housing company partnered with Hemby (or by Hemby's own
    organisation: the owner changes only the reports of organisations they report for)."""
    from councils.partner_kinds import PartnerKind
    from est import services
    from est.models import Category, Place
    from est.models import Report as Incident
    from tests.partner_fixtures import member, partner

    housing = partner("Hembybostäder AB", PartnerKind.HOUSING, cast.home)
    reporter = member("housing_reporter", housing, Role.REPORTER)
    place = Place.objects.get_or_create(
        municipality=cast.home, name="Hemby torg", area="Hemby centrum"
    )[0]
    category = Category.objects.get_or_create(
        municipality=None, code="annat", defaults={"name": "Annat", "order": 11}
    )[0]
    report = Incident(
        municipality=cast.home,
        organisation=housing if partner_made else cast.home_org,
        place=place,
        category=category,
        occurred_on=dates.today() - dt.timedelta(days=1),
        description="Hemby trappklotter",
    )
    return services.report_save(user=reporter if partner_made else cast.owner, report=report)


def _incident_body(cast, kwargs) -> dict:
    from est.models import Category, Place

    place = Place.objects.get_or_create(
        municipality=cast.home, name="Hemby torg", area="Hemby centrum"
    )[0]
    category = Category.objects.get_or_create(
        municipality=None, code="annat", defaults={"name": "Annat", "order": 11}
    )[0]
    return {
        "organisation": cast.home_org.pk,
        "occurred_on": (dates.today() - dt.timedelta(days=1)).isoformat(),
        "place": place.pk,
        "category": category.pk,
        "count": 2,
        "description": "Krossad ruta",
    }


def _incident_version(cast, kwargs) -> int:
    from est.models import Report as Incident

    return Incident.objects.get(pk=kwargs["pk"]).version


api(
    "incident_reports",
    build=lambda cast: _incident(cast) and {},
    hidden=lambda cast: ["Hemby trappklotter"],
    listing=True,
    others=lambda cast, kwargs: [(u, 200) for u, _s in _partners(cast, kwargs)],
)
api(
    "incident_report",
    build=lambda cast: {"pk": _incident(cast).pk},
    others=lambda cast, kwargs: _partners(cast, kwargs),
)
api(
    "incident_report_create",
    build=lambda cast: {"code": cast.home.code},
    method="POST",
    body=_incident_body,
    ok_status=201,
    others=_partners,
)
api(
    "incident_report_batch",
    build=lambda cast: {"code": cast.home.code},
    method="POST",
    body=lambda cast, kwargs: {"reports": [_incident_body(cast, kwargs)] * 2},
    others=_partners,
)


def _own_incident(cast) -> dict:
    return {"pk": _incident(cast, partner_made=False).pk}


api(
    "incident_report_update",
    build=_own_incident,
    method="PUT",
    # no organisation: the report keeps its own
    body=lambda cast, kwargs: {**_incident_body(cast, kwargs), "organisation": None},
    version=_incident_version,
    others=lambda cast, kwargs: [(u, 404) for u, _s in _partners(cast, kwargs)],
)
api(
    "incident_report_delete",
    build=_own_incident,
    method="DELETE",
    version=_incident_version,
    ok_status=204,
    others=lambda cast, kwargs: [(u, 404) for u, _s in _partners(cast, kwargs)],
)
