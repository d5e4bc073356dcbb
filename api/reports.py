"""Report jobs through the API: who may see one is decided by its object, as on the
pages (``followup.views.reports``): whoever may read the agreement, pledge or county."""

from __future__ import annotations

from django.http import Http404

from agreements.models import Agreement
from api import auth
from councils import access
from councils.access import Capability
from followup.models import Report
from pledges.models import Pledge

SIGNED = (Agreement.Status.SIGNED, Agreement.Status.REPLACED)


def check(request, kind: str, object_id: int) -> None:
    """Nothing when the token may read reports of (kind, object); 404 otherwise."""
    if kind == Report.Kind.COUNTY_SUMMARY:
        if request.auth.organisation_id is not None:
            raise Http404
        access.get_county_or_404(request.user, pk=object_id)
        return
    if kind == Report.Kind.AGREEMENT:
        objects, capability = Agreement.objects.filter(status__in=SIGNED), Capability.READ
    elif kind in (Report.Kind.PLEDGE_PUBLIC, Report.Kind.PLEDGE_INTERNAL):
        objects = Pledge.objects.public()
        capability = Capability.INTERNAL if kind == Report.Kind.PLEDGE_INTERNAL else Capability.READ
    else:
        raise Http404
    auth.get_or_404(request, objects.only("pk"), capability, pk=object_id)


def report_or_404(request, pk: int) -> Report:
    report = Report.objects.filter(pk=pk).first()
    if report is None:
        raise Http404
    check(request, report.kind, report.object_id)
    return report
