"""Celery tasks of EST: the beat entry that deletes reports past the retention age."""

from __future__ import annotations

import logging

from celery import shared_task

from est import services

log = logging.getLogger(__name__)


@shared_task(name="est.expire_reports")
def expire_reports() -> int:
    """The beat entry "expire-est-reports": reports older than EST_RETENTION_MONTHS are
    deleted, their counts kept in the weekly totals."""
    deleted = services.reports_expire()
    log.info("est: %d reports past the retention age deleted", deleted)
    return deleted
