"""The e-mail of an in-app notification, and the task that sends it once (queued by
``pledges.notifications.notify`` and ``notifications_resend``)."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from councils import addresses, mail
from pledges.models import Notification

log = logging.getLogger(__name__)


def document_url(notification: Notification) -> str:
    """The page of the pledge or the agreement the notice is about."""
    if notification.agreement_id:
        return reverse("agreement-detail", args=[notification.agreement_id])
    return reverse("pledge-detail", args=[notification.pledge_id])


@shared_task(
    name="pledges.tasks.send_notification_email",  # its name from before it moved here
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_notification_email(self, notification_id: int) -> bool:
    """Send one notification's e-mail, at most once.

    The row is claimed with a conditional UPDATE (emailed_at IS NULL → now) before
    the send, so two workers or a redelivered task send nothing twice; a failed
    send gives the claim back and the task retries with backoff. A failure for good
    (a 5xx answer, an invalid address) is not retried: the notice keeps the answer
    and the address is recorded as failing (``councils.addresses``), which stops
    every e-mail to it until it is cleared.
    """
    claimed = (
        Notification.objects.filter(
            pk=notification_id, email=True, emailed_at__isnull=True, user__email__gt=""
        )
        .exclude(addresses.failing("user__"))
        .update(emailed_at=timezone.now())
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related(
        "user", "pledge", "pledge__municipality", "agreement", "agreement__municipality"
    ).get(pk=notification_id)
    try:
        addresses.require_valid(notification.user.email)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "notification": notification,
                "url": settings.SITE_URL + document_url(notification),
            }
            kind = notification.get_kind_display().capitalize()
            message = EmailMultiAlternatives(
                subject=mail.subject(f"{kind}: {notification.document.title}"),
                body=render_to_string("pledges/email/notification.txt", context),
                to=[notification.user.email],
            )
            message.attach_alternative(
                render_to_string("pledges/email/notification.html", context), "text/html"
            )
            message.send()
    except Exception as error:
        answer = addresses.for_good(error)
        log.warning(
            "notification %s: e-mail failed%s: %s",
            notification_id,
            " for good" if answer else "",
            error,
        )
        with transaction.atomic():
            Notification.objects.filter(pk=notification_id).update(
                emailed_at=None, email_error=(answer or addresses.described(error))[:1000]
            )
            if answer:
                addresses.address_failed(
                    user_id=notification.user_id, address=notification.user.email, answer=answer
                )
        if answer:
            return False
        raise
    return True
