"""What goes into the archive package of a signed agreement and of a published pledge
(with its follow-ups), and the hook through which other apps add files.

Documents are PDF/A-3a (``followup.reports.html_to_pdf``): the agreement from its
signed snapshot, the pledge in its internal version (review comments, history, the
published follow-up), and every version shared with the police as it was shared
(``councils.sharing``). Data is CSV (``councils.exports``): the history of the
document and its parts, and the pledge's follow-up entries. PREMIS events come from
the same records: created, shared, signed, published, packaged.

Other apps add files with ``register(contributor)``: a function called with the
agreement or pledge being packaged that returns ``ArchiveFile``s under
``representations/rep1/data/`` or ``documentation/`` (the attachments, for one).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement
from archive.package import (
    DATA,
    DOCUMENTATION,
    SOFTWARE,
    ArchiveFile,
    Event,
    Package,
    iso_moment,
    zip_bytes,
)
from councils import exports, formats, history
from followup import reports
from followup.models import FollowUp, PledgeFollowUp
from pledges.models import Activity, Pledge

PDF_A = "PDF/A-3a"
#: the files' types as METS and PREMIS give them (without parameters)
CSV_TYPE = exports.CONTENT_TYPES["csv"].partition(";")[0]
PDF_TYPE = exports.CONTENT_TYPES["pdf"]

#: a function that adds files to the package of an agreement or a pledge
Contributor = Callable[[Any], Iterable[ArchiveFile]]
CONTRIBUTORS: list[Contributor] = []


def register(contributor: Contributor) -> None:
    """Add ``contributor``'s files to every package (called from an AppConfig.ready)."""
    if contributor not in CONTRIBUTORS:
        CONTRIBUTORS.append(contributor)


Progress = Callable[[int], None]


# --- the pieces ------------------------------------------------------------------


def _pdf(path: str, html: str) -> ArchiveFile:
    return ArchiveFile(path, reports.html_to_pdf(html), PDF_TYPE, PDF_A)


def _html(template: str, context: dict) -> str:
    return render_to_string(template, {**context, "printed": timezone.localtime()})


def _archivist(municipality) -> str:
    organisation = getattr(municipality, "organisation", None)  # none: AttributeError's kin
    return organisation.name if organisation is not None else municipality.name


def _history_rows(records) -> list[list[Any]]:
    """One row per saved version of each record: when, what, who, which fields."""
    kinds = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    rows = []
    for record in records:
        versions = list(
            record.history.select_related("history_user").order_by("history_date", "history_id")
        )
        name = f"{record._meta.verbose_name} {record.pk}"
        for n, version in enumerate(versions):
            changes = history.changes(version, versions[n - 1] if n else None)
            rows.append(
                [
                    formats.iso_datetime(version.history_date),
                    name,
                    kinds.get(version.history_type, version.history_type),
                    ", ".join(c.note or str(c.field) for c in changes),
                    str(version.history_user or _("the system")),
                    version.history_organisation,
                ]
            )
    rows.sort(key=lambda row: row[0])
    return rows


def history_csv(records) -> ArchiveFile:
    headers = [
        _("When"),
        _("Record"),
        _("Event"),
        _("Fields changed"),
        _("User"),
        _("Organisation"),
    ]
    body = exports.csv_bytes(headers, _history_rows(records))
    return ArchiveFile(DATA + "historik.csv", body, CSV_TYPE, "CSV")


def shared_moment(shared) -> str:
    """The moment of a sharing in a file name: "20260312-1014" (local time)."""
    digits = "".join(c for c in formats.iso_datetime(shared.shared_at)[:16] if c.isdigit())
    return f"{digits[:8]}-{digits[8:]}"


def _shared(document) -> tuple[list[ArchiveFile], list[Event]]:
    """Each version shared with the police, as a PDF/A, and the sharing as an event."""
    files, events = [], []
    for number, shared in enumerate(document.shared_versions.order_by("shared_at", "pk"), 1):
        files.append(_pdf(f"{DATA}delad-{number}-{shared_moment(shared)}.pdf", shared_html(shared)))
        detail = _("Shared with %(who)s %(when)s") % {
            "who": shared.shared_with,
            "when": formats.moment(shared.shared_at),
        }
        events.append(Event("transfer", shared.shared_at, detail, _archivist_of(document)))
    return files, events


#: the PDF template of each kind of shared version
SHARED_TEMPLATES = {
    "agreements.sharedagreement": "followup/pdf/agreement.html",
    "pledges.sharedpledge": "archive/pdf/shared_pledge.html",
}


def shared_html(shared) -> str:
    """A version as it was shared, ready for WeasyPrint (from its snapshot only)."""
    snapshot = shared.snapshot
    title = snapshot.get("title") or snapshot.get("fields", {}).get("title", "")
    template = SHARED_TEMPLATES[shared._meta.label_lower]
    return _html(template, {"snapshot": snapshot, "shared": shared, "title": title})


def _archivist_of(document) -> str:
    return _archivist(document.municipality)


