"""Queueing background work (e-mails, PDF renders) without letting the broker break
the request that asked for it.

``queue`` hands a task to Celery; when Redis is down it logs, records the failure
for the current request and returns False. The row the task would act on is
already saved and still says "not done" (a notification without ``emailed_at``, a
report still queued), so a periodic sweep picks it up when Redis is back.
``QueueFailureMiddleware`` tells the user that the notice will follow.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib import messages
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

#: the names of the tasks that could not be queued during the current request
_failures: ContextVar[list[str] | None] = ContextVar("queue_failures", default=None)


def queue(task, *args) -> bool:
    """``task.delay(*args)``; False (and logged, never raised) when it could not be
    queued, or, run eagerly, when it failed."""
    try:
        task.delay(*args)
    except Exception:
        log.exception("could not run %s%s; the next sweep sends it again", task.name, args)
        failures = _failures.get()
        if failures is not None:
            failures.append(task.name)
        return False
    return True


@contextmanager
def watching() -> Iterator[list[str]]:
    """The names of the tasks that fail to be queued inside the block."""
    failures: list[str] = []
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)


class QueueFailureMiddleware:
    """After a request whose background work could not be queued, a message says that
    the change is saved and the notice will follow. Placed after MessageMiddleware,
    so the message is stored with the response (shown on the page redirected to)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with watching() as failures:
            response = self.get_response(request)
        if failures and hasattr(request, "_messages"):
            messages.warning(
                request,
                _(
                    "Your change is saved. The e-mail notice or report could not be started "
                    "just now; it will follow automatically as soon as the background "
                    "service is back."
                ),
            )
        return response
