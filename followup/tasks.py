"""Celery tasks of the followup app: they take ids, load, and send at most once."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from followup import reminders as job
from followup import report_jobs
from followup.models import DigestEmail, Reminder, Report

log = logging.getLogger(__name__)

#: what the SMTP server or the network may answer for a while; retried with backoff
TRANSIENT = (smtplib.SMTPException, ConnectionError, OSError)
MAX_RETRIES = 5


@shared_task(name="followup.daily_reminders")
def daily_reminders() -> str:
    """The beat entry "daily-reminders": the daily job, in the worker."""
    report = job.run_daily()
    log.info("reminders: %s", report)
    return str(report)


def groups(reminders: list[Reminder]) -> list[tuple[str, list[Reminder]]]:
    """The digest's reminders grouped by kind, in the order of ``Reminder.Kind``."""
    by_kind: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        by_kind.setdefault(reminder.kind, []).append(reminder)
    return [(label, by_kind[value]) for value, label in Reminder.Kind.choices if value in by_kind]


def render(digest: DigestEmail, reminders: list[Reminder]) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": digest.user,
            "day": digest.day,
            "groups": groups(reminders),
            "site_url": settings.SITE_URL,
            "list_url": settings.SITE_URL + reverse("reminder-list"),
            "preferences_url": settings.SITE_URL + reverse("reminder-preferences"),
        }
        message = EmailMultiAlternatives(
            subject=_("Samverkan: %(count)s reminders") % {"count": len(reminders)},
            body=render_to_string("followup/email/digest.txt", context),
            to=[digest.user.email],
        )
        message.attach_alternative(
            render_to_string("followup/email/digest.html", context), "text/html"
        )
    return message


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=settings.REMINDER_RETRY_BACKOFF,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_digest(self, digest_id: int) -> bool:
    """Send one digest e-mail, at most once.

    The digest is claimed with a conditional UPDATE (sent_at IS NULL → now) before
    the send, so two workers or a redelivered task send nothing twice. A failed send
    gives the claim back and records the error; the task retries with backoff, and
    after the last attempt the digest's reminders are marked failed (the admin can
    retry them).
    """
    claimed = DigestEmail.objects.filter(pk=digest_id, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    digest = DigestEmail.objects.select_related("user").get(pk=digest_id)
    reminders = list(
        digest.reminders.select_related("municipality").order_by(
            "due_date", "municipality__name", "pk"
        )
    )
    if not reminders or not digest.user.email:
        return False
    try:
        render(digest, reminders).send()
    except Exception as error:
        final = not isinstance(error, TRANSIENT) or self.request.retries >= self.max_retries
        log.warning(
            "digest %s: e-mail failed (attempt %s%s): %s",
            digest_id,
            self.request.retries + 1,
            ", giving up" if final else "",
            error,
        )
        text = str(error)[:1000] or error.__class__.__name__
        with transaction.atomic():
            DigestEmail.objects.filter(pk=digest_id).update(sent_at=None, error=text)
            Reminder.objects.filter(digests=digest_id).update(
                send_attempts=F("send_attempts") + 1, send_error=text, failed=final
            )
        raise
    return True


# --- PDF reports -------------------------------------------------------------------


@shared_task(bind=True, acks_late=True, max_retries=2)
def render_report(self, report_id: int) -> bool:
    """Render one report, at most once at a time.

    The report is claimed with a conditional UPDATE (queued → running, one more
    attempt); a second worker or a redelivered task finds nothing to claim. The PDF
    is rendered in memory, stored under a temporary name and linked to its final
    name only when complete (``report_jobs.save_complete``), and the report marked
    done in the same transaction; any failure marks it failed with the error (the
    page offers a retry). A worker killed meanwhile leaves it running:
    ``report_jobs.recover_stale`` finds it.
    """
    from followup import reports

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
        """Progress is also a sign of life for ``report_jobs.recover_stale``."""
        Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
            progress=percent, heartbeat_at=timezone.now()
        )

    try:
        with translation.override(settings.LANGUAGE_CODE):
            pdf = reports.render(report, progress=progress)
        progress(90)
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.status != Report.Status.RUNNING:
                return False
            report_jobs.save_complete(report.file, reports.filename(report), pdf)
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


@shared_task(name="followup.sweep_reports")
def sweep_reports() -> str:
    """The beat entry "sweep-reports": stalled renders are queued again or failed."""
    recovered = report_jobs.recover_stale()
    if recovered.requeued or recovered.failed:
        log.info("reports: queued again %s, failed %s", recovered.requeued, recovered.failed)
    return f"queued again {len(recovered.requeued)}, failed {len(recovered.failed)}"
