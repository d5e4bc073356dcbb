"""The reminders' digest e-mail: its content and the task that sends it once
(queued by ``followup.reminders``)."""

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
from django.utils.translation import ngettext

from councils import addresses, mail
from followup.models import DigestEmail, Reminder

log = logging.getLogger(__name__)

#: what the SMTP server or the network may answer for a while; retried with backoff
TRANSIENT = (smtplib.SMTPException, ConnectionError, OSError)
MAX_RETRIES = 5


def groups(reminders: list[Reminder]) -> list[tuple[str, list[Reminder]]]:
    """The digest's reminders grouped by kind, in the order of ``Reminder.Kind``."""
    by_kind: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        by_kind.setdefault(reminder.kind, []).append(reminder)
    return [(label, by_kind[value]) for value, label in Reminder.Kind.choices if value in by_kind]


def render(digest: DigestEmail, reminders: list[Reminder]) -> EmailMultiAlternatives:
    count = len(reminders)
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
            subject=mail.subject(
                ngettext("Samverkan: %(count)s reminder", "Samverkan: %(count)s reminders", count)
                % {"count": count}
            ),
            body=render_to_string("followup/email/digest.txt", context),
            to=[digest.user.email],
        )
        message.attach_alternative(
            render_to_string("followup/email/digest.html", context), "text/html"
        )
    return message


@shared_task(
    name="followup.tasks.send_digest",  # its name from before it moved here
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
    retry them). A failure for good (a 5xx answer, an invalid address) is not retried:
    the reminders are marked failed at once and the address failing
    (``councils.addresses``), so no digest is claimed for it until it is cleared.
    """
    claimed = (
        DigestEmail.objects.filter(pk=digest_id, sent_at__isnull=True)
        .exclude(addresses.failing("user__"))
        .update(sent_at=timezone.now(), attempts=F("attempts") + 1)
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
        addresses.require_valid(digest.user.email)
        render(digest, reminders).send()
    except Exception as error:
        answer = addresses.for_good(error)
        final = (
            bool(answer)
            or not isinstance(error, TRANSIENT)
            or self.request.retries >= self.max_retries
        )
        log.warning(
            "digest %s: e-mail failed (attempt %s%s): %s",
            digest_id,
            self.request.retries + 1,
            ", for good" if answer else ", giving up" if final else "",
            error,
        )
        _failed(digest, (answer or addresses.described(error))[:1000], final, answer)
        if answer:
            return False  # not retried: the address fails until it is cleared
        raise
    return True


def _failed(digest: DigestEmail, text: str, final: bool, answer: str | None) -> None:
    """Give the claim back and record the error on the digest and its reminders (failed
    when ``final``); a failure for good (``answer``) also marks the address failing."""
    with transaction.atomic():
        DigestEmail.objects.filter(pk=digest.pk).update(sent_at=None, error=text)
        Reminder.objects.filter(digests=digest.pk).update(
            send_attempts=F("send_attempts") + 1, send_error=text, failed=final
        )
        if answer:
            addresses.address_failed(
                user_id=digest.user_id, address=digest.user.email, answer=answer
            )
