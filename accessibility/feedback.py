"""Feedback on accessibility: a visitor's report is kept and e-mailed to the operator.

``feedback_receive`` stores it and queues ``send_feedback_email`` (``background.enqueue``:
after commit, never breaking the request); the task claims the row (``emailed_at``)
before it sends, so a redelivered task or the sweep (``feedback_resend``, every ten
minutes from beat) never sends one twice, and a failed send gives the claim back and
is retried with backoff.

``throttled(client)`` counts the reports from one client address in the cache:
``LIMIT`` per ``WINDOW`` seconds. While the cache is down (Redis) nothing is counted
and nothing is refused: the form still works.

The operator's address: ``ACCESSIBILITY_FEEDBACK_EMAIL`` (comma-separated), else
``ADMINS``, else ``DEFAULT_FROM_EMAIL``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accessibility.models import Feedback
from councils import addresses, background, mail

log = logging.getLogger(__name__)

#: reports one client may send within WINDOW seconds
LIMIT = 5
WINDOW = 60 * 60
#: how far back the sweep looks for reports never e-mailed
RESEND_DAYS = 14


def recipients() -> list[str]:
    """Where a report is e-mailed."""
    configured = [a for a in getattr(settings, "ACCESSIBILITY_FEEDBACK_EMAIL", []) if a]
    if configured:
        return configured
    admins = [a if isinstance(a, str) else a[1] for a in settings.ADMINS]
    return admins or [settings.DEFAULT_FROM_EMAIL]


def _key(client: str) -> str:
    digest = hashlib.sha256(client.encode("utf-8", "replace")).hexdigest()[:32]
    return f"accessibility-feedback:{digest}"


def throttled(client: str) -> bool:
    """Whether ``client`` has sent LIMIT reports within the window already."""
    return (cache.get(_key(client)) or 0) >= LIMIT


def count(client: str) -> None:
    """Count one report from ``client`` (the window starts at its first)."""
    key = _key(client)
    sent = cache.get(key) or 0
    cache.set(key, sent + 1, WINDOW)


def feedback_receive(*, message: str, page: str = "", email: str = "") -> Feedback:
    """Keep a visitor's report and queue its e-mail to the operator."""
    with transaction.atomic():
        feedback = Feedback.objects.create(message=message, page=page, email=email)
        background.enqueue(send_feedback_email, feedback.pk)
    return feedback


def feedback_resend(*, days: int = RESEND_DAYS) -> list[int]:
    """Queue the e-mail again for every report of the last ``days`` days that was not
    sent (Redis was down, or every retry failed). Returns the ids queued."""
    since = timezone.now() - dt.timedelta(days=days)
    ids = list(
        Feedback.objects.filter(emailed_at__isnull=True, created_at__gte=since)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in ids if background.queue(send_feedback_email, pk)]


def _valid(address: str) -> bool:
    try:
        addresses.require_valid(address)
    except addresses.InvalidAddress:
        return False
    return True


@shared_task(
    name="accessibility.send_feedback_email",
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_feedback_email(self, feedback_id: int) -> bool:
    """E-mail one report to the operator, at most once (the claim on ``emailed_at``)."""
    claimed = Feedback.objects.filter(pk=feedback_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    feedback = Feedback.objects.get(pk=feedback_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "feedback": feedback,
                "url": settings.SITE_URL + reverse("accessibility-statement"),
            }
            reply_to = [feedback.email] if _valid(feedback.email) else []
            EmailMessage(
                subject=mail.subject(
                    translation.gettext("Accessibility feedback: %(start)s")
                    % {"start": feedback.message[:60]}
                ),
                body=render_to_string("accessibility/email/feedback.txt", context),
                to=recipients(),
                reply_to=reply_to,
            ).send()
    except Exception as error:
        log.warning("accessibility feedback %s: e-mail failed: %s", feedback_id, error)
        Feedback.objects.filter(pk=feedback_id).update(
            emailed_at=None, email_error=addresses.described(error)[:1000]
        )
        raise
    Feedback.objects.filter(pk=feedback_id).update(email_error="")
    return True
