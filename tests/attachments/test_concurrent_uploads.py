"""Concurrent uploads to the same object lose nothing, and the per-object limit holds
across them: each upload takes the object's row lock (``SELECT … FOR UPDATE``) before
it counts. Real threads with their own connections on PostgreSQL (run with
DATABASE_URL=postgres://…); on SQLite, whose writers take turns anyway, one after
another."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from attachments import services
from attachments.models import Attachment
from attachments.sniffing import Refused
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

UPLOADS = 4
SIZE = 5000


def _attach(meeting, owner, index: int, outcomes: list, start: threading.Barrier | None):
    try:
        if start is not None:
            start.wait(timeout=30)
        services.attach(
            meeting,
            upload=SimpleUploadedFile(f"{index}.txt", b"a" * SIZE),
            title=f"Bilaga {index}",
            kind="appendix",
            public=False,
            user=owner,
        )
        outcomes.append("saved")
    except Refused:
        outcomes.append("refused")
    finally:
        if start is not None:
            connections.close_all()


def test_concurrent_uploads_to_one_object_are_all_counted(home, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_MAX_OBJECT_BYTES = SIZE * (UPLOADS - 1)
    meeting = f.MeetingFactory(council=f.CouncilFactory(municipality=home))
    outcomes: list[str] = []
    if connection.vendor == "postgresql":
        start = threading.Barrier(UPLOADS)
        threads = [
            threading.Thread(target=_attach, args=(meeting, owner, i, outcomes, start))
            for i in range(UPLOADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    else:
        for i in range(UPLOADS):
            _attach(meeting, owner, i, outcomes, None)
    assert sorted(outcomes) == ["refused"] + ["saved"] * (UPLOADS - 1)
    saved = Attachment.objects.filter(meeting=meeting)
    assert saved.count() == UPLOADS - 1
    assert len({row.file.name for row in saved}) == UPLOADS - 1
    assert all(row.file.read() == b"a" * SIZE for row in saved)
