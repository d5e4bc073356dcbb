"""Two digest sweeps at once: each follower gets each event once, in one e-mail.

On PostgreSQL two threads, each with its own connection, run the daily job at the same
moment; the claim (an advisory lock, the unique digest of the day and the unique
delivery per follower and event) lets one of them send. On SQLite, which has one
writer at a time, the runs follow each other.
"""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from config.celery import app as celery_app
from residents import digests
from residents.models import Delivery, Digest
from tests.broker import WAIT
from tests.residents import helpers
from tests.residents.helpers import LOCMEM, published

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_sweeps_at_once_send_each_event_once(home, neighbour, settings):
    settings.MAILERS = LOCMEM
    for n in range(3):
        helpers.follower(home, f"hem{n}@example.se")
    helpers.follower(neighbour, "granne@example.se")
    published(home, title="Tryggare Hemby")
    published(neighbour, title="Tryggare Grannby")
    mail.outbox.clear()  # the confirmations
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    barrier = threading.Barrier(2, timeout=WAIT)
    reports, errors = [], []

    def run():
        try:
            barrier.wait()
            reports.append(digests.run_daily())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    try:
        if connection.vendor == "postgresql":
            threads = [threading.Thread(target=run) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(WAIT)
        else:  # SQLite serialises writers: the runs follow each other
            barrier = threading.Barrier(1)
            run()
            run()
    finally:
        celery_app.conf.task_always_eager = saved
    assert errors == []
    assert sorted(r.split("; ")[1] for r in reports) == [
        "0 follower digests queued",
        "4 follower digests queued",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "granne@example.se",
        "hem0@example.se",
        "hem1@example.se",
        "hem2@example.se",
    ]
    assert Digest.objects.count() == 4
    assert Delivery.objects.count() == 4
    assert not Digest.objects.filter(sent_at__isnull=True).exists()