def _created(document) -> list[Event]:
    first = document.history.order_by("history_date", "history_id").first()
    if first is None:  # made before its history was kept
        return []
    return [Event("creation", first.history_date, _("Created"), _archivist_of(document))]


def _signatures(document) -> list[Event]:
    events = []
    for party, who in (("municipality", _("the municipality")), ("police", _("the police"))):
        day = getattr(document, f"{party}_signed_on")
        if day is None:
            continue
        detail = _("Signed for %(party)s by %(name)s, %(title)s") % {
            "party": who,
            "name": getattr(document, f"{party}_signatory_name"),
            "title": getattr(document, f"{party}_signatory_title"),
        }
        events.append(Event("signing", day, detail, _archivist_of(document)))
    return events


def _documentation(document, label: str) -> ArchiveFile:
    text = render_to_string("archive/about.txt", {"document": document, "label": label})
    return ArchiveFile(DOCUMENTATION + "om-paketet.txt", text.encode(), "text/plain", "Text")


def _package(document, label: str, files, events, progress: Progress) -> bytes:
    package = Package(
        object_id=f"urn:uuid:{uuid.uuid4()}",
        label=label,
        archivist=_archivist_of(document),
        created=timezone.now(),
    )
    for file in files:
        package.add(file)
    for contributor in CONTRIBUTORS:
        for file in contributor(document):
            package.add(file)
    package.add(_documentation(document, label))
    package.events = [
        *sorted(events, key=lambda event: iso_moment(event.when)),
        Event(
            "information package creation",
            package.created,
            _("Archive package made"),
            SOFTWARE,
        ),
    ]
    progress(85)
    return zip_bytes(package)


# --- the packages ----------------------------------------------------------------


def agreement_package(agreement_id: int, progress: Progress) -> bytes:
    agreement = (
        Agreement.objects.select_related("municipality")
        .filter(pk=agreement_id, status__in=Agreement.VISIBLE_TO_READERS)
        .first()
    )
    if agreement is None:
        raise LookupError(_("The agreement no longer exists or is not signed."))
    files = [_pdf(DATA + "overenskommelse.pdf", reports.agreement_html(agreement.pk))]
    progress(40)
    shared_files, events = _shared(agreement)
    progress(70)
    parts = [agreement, *agreement.focus_areas.all(), *agreement.goals.all()]
    files += [*shared_files, history_csv(parts)]
    events += [*_created(agreement), *_signatures(agreement)]
    if agreement.signed_at:
        who = _archivist(agreement.municipality)
        events.append(Event("signing", agreement.signed_at, _("Signed by both parties"), who))
    label = _("Cooperation agreement: %(title)s") % {"title": agreement.title}
    return _package(agreement, label, files, events, progress)


def follow_ups_csv(pledge: Pledge) -> ArchiveFile:
    entries = (
        FollowUp.objects.filter(activity__pledge=pledge)
        .select_related("activity")
        .order_by("activity__order", "activity_id", "period_start", "pk")
    )
    headers = [
        _("Activity"),
        _("From"),
        _("To"),
        _("Status"),
        _("Progress (%)"),
        _("What was done"),
        _("Effect observed"),
        _("Obstacles"),
        _("Published"),
        _("Reported"),
    ]
    rows = [
        [
            entry.activity.title,
            entry.period_start,
            entry.period_end,
            entry.get_status_display(),
            entry.progress,
            entry.done,
            entry.effect,
            entry.obstacles,
            _("yes") if entry.published else _("no"),
            formats.iso_datetime(entry.reported_at),
        ]
        for entry in entries
    ]
    return ArchiveFile(
        DATA + "uppfoljningar.csv", exports.csv_bytes(headers, rows), CSV_TYPE, "CSV"
    )


def pledge_package(pledge_id: int, progress: Progress) -> bytes:
    pledge = Pledge.objects.public().select_related("municipality").filter(pk=pledge_id).first()
    if pledge is None:
        raise LookupError(_("The pledge no longer exists or is not published."))
    files = [_pdf(DATA + "medborgarlofte.pdf", reports.pledge_html(pledge.pk, internal=True))]
    progress(40)
    shared_files, events = _shared(pledge)
    progress(70)
    activities = list(Activity.objects.filter(pledge=pledge).order_by("order", "pk"))
    entries = list(FollowUp.objects.filter(activity__pledge=pledge).order_by("pk"))
    files += [*shared_files, follow_ups_csv(pledge), history_csv([pledge, *activities, *entries])]
    events += [*_created(pledge), *_signatures(pledge)]
    who = _archivist(pledge.municipality)
    if pledge.published_at:
        events.append(Event("publication", pledge.published_at, _("Signed and published"), who))
    for period in PledgeFollowUp.objects.filter(pledge=pledge, published_at__isnull=False):
        detail = _("Follow-up %(period)s published") % {
            "period": formats.period(period.period_start, period.period_end)
        }
        events.append(Event("publication", period.published_at, detail, who))
    label = _("Citizen pledge: %(title)s") % {"title": pledge.title}
    return _package(pledge, label, files, events, progress)
