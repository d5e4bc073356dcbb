"""The e-mail of an invitation into a partner organisation, and the task that sends it
(queued by ``councils.partner_services.invitation_create``)."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from councils import dates, mail
from councils.partners import Invitation

log = logging.getLogger(__name__)


def link_for(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation-accept", args=[invitation.token()])


@shared_task(
    name="councils.send_invitation",
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=30,
    max_retries=8,
)
def send_invitation(invitation_id: int) -> bool:
    """Send the invitation's link while it is still open (a withdrawn or used one is not
    sent again by a retry)."""
    invitation = (
        Invitation.objects.select_related("organisation", "municipality", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status_at(dates.now()) != Invitation.Status.OPEN:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "url": link_for(invitation)}
        message = EmailMultiAlternatives(
            subject=mail.subject(
                translation.gettext("Invitation to %(organisation)s in Samverkan")
                % {"organisation": invitation.organisation.name}
            ),
            body=render_to_string("councils/email/invitation.txt", context),
            to=[invitation.email],
        )
        message.send()
    log.info("invitation %s sent", invitation_id)
    return True
