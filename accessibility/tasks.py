"""Celery tasks of the accessibility app: the beat's sweep, and the send the service
queues (it lives in ``accessibility.feedback`` and is imported here, where Celery looks)."""

from __future__ import annotations

import logging

from celery import shared_task

from accessibility import feedback
from accessibility.feedback import send_feedback_email

__all__ = ["resend_feedback", "send_feedback_email"]

log = logging.getLogger(__name__)


@shared_task(name="accessibility.resend_feedback")
def resend_feedback() -> int:
    """The beat entry "resend-accessibility-feedback": reports whose e-mail was never
    sent are queued again. Returns how many."""
    queued = feedback.feedback_resend()
    if queued:
        log.info("accessibility feedback: %s unsent e-mails queued again", len(queued))
    return len(queued)
