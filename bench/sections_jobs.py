"""The jobs' sections: the daily reminder job, EST's retention job and the county
summary PDF, each run in the bench's own process on the national data."""

from __future__ import annotations

import time

from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from bench import load
from bench.core import Bench, Row

#: issue 16's target: WeasyPrint's time over Chromium's for the same HTML
PDF_RATIO = 2.0
#: the county summary printed again after one municipality changed, over Chromium's cold
PDF_AGAIN_RATIO = 1.0


def section_daily_job(bench: Bench) -> list[Row]:
    """The daily reminder job on the national data: time, queries, e-mails (sent to
    Django's in-memory mailbox, run eagerly), and a second run that must send nothing.
    The bench's own database forgets the reminders of earlier runs first, so the first
    run does a fresh day's work however often the bench runs."""
    from django.core import mail
    from django.test.utils import override_settings

    from config.celery import app
    from followup.models import DigestEmail, Reminder
    from followup.reminders import run_daily

    DigestEmail.objects.all().delete()
    Reminder.objects.all().delete()

    rows = []
    mailers = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with override_settings(MAILERS=mailers, CELERY_TASK_ALWAYS_EAGER=True):
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            for label in ("daily reminder job, first run", "daily reminder job, again same day"):
                mail.outbox = []
                before = Reminder.objects.count()
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    run_daily()
                seconds = time.perf_counter() - start
                created = Reminder.objects.count() - before
                rows.append(
                    Row(
                        label,
                        queries_national=len(captured),
                        note=f"{seconds:.2f} s; {created} reminders recorded; "
                        f"{len(mail.outbox)} e-mails",
                    )
                )
        finally:
            app.conf.task_always_eager = eager
    return rows


def section_pdf(bench: Bench) -> list[Row]:
    """The county summary PDF of Västra Götaland: WeasyPrint as the report task prints
    it, cold and again after one municipality changed, against Chromium's print-to-PDF
    of the whole summary's HTML, each in its own process (bench/pdf.py): time, peak
    memory, pages."""
    from bench import pdf
    from councils import dates

    load.ensure_program(
        pdf.CHROMIUM,
        "chromium",
        "install Chromium (`sudo apt-get install chromium`) or set BENCH_CHROMIUM",
    )
    result = pdf.measure(dates.today().year)
    bench.summaries.append(
        f"County summary PDF: the HTML ({result['html_kb']:.0f} kB) was built in "
        f"{result['html_seconds']:.2f} s for Chromium; WeasyPrint printed it as the report "
        "task does, from parts laid out once each (its time includes making their HTML); "
        "each printer ran in its own process with the same fonts; Chromium's time is the "
        f"median of {pdf.CHROMIUM_PRINTS} prints; peak memory is the process's maximum "
        "resident set size."
    )
    rows = [Row(label, note=note) for label, note in pdf.rows(result)]
    if result["ratio"] is not None:
        rows[0].target = f"≤ {PDF_RATIO:.1f} × Chromium"
        rows[0].met = result["ratio"] <= PDF_RATIO
        rows[1].target = f"≤ {PDF_AGAIN_RATIO:.1f} × Chromium"
        rows[1].met = result["again_ratio"] <= PDF_AGAIN_RATIO
    return rows


def section_retention(bench: Bench) -> list[Row]:
    """EST's retention task (the beat entry) run at national size, twice: reports older
    than EST_RETENTION_MONTHS are deleted with their history, their counts kept in the
    weekly totals; the second run finds nothing. The reports of the days before the
    cutoff that an earlier bench run deleted are put back first (bench/seed_est.py)."""
    from django.conf import settings

    from bench.seed_est import ensure_expiring
    from est.models import Report, WeeklyTotal
    from est.services import retention_cutoff
    from est.tasks import expire_reports

    ensure_expiring(print)
    cutoff = retention_cutoff()
    expiring = Report.objects.filter(occurred_on__lt=cutoff).count()
    counted = WeeklyTotal.objects.aggregate(n=Sum("count"))["n"] or 0
    rows = []
    for label in ("EST retention job, first run", "EST retention job, again"):
        start = time.perf_counter()
        # counted, not captured: Django's query log keeps only the last 9 000
        queries = [0]

        def count(execute, sql, params, many, context, queries=queries):
            queries[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            deleted = expire_reports()
        seconds = time.perf_counter() - start
        rows.append(
            Row(
                label,
                queries_national=queries[0],
                note=f"{seconds:.2f} s; {deleted} reports deleted",
            )
        )
    left = Report.objects.count()
    kept = WeeklyTotal.objects.aggregate(n=Sum("count"))["n"] or 0
    rows[0].note += (
        f" (of {expiring} older than {cutoff.isoformat()}, {settings.EST_RETENTION_MONTHS} "
        f"months); {left} reports left; weekly totals count {kept} incidents before and "
        + ("after alike" if kept == counted else f"**{counted} before**")
    )
    return rows
