"""`make bench`: seed the national data set and print the benchmark table.

Pages are requested in-process with Django's test client: latency percentiles and
query counts per page. The table is printed and written to bench/results/latest.md.
Later issues add the load test under gunicorn, the PDF render and the reminder job.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from bench.seed_national import BENCH_PLEDGE, REVIEW_MUNICIPALITY, seed  # sets up Django
from councils.models import County, Municipality, Role, User
from followup.models import FollowUp
from pledges.models import Activity, Pledge

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"


def measure(client: Client, url: str) -> dict[str, float]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(captured)
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        reset_queries()
    timings.sort()
    return {
        "queries": queries,
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "rps": 1000 / statistics.mean(timings),
    }


def _url(name: str, *args) -> str | None:
    """The page's URL, or None while its view is not written yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def main() -> None:
    seed()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    vg = County.objects.get(code="14")
    uppsala_municipality = Municipality.objects.get(code="0380")
    uppsala_pledge = Pledge.objects.get(
        municipality=uppsala_municipality,
        title__startswith=BENCH_PLEDGE,
        status=Pledge.Status.PUBLISHED,
    )
    in_review = Pledge.objects.get(
        municipality__code=REVIEW_MUNICIPALITY,
        title__startswith=BENCH_PLEDGE,
        status=Pledge.Status.IN_REVIEW,
    )
    stockholm_police = (
        User.objects.filter(
            username__startswith="police",
            memberships__role=Role.POLICE_LIAISON,
            memberships__organisation__local_police_area__municipalities__code=REVIEW_MUNICIPALITY,
        )
        .order_by("username")
        .first()
    )
    published = Pledge.objects.filter(status=Pledge.Status.PUBLISHED)
    # (label, username or None for an anonymous resident, URL or None if not written yet)
    cases = [
        (
            "start page, county officer (Västra Götaland, 49 municipalities)",
            f"county{vg.code}",
            reverse("home"),
        ),
        ("start page, coordinator", "coord0380", reverse("home")),
        ("municipality list, national reader (290)", "national", reverse("municipality-list")),
        (
            "municipality page, coordinator",
            "coord0380",
            reverse("municipality-detail", args=[uppsala_municipality.code]),
        ),
        ("my organisations, coordinator", "coord0380", reverse("my-organisations")),
        (
            f"public pledge page, anonymous ({uppsala_pledge.activities.count()} activities)",
            None,
            reverse("public-pledge", args=[uppsala_pledge.pk]),
        ),
        (
            f"public index, anonymous ({published.count()} pledges)",
            None,
            reverse("public-index"),
        ),
        (
            "open data: activities CSV, anonymous "
            f"({Activity.objects.filter(pledge__in=published).count()} activities)",
            None,
            reverse("open-data-activities", args=["csv"]),
        ),
        (
            f"pledge editor ({in_review.activities.count()} activities), coordinator",
            f"coord{REVIEW_MUNICIPALITY}",
            _url("pledge-detail", in_review.pk),
        ),
        (
            "review queue, police liaison (Stockholm)",
            stockholm_police.username,
            _url("review-queue"),
        ),
    ]
    rows = []
    notes = []
    for label, username, url in cases:
        if url is None:
            notes.append(f'- skipped "{label}": its URL name does not exist yet.')
            continue
        client = Client()
        if username is not None:
            client.force_login(User.objects.get(username=username))
        rows.append((label, measure(client, url)))

    published_pledge = uppsala_pledge
    follow_up_url = _url("pledge-follow-up", published_pledge.pk)
    if follow_up_url:
        client = Client()
        client.force_login(User.objects.get(username="coord0380"))
        rows.append(
            (
                f"pledge follow-up view ({published_pledge.activities.count()} activities), "
                "coordinator",
                measure(client, follow_up_url),
            )
        )
    job = measure_daily_job()

    header = "| page | queries | p50 ms | p95 ms | req/s (one process) |\n|---|---:|---:|---:|---:|"
    lines = [
        f"| {label} | {m['queries']} | {m['p50']:.1f} | {m['p95']:.1f} | {m['rps']:.0f} |"
        for label, m in rows
    ]
    meta = (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({platform.machine()}, {os.cpu_count()} cores), Python {platform.python_version()}, "
        f"Django {django.get_version()}, database {connection.vendor}, {REPEAT} requests per page."
    )
    job_table = (
        "| daily reminder job | seconds | queries | reminders recorded | e-mails |\n"
        "|---|---:|---:|---:|---:|\n"
        f"| first run | {job['seconds']:.2f} | {job['queries']} | {job['created']} | "
        f"{job['emails']} |\n"
        f"| second run, same day | {job['seconds_again']:.2f} | {job['queries_again']} | "
        f"{job['created_again']} | {job['emails_again']} |"
    )
    volume = (
        f"Data: {Activity.objects.count()} activities, {FollowUp.objects.count()} follow-ups, "
        f"{Pledge.objects.count()} pledges."
    )
    table = "\n".join([header, *lines, "", job_table, "", volume, *(["", *notes] if notes else [])])
    print(table)
    print(meta)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(f"# Benchmarks\n\n{meta}\n\n{table}\n", encoding="utf-8")
    print(f"written to {RESULTS}")


def measure_daily_job() -> dict[str, float]:
    """The daily reminder job on the national data: time, queries, e-mails (sent to
    Django's in-memory mailbox, run eagerly), and a second run that must send nothing."""
    from django.core import mail
    from django.test.utils import override_settings

    from followup.models import Reminder
    from followup.reminders import run_daily

    result = {}
    mailers = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with override_settings(MAILERS=mailers, CELERY_TASK_ALWAYS_EAGER=True):
        from config.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            for suffix in ("", "_again"):
                mail.outbox = []
                before = Reminder.objects.count()
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    run_daily()
                result[f"seconds{suffix}"] = time.perf_counter() - start
                result[f"queries{suffix}"] = len(captured)
                result[f"created{suffix}"] = Reminder.objects.count() - before
                result[f"emails{suffix}"] = len(mail.outbox)
        finally:
            app.conf.task_always_eager = eager
    return result


if __name__ == "__main__":
    main()
