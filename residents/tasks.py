"""Celery tasks of the residents app: the beat's entries, and the tasks the services
queue (imported here, where Celery looks for tasks)."""

from __future__ import annotations

import logging

from celery import shared_task

from residents import digests, services
from residents.digests import send_digest
from residents.emails import send_follow_mail

__all__ = ["daily_digests", "forget_unconfirmed", "send_digest", "send_follow_mail"]

log = logging.getLogger(__name__)


@shared_task(name="residents.daily_digests")
def daily_digests() -> str:
    """The beat entry "follower-digests": record the public events, send the digests."""
    report = digests.run_daily()
    log.info("followers: %s", report)
    return report


@shared_task(name="residents.forget_unconfirmed")
def forget_unconfirmed() -> str:
    """The beat entry "forget-unconfirmed-followers": addresses never confirmed go."""
    deleted = services.forget_unconfirmed()
    return f"{deleted} unconfirmed addresses deleted"
