"""Report jobs that went wrong outside the task: a worker killed in the middle of a
render, a render that never reached the queue (Redis down), and files that must
never be seen half-written.

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
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from councils import background
from followup.models import Report

log = logging.getLogger(__name__)

#: renders of one report in all: the first, and one more after a worker died
MAX_ATTEMPTS = 2
S = Report.Status


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
    if recovered.requeued:
        from followup import tasks  # the tasks module imports this one

        for pk in recovered.requeued:
            background.enqueue(tasks.render_report, pk)
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
        dir=directory, prefix=".partial-", suffix=".pdf", delete=False
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
