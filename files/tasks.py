"""Celery tasks of the files app: beat's daily removal of files nothing points at."""

from __future__ import annotations

from celery import shared_task

from files.cleanup import remove_unreferenced


@shared_task(name="files.remove_unreferenced", acks_late=True)
def remove_unreferenced_files() -> int:
    """Idempotent: a second run (or a redelivery) finds nothing more to remove."""
    return len(remove_unreferenced())
