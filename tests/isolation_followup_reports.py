"""Isolation cases of followup/views/reports.py (imported by tests/isolation.py).

Every report is of an object of ``cast.home``: the owner opens it, a user of another
organisation gets 404 on GET and POST.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from agreements.models import Agreement
from followup.models import Report
from pledges.models import Pledge
from tests import factories as f
from tests.isolation import Case, Kind, register


def _pledge(cast):
    return f.PledgeFactory(
        municipality=cast.home, status=Pledge.Status.PUBLISHED, published_at=timezone.now()
    )


def _agreement(cast):
    agreement = f.AgreementFactory(municipality=cast.home)
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.SIGNED, signed_snapshot={"title": "x"}
    )
    return agreement


def _report(cast, status=Report.Status.DONE):
    report = Report.objects.create(
        kind=Report.Kind.PLEDGE_PUBLIC,
        object_id=_pledge(cast).pk,
        requested_by=cast.owner,
        status=status,
    )
    if status == Report.Status.DONE:
        report.file.save("isolation.pdf", ContentFile(b"%PDF-1.7\n"))
    return report


# POST only: the owner's GET is refused with 405, after the access check
register(
    "agreement-report",
    Case(Kind.OBJECT, build=lambda cast: {"pk": _agreement(cast).pk}, ok_status=405),
)
register(
    "pledge-report",
    Case(
        Kind.OBJECT,
        build=lambda cast: {"pk": _pledge(cast).pk, "kind": "internal"},
        ok_status=405,
    ),
)
register(
    "report-retry",
    Case(
        Kind.OBJECT,
        build=lambda cast: {"pk": _report(cast, Report.Status.FAILED).pk},
        ok_status=405,
    ),
)
register("report-detail", Case(Kind.OBJECT, build=lambda cast: {"pk": _report(cast).pk}))
register("report-download", Case(Kind.OBJECT, build=lambda cast: {"pk": _report(cast).pk}))
register(
    "county-report",
    Case(Kind.OBJECT, build=lambda cast: {"code": cast.home.county.code}, viewer="county_officer"),
)
