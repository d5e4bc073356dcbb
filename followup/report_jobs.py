"""PDF report jobs: ``request_report`` queues one (or finds the one already queued),
the task ``render_report`` renders it once; and what went wrong outside the task: a
worker killed in the middle of a render, a render that never reached the queue (Redis
down), and files that must never be seen half-written.

A report claimed by a worker is "running" with ``started_at`` and ``attempts``. A
worker killed by SIGKILL, the out-of-memory killer or the hard time limit runs no
``except`` block: the row would say "running" forever. ``recover_stale`` finds
reports without a sign of life (``heartbeat_at``: claimed, or queued again) for
``REPORT_STALE_AFTER`` seconds and queues them again (at most ``MAX_ATTEMPTS``
renders in all), or marks them failed so the page offers the retry button. Queued
reports that old are queued again (the queue was down); the task's conditional
claim makes a second copy in the queue do nothing. The report page runs it for
the report it shows, and Celery beat for all.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from councils import background
from followup import reports
from followup.models import Report

log = logging.getLogger(__name__)

#: renders of one report in all: the first, and one more after a worker died
MAX_ATTEMPTS = 2
S = Report.Status


@dataclass(frozen=True)
class OtherKind:
    """A kind of file a higher app makes with this machinery (the archive's packages):
    the same queue, claim, progress, retry, sweep and download as the PDFs."""

    #: the file's bytes; calls ``progress(percent)`` as it goes (a sign of life)
    render: Callable[[Report, Callable[[int], None]], bytes]
    #: its name without the extension
    filename: Callable[[Report], str]
    #: 404 unless the user may have it: ``check_access(user, object_id)``
    check_access: Callable[[Any, int], None]
    #: what the report page calls it and its download (lazy texts)
    label: Any
    download: Any
    #: its format in ``councils.exports.CONTENT_TYPES`` (also the extension)
    fmt: str = "zip"


#: report kind -> how it is made; registered by higher apps in their AppConfig.ready()
OTHER_KINDS: dict[str, OtherKind] = {}


def register_kind(kind: str, other: OtherKind) -> None:
    OTHER_KINDS[kind] = other


def render_file(report: Report, progress: Callable[[int], None]) -> tuple[bytes, str]:
    """The report's bytes and its file name with the extension."""
    other = OTHER_KINDS.get(report.kind)
    if other is not None:
        return other.render(report, progress), f"{other.filename(report)}.{other.fmt}"
    return reports.render(report, progress=progress), reports.filename(report) + ".pdf"


@dataclass
class Recovered:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def recover_stale(report_ids=None, *, now: dt.datetime | None = None) -> Recovered:
    """Queue again, or mark failed, the queued or running reports without a sign of
    life (``heartbeat_at``, else ``created_at``) for ``settings.REPORT_STALE_AFTER``
    seconds (only ``report_ids`` when given). Every change is a conditional UPDATE on
    the state that was read, so two sweeps (or a sweep and a worker that finishes
    after all) change a report once."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.REPORT_STALE_AFTER)
    stale = Report.objects.filter(status__in=Report.ACTIVE).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    if report_ids is not None:
        stale = stale.filter(pk__in=list(report_ids))
    recovered = Recovered()
    for pk, status, heartbeat_at, attempts in stale.values_list(
        "pk", "status", "heartbeat_at", "attempts"
    ).order_by("pk"):
        same = Report.objects.filter(pk=pk, status=status, heartbeat_at=heartbeat_at)
        if status == S.QUEUED or attempts < MAX_ATTEMPTS:
            # never reached a worker (the queue was down), or its worker died: again
            if same.update(status=S.QUEUED, progress=0, started_at=None, heartbeat_at=now):
                log.warning("report %s: %s without a sign of life; queued again", pk, status)
                recovered.requeued.append(pk)
            continue
        with translation.override(settings.LANGUAGE_CODE):
            text = _(
                "The rendering stopped before it was finished (the background worker was "
                "interrupted). Try again."
            )
        if same.update(status=S.FAILED, error=text, finished_at=now):
            log.warning("report %s: the render stalled %s times; marked failed", pk, attempts)
            recovered.failed.append(pk)
    for pk in recovered.requeued:
        background.enqueue(render_report, pk)
    return recovered


def save_complete(file: FieldFile, name: str, content: bytes) -> None:
    """Store a finished file under its final name in one step, so no reader can ever
    see it half-written. On the file system: written and synced under a temporary
    name beside the target, then hard-linked to a free final name (never replacing
    another file). Other storages (object stores) store a complete upload in one PUT.
    Sets ``file.name``; the caller saves the model."""
    storage = file.storage
    name = file.field.generate_filename(file.instance, name)
    if not isinstance(storage, FileSystemStorage):
        file.name = storage.save(name, ContentFile(content), max_length=file.field.max_length)
        return
    directory = Path(storage.path(name)).parent
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=directory, prefix=".partial-", suffix=Path(name).suffix, delete=False
    ) as partial:
        partial.write(content)
        partial.flush()
        os.fsync(partial.fileno())
    try:
        os.chmod(partial.name, storage.file_permissions_mode or 0o644)
        while True:
            name = storage.get_available_name(name, max_length=file.field.max_length)
            try:
                os.link(partial.name, storage.path(name))
                break
            except FileExistsError:  # taken since we looked: look again
                continue
    finally:
        os.unlink(partial.name)
    file.name = name


# --- asking for a report, and rendering it ---------------------------------------------


def request_report(user, kind: str, object_id: int, parameters: dict | None = None) -> Report:
    """The queued or running report of (kind, object, parameters), or a new one queued
    on commit."""
    parameters = parameters or {}
    same = {"kind": kind, "object_id": object_id, "parameters": parameters}
    with transaction.atomic():
        active = Report.objects.filter(**same, status__in=Report.ACTIVE).first()
        if active is not None:
            return active
        try:
            with transaction.atomic():
                report = Report.objects.create(**same, requested_by=user)
        except IntegrityError:  # another request created it in the meantime
            return Report.objects.get(**same, status__in=Report.ACTIVE)
        background.enqueue(render_report, report.pk)
    return report


@shared_task(
    name="followup.tasks.render_report",  # its name from before it moved here
    bind=True,
    acks_late=True,
    max_retries=2,
)
def render_report(self, report_id: int) -> bool:
    """Render one report, at most once at a time.

    The report is claimed with a conditional UPDATE (queued → running, one more
    attempt); a second worker or a redelivered task finds nothing to claim. The PDF
    is rendered in memory, stored under a temporary name and linked to its final
    name only when complete (``save_complete``), and the report marked
    done in the same transaction; any failure marks it failed with the error (the
    page offers a retry). A worker killed meanwhile leaves it running:
    ``recover_stale`` finds it.
    """
    now = timezone.now()
    claimed = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=10,
        error="",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return False
    report = Report.objects.get(pk=report_id)

    def progress(percent: int) -> None:
        """Progress is also a sign of life for ``recover_stale``."""
        Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
            progress=percent, heartbeat_at=timezone.now()
        )

    try:
        with translation.override(settings.LANGUAGE_CODE):
            content, name = render_file(report, progress)
        progress(90)
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.status != Report.Status.RUNNING:
                return False
            save_complete(report.file, name, content)
            report.status = Report.Status.DONE
            report.progress = 100
            report.finished_at = timezone.now()
            report.save(update_fields=["file", "status", "progress", "finished_at"])
    except Exception as error:
        log.warning("report %s: rendering failed: %s", report_id, error)
        with translation.override(settings.LANGUAGE_CODE):
            if isinstance(error, LookupError):
                text = str(error)
            else:
                text = _("The PDF could not be rendered (%(error)s).") % {
                    "error": error.__class__.__name__
                }
        Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
            status=Report.Status.FAILED,
            error=text[:1000],
            finished_at=timezone.now(),
        )
        return False
    return True
