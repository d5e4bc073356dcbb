"""A Celery worker killed in the middle of a PDF render.

With REDIS_URL and a PostgreSQL DATABASE_URL (CI), a real ``celery -A config worker``
starts rendering a long report and is killed with SIGKILL mid-render: the report is
left "running" with no file anywhere a user can download; the report page's poll
finds it stale and queues it again; a second worker completes it. Without Redis
(the embedded default) the same recovery runs on the eager path, from the state a
killed worker leaves behind. Never skipped.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from followup import report_jobs, tasks
from followup.models import Report
from followup.report_jobs import request_report
from pledges.models import Pledge
from tests import factories as f
from tests.broker import wait_for
from tests.followup.test_reminders_worker import _running_worker

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = os.environ.get("REDIS_URL", "")
S = Report.Status
#: paragraphs of public text: several seconds of WeasyPrint, long enough to be killed
LONG = 800


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _published(home, paragraphs: int) -> Pledge:
    text = "\n\n".join(
        f"Stycke {i}: " + "Trygghet i centrum och i bostadsområdena. " * 12
        for i in range(paragraphs)
    )
    return f.PledgeFactory(
        municipality=home,
        title="Långt löfte",
        public_text=text,
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def _files(media: Path) -> list[str]:
    """Complete files a report could point at (temporary ".partial-" names excluded)."""
    folder = media / "reports"
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".partial-"))


def _poll(client, report: Report) -> str:
    url = reverse("report-detail", args=[report.pk])
    return client.get(url, headers={"HX-Request": "true"}).content.decode()


def _download(client, report: Report):
    return client.get(reverse("report-download", args=[report.pk]))


def test_a_worker_killed_mid_render_leaves_no_file_and_the_report_is_rendered_again(
    media, home, owner, client_of, settings, tmp_path
):
    client = client_of(owner)
    if not REDIS_URL:
        # the embedded default renders in-process: recover from the state a killed
        # worker leaves (claimed, running, a sign of life long ago, a partial file)
        assert celery_app.conf.task_always_eager
        report = Report.objects.create(
            kind=Report.Kind.PLEDGE_PUBLIC,
            object_id=_published(home, 3).pk,
            requested_by=owner,
        )
        long_ago = timezone.now() - timezone.timedelta(seconds=settings.REPORT_STALE_AFTER + 5)
        Report.objects.filter(pk=report.pk).update(
            status=S.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=1, progress=10
        )
        (media / "reports").mkdir(parents=True)
        (media / "reports" / ".partial-killed.pdf").write_bytes(b"%PDF-1.7 half")
        assert _download(client, report).status_code == 404
        assert "<progress" not in _poll(client, report)  # recovered, rendered at once
        report.refresh_from_db()
        assert report.status == S.DONE and report.attempts == 2
        response = _download(client, report)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert _files(media) == [Path(report.file.name).name]
        return

    environment = {"MEDIA_ROOT": str(media)}
    with _running_worker(tmp_path, "doomed", **environment) as (_outbox, log):
        report = request_report(owner, Report.Kind.PLEDGE_PUBLIC, _published(home, LONG).pk)
        wait_for(
            lambda: Report.objects.filter(pk=report.pk, status=S.RUNNING).exists(),
            what=f"the worker to claim the report:\n{log.read_text()}",
        )
        time.sleep(1)  # well into the render
        worker_pid = int((tmp_path / "doomed.pid").read_text())
        os.kill(worker_pid, signal.SIGKILL)
        _pid, status = os.waitpid(worker_pid, 0)  # our child: reaped here
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    report.refresh_from_db()
    assert report.status == S.RUNNING, "the render finished before the kill: make it longer"
    assert report.attempts == 1 and not report.file
    assert _files(media) == []
    assert _download(client, report).status_code == 404
    # not stale yet: the page keeps polling
    assert "<progress" in _poll(client, report)

    with _running_worker(tmp_path, "second", **environment) as (_outbox, log):
        settings.REPORT_STALE_AFTER = 0
        assert "<progress" in _poll(client, report)  # stale: queued again, still active
        settings.REPORT_STALE_AFTER = 3600  # the second render is not stale
        report.refresh_from_db()
        assert report.status in (S.QUEUED, S.RUNNING)
        wait_for(
            lambda: Report.objects.filter(pk=report.pk, status=S.DONE).exists(),
            seconds=180,
            what=f"the second worker to render the report:\n{log.read_text()}",
        )
    report.refresh_from_db()
    assert report.attempts == 2 and report.progress == 100
    assert _files(media) == [Path(report.file.name).name]
    response = _download(client, report)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def _stalled(report: Report, *, status: str, attempts: int, seconds: int) -> None:
    """The state a dead worker (or a lost queue message) leaves behind."""
    long_ago = timezone.now() - timezone.timedelta(seconds=seconds)
    Report.objects.filter(pk=report.pk).update(
        status=status,
        started_at=long_ago if status == S.RUNNING else None,
        heartbeat_at=long_ago,
        attempts=attempts,
    )


@pytest.mark.django_db  # in a transaction: on_commit callbacks are captured
def test_a_render_that_stalled_twice_is_marked_failed_with_the_retry_button(
    media, home, owner, client_of, settings, capsys, django_capture_on_commit_callbacks
):
    report = Report.objects.create(
        kind=Report.Kind.PLEDGE_PUBLIC, object_id=_published(home, 2).pk, requested_by=owner
    )
    fresh = Report.objects.create(
        kind=Report.Kind.PLEDGE_INTERNAL, object_id=report.object_id, requested_by=owner
    )
    _stalled(report, status=S.RUNNING, attempts=report_jobs.MAX_ATTEMPTS, seconds=7200)
    _stalled(fresh, status=S.RUNNING, attempts=1, seconds=5)  # rendering, not stale
    settings.REPORT_STALE_AFTER = 3600
    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("sweep_reports")
    assert "0 stalled reports queued again, 1 marked failed" in capsys.readouterr().out
    assert queued == []
    report.refresh_from_db()
    fresh.refresh_from_db()
    assert report.status == S.FAILED and report.finished_at is not None
    assert fresh.status == S.RUNNING
    page = client_of(owner).get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "Framställningen avbröts innan den var klar" in page
    assert reverse("report-retry", args=[report.pk]) in page
    # a second sweep changes nothing
    call_command("sweep_reports")
    assert "0 stalled reports queued again, 0 marked failed" in capsys.readouterr().out


@pytest.mark.django_db  # in a transaction: on_commit callbacks are captured
def test_a_report_that_never_reached_the_queue_is_queued_again_by_the_beat_sweep(
    media, home, owner, settings, django_capture_on_commit_callbacks
):
    report = Report.objects.create(
        kind=Report.Kind.PLEDGE_PUBLIC, object_id=_published(home, 2).pk, requested_by=owner
    )
    _stalled(report, status=S.QUEUED, attempts=0, seconds=7200)
    settings.REPORT_STALE_AFTER = 3600
    entry = celery_app.conf.beat_schedule["sweep-reports"]
    assert entry["task"] == "followup.sweep_reports" and entry["task"] in celery_app.tasks
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert tasks.sweep_reports.apply().get() == "queued again 1, failed 0"
        # queued again just now: not stale, not queued twice
        assert tasks.sweep_reports.apply().get() == "queued again 0, failed 0"
    assert len(queued) == 1
    report.refresh_from_db()
    assert report.status == S.QUEUED and report.heartbeat_at > timezone.now() - timezone.timedelta(
        seconds=60
    )
    # what the queued task does, as a worker would
    assert tasks.render_report.apply(args=[report.pk]).get() is True
    report.refresh_from_db()
    assert report.status == S.DONE and report.attempts == 1
    assert _files(media) == [Path(report.file.name).name]


@pytest.mark.django_db  # in a transaction: on_commit callbacks are captured
def test_a_finished_file_appears_under_its_name_only_complete_and_never_replaces_another(
    media, home, owner
):
    report = Report.objects.create(
        kind=Report.Kind.PLEDGE_PUBLIC, object_id=_published(home, 1).pk, requested_by=owner
    )
    report_jobs.save_complete(report.file, "x.pdf", b"%PDF-first")
    first = report.file.name
    report_jobs.save_complete(report.file, "x.pdf", b"%PDF-second")
    assert first == "reports/x.pdf" and report.file.name != first
    assert (media / first).read_bytes() == b"%PDF-first"
    assert (media / report.file.name).read_bytes() == b"%PDF-second"
    assert sorted(p.name for p in (media / "reports").iterdir()) == sorted(_files(media))
