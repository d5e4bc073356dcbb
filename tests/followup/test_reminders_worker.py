"""Reminders with a real Celery worker and Redis, and two runs at once.

With REDIS_URL set (CI) the worker test starts ``celery -A config worker`` against
the test database and Redis, with e-mails written to files; without REDIS_URL it
checks the eager path (the embedded default) instead. It is never skipped.
Locally: REDIS_URL=redis://127.0.0.1:6379/14 DATABASE_URL=postgres://…/samverkan_rem.
"""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection, connections

from config.celery import app as celery_app
from followup import reminders as job
from followup import tasks
from followup.models import DigestEmail, Reminder
from tests.broker import WAIT, wait_for
from tests.followup import test_reminders as base

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = os.environ.get("REDIS_URL", "")
LOCMEM, MONDAY = base.LOCMEM, base.MONDAY
world, responsible = base.world, base.responsible  # the fixtures, shared


def _database_url() -> str:
    db = connection.settings_dict
    assert db["NAME"] == django_settings.DATABASES["default"]["NAME"]
    assert connection.vendor == "postgresql", "the worker test needs a PostgreSQL DATABASE_URL"
    host = db.get("HOST") or "127.0.0.1"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _recipients(directory: Path) -> list[str]:
    found = []
    for path in directory.iterdir():
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found += [email.message_from_string(chunk.strip())["To"]]
    return sorted(found)


@contextmanager
def _running_worker(tmp_path: Path, name: str, **environment: str):
    """A Celery worker on the test database; e-mails go to tmp_path/mail unless the
    environment says otherwise. Its pid is in tmp_path/<name>.pid."""
    outbox = tmp_path / "mail"
    outbox.mkdir(exist_ok=True)
    log = tmp_path / f"{name}.log"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        **environment,
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "config", "worker", "-n", f"{name}@%h"),
        *("--pool=solo", "-Q", "celery", "--concurrency=1", "--purge", "--loglevel=INFO"),
        f"--pidfile={tmp_path / f'{name}.pid'}",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=django_settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for(
            lambda: "ready." in log.read_text(), what=f"the worker to start:\n{log.read_text()}"
        )
        yield outbox, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def worker(tmp_path):
    """A Celery worker on the test database, writing e-mails to tmp_path/mail."""
    with _running_worker(tmp_path, "worker") as running:
        yield running


def _closed_port() -> int:
    """A loopback port nobody listens on: an SMTP server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _all_sent() -> bool:
    return not DigestEmail.objects.filter(sent_at__isnull=True).exists()


def test_a_real_worker_sends_one_digest_per_user(
    transactional_db, world, owner, liaison, responsible, settings, request
):
    expected = sorted(u.email for u in (owner, liaison, responsible))
    if not REDIS_URL:
        # the embedded default: the same job, the task runs in-process
        assert celery_app.conf.task_always_eager
        settings.MAILERS = LOCMEM
        assert job.run_daily(MONDAY).digests == 3  # autocommit: on_commit runs at once
        assert sorted(m.to[0] for m in mail.outbox) == expected
        assert job.run_daily(MONDAY).digests == 0
        assert len(mail.outbox) == 3
        return
    outbox, log = request.getfixturevalue("worker")
    assert not celery_app.conf.task_always_eager
    assert job.run_daily(MONDAY).digests == 3
    wait_for(_all_sent, what=f"the digests to be sent:\n{log.read_text()}")
    # a digest is marked sent when the SMTP conversation ends; the file backend may
    # still be writing the last message then
    wait_for(lambda: _recipients(outbox) == expected, seconds=10, what="the three files")
    assert _recipients(outbox) == expected
    assert DigestEmail.objects.count() == 3
    # a second run the same day and the next: nothing more
    assert job.run_daily(MONDAY).digests == 0
    assert job.run_daily(MONDAY.replace(day=3)).digests == 0
    time.sleep(2)
    assert _recipients(outbox) == expected
    assert not Reminder.objects.filter(emailed_at__isnull=True).exists()


def test_two_runs_at_once_send_each_reminder_once(
    transactional_db, world, owner, liaison, responsible, settings
):
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    settings.MAILERS = LOCMEM
    reports, errors = [], []

    def run():
        try:
            reports.append(job.run_daily(MONDAY))
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
            run()
            run()
    finally:
        celery_app.conf.task_always_eager = saved
    assert errors == []
    assert max(r.created for r in reports) == 6  # the counts of two runs may overlap
    assert sorted(r.digests for r in reports) == [0, 3]
    assert Reminder.objects.count() == 6
    assert DigestEmail.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (owner, liaison, responsible)
    )


def test_an_smtp_failure_is_retried_then_marked_failed_and_an_admin_retry_sends_once(
    transactional_db, world, owner, liaison, responsible, settings, tmp_path
):
    """The SMTP server is down: the worker retries with backoff, gives up after
    max_retries and marks the reminders failed; the admin's retry sends them once."""
    expected = sorted(u.email for u in (owner, liaison, responsible))
    smtp_down = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": _closed_port(), "timeout": 2},
    }
    if not REDIS_URL:
        # the embedded default: the send runs in-process, fails once, and waits for
        # the next run (eager tasks do not retry); the admin's retry sends it once
        settings.MAILERS = {"default": smtp_down}
        assert job.run_daily(MONDAY).digests == 3
        assert not DigestEmail.objects.filter(sent_at__isnull=False).exists()
        assert Reminder.objects.exclude(send_error="").count() == Reminder.objects.count()
        settings.MAILERS = LOCMEM
        Reminder.objects.update(failed=True)
        job.retry_failed(Reminder.objects.values_list("pk", flat=True))
        assert sorted(m.to[0] for m in mail.outbox) == expected
        job.retry_failed(Reminder.objects.values_list("pk", flat=True))
        assert len(mail.outbox) == 3
        return
    down = {
        "EMAIL_BACKEND": smtp_down["BACKEND"],
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_down["OPTIONS"]["port"]),
        "EMAIL_TIMEOUT": "2",
        "REMINDER_RETRY_BACKOFF": "1",
    }
    with _running_worker(tmp_path, "smtp-down", **down) as (_outbox, log):
        assert job.run_daily(MONDAY).digests == 3
        wait_for(
            lambda: Reminder.objects.filter(failed=True).count() == Reminder.objects.count(),
            seconds=120,
            what=f"the sends to fail for good:\n{log.read_text()}",
        )
    attempts = set(DigestEmail.objects.values_list("attempts", flat=True))
    assert attempts == {tasks.MAX_RETRIES + 1}, log.read_text()
    assert not DigestEmail.objects.filter(sent_at__isnull=False).exists()
    assert "Retry in" in log.read_text()

    with _running_worker(tmp_path, "smtp-up") as (outbox, log):
        job.retry_failed(Reminder.objects.values_list("pk", flat=True))
        wait_for(_all_sent, what=f"the retried digests to be sent:\n{log.read_text()}")
        job.retry_failed(Reminder.objects.values_list("pk", flat=True))  # nothing failed now
        time.sleep(2)
        assert _recipients(outbox) == expected
    assert not Reminder.objects.filter(failed=True).exists()
