"""The e-mails of following: the confirmation (or the note that the address already
follows), sent by Celery once the request's transaction commits."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from councils import addresses, mail
from residents import tokens
from residents.models import Follower

log = logging.getLogger(__name__)

TRANSIENT = (smtplib.SMTPException, ConnectionError, OSError)
CONFIRM = "confirm"
ALREADY = "already"


def links(follower: Follower) -> dict[str, str]:
    """The absolute links of a follower's e-mails."""
    return {
        "unsubscribe_url": settings.SITE_URL
        + reverse("resident-unsubscribe", args=[tokens.unsubscribe_token(follower)]),
        "privacy_url": settings.SITE_URL + reverse("resident-privacy"),
        "municipality_url": settings.SITE_URL
        + reverse("public-municipality", args=[follower.municipality.code]),
    }


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: a one-click unsubscribe that mail clients can offer."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def follow_mail(follower: Follower, kind: str) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "municipality": follower.municipality,
            "days": tokens.UNCONFIRMED_DAYS,
            "confirm_url": settings.SITE_URL
            + reverse("resident-confirm", args=[tokens.confirm_token(follower)]),
            **links(follower),
        }
        if kind == ALREADY:
            text = _("You already follow the citizen pledges of %(name)s")
            body = render_to_string("residents/email/already.txt", context)
        else:
            text = _("Confirm that you want to follow the citizen pledges of %(name)s")
            body = render_to_string("residents/email/confirm.txt", context)
        return EmailMessage(
            subject=mail.subject(text % {"name": follower.municipality.name}),
            body=body,
            to=[follower.email],
        )


@shared_task(
    name="residents.send_follow_mail",
    autoretry_for=TRANSIENT,
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=3,
)
def send_follow_mail(follower_pk: int, kind: str) -> bool:
    """Send the confirmation (or the note); nothing for an address gone meanwhile."""
    follower = (
        Follower.objects.filter(pk=follower_pk, unsubscribed_at__isnull=True)
        .exclude(email="")
        .select_related("municipality")
        .first()
    )
    if follower is None:
        return False
    try:
        addresses.require_valid(follower.email)
        follow_mail(follower, kind).send()
    except addresses.InvalidAddress:
        log.warning("follower %s: not a valid address, nothing sent", follower_pk)
        return False
    return True
