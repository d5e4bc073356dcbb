"""Celery tasks of the followup app: the beat's entries, which call the services.

The tasks the services queue live beside the work they do, so that no service has to
import this module: ``digests.send_digest`` (queued by ``reminders``) and
``report_jobs.render_report``. They are imported here, where Celery looks for tasks.
"""

from __future__ import annotations

import logging

from celery import shared_task

from followup import reminders as job
from followup import report_jobs
from followup.digests import MAX_RETRIES, groups, send_digest
from followup.report_jobs import render_report

__all__ = [
    "MAX_RETRIES",
    "daily_reminders",
    "groups",
    "render_report",
    "send_digest",
    "sweep_reports",
]

log = logging.getLogger(__name__)


@shared_task(name="followup.daily_reminders")
def daily_reminders() -> str:
    """The beat entry "daily-reminders": the daily job, in the worker."""
    report = job.run_daily()
    log.info("reminders: %s", report)
    return str(report)


@shared_task(name="followup.sweep_reports")
def sweep_reports() -> str:
    """The beat entry "sweep-reports": stalled renders are queued again or failed."""
    recovered = report_jobs.recover_stale()
    if recovered.requeued or recovered.failed:
        log.info("reports: queued again %s, failed %s", recovered.requeued, recovered.failed)
    return f"queued again {len(recovered.requeued)}, failed {len(recovered.failed)}"
