"""The archive packages as kinds of the report machinery (``followup.report_jobs``):
queued once, claimed once by a worker, with progress, retry, the sweep and the
download of the PDFs. Who may have them, what their files are called, and the buttons
that ask for them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from archive import contents
from councils import access, exports
from councils.access import Capability
from followup.models import Report
from followup.report_jobs import OtherKind
from pledges.models import Pledge

AGREEMENT = "archive_agreement"
PLEDGE = "archive_pledge"


def signed_agreements():
    return Agreement.objects.filter(status__in=Agreement.VISIBLE_TO_READERS)


def published_pledges():
    return Pledge.objects.public()


def check_agreement(user, object_id: int) -> Agreement:
    """The signed agreement, if ``user`` holds INTERNAL on its municipality; else 404."""
    return access.get_object_or_404(
        user, signed_agreements().select_related("municipality"), Capability.INTERNAL, pk=object_id
    )


def check_pledge(user, object_id: int) -> Pledge:
    """The published pledge, if ``user`` holds INTERNAL on its municipality; else 404."""
    return access.get_object_or_404(
        user, published_pledges().select_related("municipality"), Capability.INTERNAL, pk=object_id
    )


def _filename(objects, period: tuple[str, str], word: str):
    def filename(report: Report) -> str:
        found = (
            objects.filter(pk=report.object_id).values_list("municipality__name", *period).first()
        )
        if found is None:
            return exports.filename("arkivpaket", word, report.object_id)
        name, start, end = found
        years = [start.year] if start.year == end.year else [start.year, end.year]
        return exports.filename("arkivpaket", word, name, *years)

    return filename


KINDS = {
    AGREEMENT: OtherKind(
        render=lambda report, progress: contents.agreement_package(report.object_id, progress),
        filename=_filename(Agreement.objects, ("start_date", "end_date"), "overenskommelse"),
        check_access=check_agreement,
        label=_("archive package of the agreement"),
        download=_("Download the archive package (ZIP)"),
    ),
    PLEDGE: OtherKind(
        render=lambda report, progress: contents.pledge_package(report.object_id, progress),
        filename=_filename(Pledge.objects, ("period_start", "period_end"), "medborgarlofte"),
        check_access=check_pledge,
        label=_("archive package of the citizen pledge"),
        download=_("Download the archive package (ZIP)"),
    ),
}


# --- the buttons (agreements.extensions, pledges.extensions) ---------------------------


def agreement_button(request, agreement) -> dict | None:
    if agreement.status not in Agreement.VISIBLE_TO_READERS or not access.can(
        request.user, Capability.INTERNAL, agreement.municipality_id
    ):
        return None
    return {"url": reverse("archive-agreement", args=[agreement.pk])}


def pledge_button(request, pledge) -> dict | None:
    if not pledge.is_public or not access.can(
        request.user, Capability.INTERNAL, pledge.municipality_id
    ):
        return None
    return {"url": reverse("archive-pledge", args=[pledge.pk])}
