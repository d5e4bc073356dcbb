"""Celery pointed at a broker of the test's choosing, and waiting for a condition."""

from __future__ import annotations

import time
from contextlib import contextmanager

from config.celery import app as celery_app
from councils.generations import Generation

WAIT = 60  # seconds


def wait_for(condition, seconds: float = WAIT, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting after {seconds} s: {what}")


@contextmanager
def celery_on(broker_url: str):
    """The Celery app sends its tasks to ``broker_url`` (not eagerly), as in production;
    a publish that fails fails at once (no retry loop)."""
    conf = celery_app.conf
    names = (
        "broker_url",
        "task_always_eager",
        "broker_connection_timeout",
        "task_publish_retry_policy",
    )
    saved = {name: conf[name] for name in names}
    conf.update(
        broker_url=broker_url,
        task_always_eager=False,
        broker_connection_timeout=2,
        task_publish_retry_policy={"max_retries": 0},
    )
    celery_app._pool = celery_app.amqp._producer_pool = None
    try:
        yield celery_app
    finally:
        if celery_app._pool is not None:
            celery_app.pool.force_close_all()
        conf.update(saved)
        celery_app._pool = celery_app.amqp._producer_pool = None


def tasks_queued(callbacks: list) -> list:
    """The on_commit callbacks that queue something, without the data's new generations
    that every save of a watched model registers (``councils.generations``)."""
    return [
        callback
        for callback in callbacks
        if not isinstance(getattr(callback, "__self__", None), Generation)
    ]
