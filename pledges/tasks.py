"""Celery tasks of the pledges app: the beat's entry, which calls the services.

``send_notification_email``, which the services queue, lives in ``pledges.emails`` (so
no service imports this module) and is imported here, where Celery looks for tasks.
"""

from __future__ import annotations

import logging

from celery import shared_task

from pledges import notifications
from pledges.emails import send_notification_email

__all__ = ["resend_notifications", "send_notification_email"]

log = logging.getLogger(__name__)


@shared_task(name="pledges.resend_notifications")
def resend_notifications() -> int:
    """The beat entry "resend-notifications": e-mails that could not be queued (Redis
    was down) are queued again. Returns how many."""
    queued = notifications.notifications_resend()
    if queued:
        log.info("notifications: %s unsent e-mails queued again", len(queued))
    return len(queued)
