"""The archive packages as kinds of the report machinery (``followup.report_jobs``):
queued once, claimed once by a worker, with progress, retry, the sweep and the
download of the PDFs. Who may have them, what their files are called, and the buttons
that ask for them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, SharedAgreement
from archive import contents
from councils import access, exports
from councils.access import Capability
from followup import reports
from followup.models import Report
from followup.report_jobs import OtherKind
from pledges.models import Pledge, SharedPledge

AGREEMENT = "archive_agreement"
PLEDGE = "archive_pledge"
#: the PDF of a version as it was shared with the police (``councils.sharing``)
SHARED_AGREEMENT = "shared_agreement"
SHARED_PLEDGE = "shared_pledge"
SHARED_MODELS = {SHARED_AGREEMENT: SharedAgreement, SHARED_PLEDGE: SharedPledge}


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


def check_shared(kind: str):
    """The version shared, if ``user`` holds INTERNAL on its municipality; else 404."""

    def check(user, object_id: int):
        model = SHARED_MODELS[kind]
        return access.get_object_or_404(user, model, Capability.INTERNAL, pk=object_id)

    return check


def _shared_pdf(kind: str):
    def render(report: Report, progress) -> bytes:
        shared = SHARED_MODELS[kind].objects.filter(pk=report.object_id).first()
        if shared is None:
            raise LookupError(_("The shared version no longer exists."))
        progress(30)
        return reports.html_to_pdf(contents.shared_html(shared), progress=progress)

    return render


def _shared_filename(kind: str, word: str):
    def filename(report: Report) -> str:
        shared = SHARED_MODELS[kind].objects.filter(pk=report.object_id).first()
        if shared is None:
            return exports.filename(word, "delad", report.object_id)
        document = getattr(shared, "agreement" if kind == SHARED_AGREEMENT else "pledge")
        name = document.municipality.name
        return exports.filename(word, "delad", name, contents.shared_moment(shared))

    return filename


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
    SHARED_AGREEMENT: OtherKind(
        render=_shared_pdf(SHARED_AGREEMENT),
        filename=_shared_filename(SHARED_AGREEMENT, "overenskommelse"),
        check_access=check_shared(SHARED_AGREEMENT),
        label=_("PDF of the agreement as shared"),
        download=_("Download the PDF"),
        fmt="pdf",
    ),
    SHARED_PLEDGE: OtherKind(
        render=_shared_pdf(SHARED_PLEDGE),
        filename=_shared_filename(SHARED_PLEDGE, "medborgarlofte"),
        check_access=check_shared(SHARED_PLEDGE),
        label=_("PDF of the citizen pledge as shared"),
        download=_("Download the PDF"),
        fmt="pdf",
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


def shared_agreement_button(request, shared) -> dict:
    return {"url": reverse("archive-shared-agreement", args=[shared.pk])}


def shared_pledge_button(request, shared) -> dict:
    return {"url": reverse("archive-shared-pledge", args=[shared.pk])}
