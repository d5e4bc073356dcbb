"""Queueing background work (e-mails, PDF renders) without letting the broker break
the request that asked for it.

``enqueue`` is how app code starts background work: the task is handed to Celery
when the surrounding transaction commits (at once outside one), so a worker never
sees uncommitted rows and a rolled-back change queues nothing. ``queue`` hands a
task to Celery now (a sweep, which needs to know what was queued); when Redis is
down it logs, records the failure for the current request and returns False. The
row the task would act on is already saved and still says "not done" (a
notification without ``emailed_at``, a report still queued), so a periodic sweep
picks it up when Redis is back. ``QueueFailureMiddleware`` tells the user that the
notice will follow.

Only this module calls ``transaction.on_commit``, ``.delay`` or ``.apply_async``
(tests/test_kit_gates_background.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib import messages
from django.db import transaction
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


def enqueue(task, *args, on_failure: Callable[[], object] | None = None) -> None:
    """``queue(task, *args)`` once the surrounding transaction commits (at once outside
    one; never if it rolls back). Never raises into the request: a failure to queue is
    logged and recorded as ``queue`` records it, and then ``on_failure()`` gives back
    whatever claim the caller made for the task (its own failure is logged too)."""

    def send() -> None:
        if not queue(task, *args) and on_failure is not None:
            on_failure()

    transaction.on_commit(send, robust=True)


def after_commit(action: Callable[[], object]) -> None:
    """``action()`` once the surrounding transaction commits (at once outside one; never
    if it rolls back): for what is not a task, such as renewing a cache's generation
    (``pledges.public_cache``). A failure is logged, never raised into the request."""
    transaction.on_commit(action, robust=True)


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
