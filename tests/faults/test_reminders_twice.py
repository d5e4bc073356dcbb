"""The reminder job run twice at once: no duplicate e-mails.

On PostgreSQL two ``manage.py send_reminders`` processes run against the test
database at the same moment: the test holds the job's claim lock
(``reminders.CLAIM_LOCK``) until both processes wait for it, then lets them race.
Each e-mail is written once to the shared outbox. (Two threads in one process are
in tests/followup/test_reminders_worker.py.) On SQLite, which has one writer at a
time, the two runs follow each other through the same command.
"""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.db import connection

from followup import reminders as job
from followup.models import DigestEmail, Reminder
from tests.broker import wait_for
from tests.faults.postgres import second_connection
from tests.followup import test_reminders as base
from tests.followup.test_reminders_worker import _database_url, _recipients

pytestmark = pytest.mark.django_db(transaction=True)
MONDAY = base.MONDAY
world, responsible = base.world, base.responsible  # the fixtures, shared


def _waiting_for_the_lock(lock_holder: psycopg.Connection) -> int:
    """Processes waiting for the job's claim lock in this database (a bigint key is
    split into classid, the high half, and objid, the low half)."""
    return lock_holder.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND classid = %s AND objid = %s",
        [job.CLAIM_LOCK >> 32, job.CLAIM_LOCK & 0xFFFFFFFF],
    ).fetchone()[0]


def test_two_jobs_at_once_send_each_e_mail_once(
    world, owner, liaison, responsible, settings, tmp_path
):
    expected = sorted(u.email for u in (owner, liaison, responsible))
    command = [sys.executable, "manage.py", "send_reminders", "--date", MONDAY.isoformat()]
    if connection.vendor != "postgresql":
        settings.MAILERS = base.LOCMEM
        call_command(*command[2:])
        call_command(*command[2:])
        assert sorted(m.to[0] for m in mail.outbox) == expected
        assert DigestEmail.objects.count() == 3
        return

    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
    }
    env.pop("REDIS_URL", None)  # each job sends in-process (the embedded default)
    with second_connection() as lock_holder:
        lock_holder.execute("SELECT pg_advisory_lock(%s)", [job.CLAIM_LOCK])
        runs = [
            subprocess.Popen(  # noqa: S603
                command,
                cwd=django_settings.BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        try:
            wait_for(
                lambda: _waiting_for_the_lock(lock_holder) == 2,
                what="both jobs to wait for the claim lock",
            )
        finally:
            lock_holder.execute("SELECT pg_advisory_unlock(%s)", [job.CLAIM_LOCK])
        outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    queued = sorted(
        line.split("; ")[-1] for output in outputs for line in output.splitlines() if "; " in line
    )
    assert queued == [
        "0 digest e-mails were queued",
        "3 digest e-mails were queued",
    ], outputs
    assert _recipients(outbox) == expected
    assert DigestEmail.objects.count() == 3
    assert Reminder.objects.count() == 6
    assert not Reminder.objects.filter(emailed_at__isnull=True).exists()
