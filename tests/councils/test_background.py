"""``councils.background.enqueue``: a task is queued when the transaction commits,
never when it rolls back, and a failure to queue never reaches the request."""

from __future__ import annotations

import pytest
from django.db import transaction

from councils import background
from pledges import tasks
from tests.broker import celery_on

pytestmark = pytest.mark.django_db


class Task:
    """A task whose ``delay`` records its arguments, or fails as a down broker does."""

    name = "tests.task"

    def __init__(self, fails: bool = False) -> None:
        self.fails = fails
        self.calls: list[tuple] = []

    def delay(self, *args) -> None:
        if self.fails:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")
        self.calls.append(args)


def test_the_task_is_queued_when_the_transaction_commits_not_before(
    django_capture_on_commit_callbacks,
):
    task = Task()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        background.enqueue(task, 1, 2)
        assert task.calls == []
    assert len(callbacks) == 1
    assert task.calls == [(1, 2)]


def test_a_rolled_back_transaction_queues_nothing(django_capture_on_commit_callbacks):
    task = Task()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        background.enqueue(task, 1)
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert task.calls == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_task_is_queued_at_once():
    task = Task()
    background.enqueue(task, 7)
    assert task.calls == [(7,)]


@pytest.mark.django_db(transaction=True)
def test_a_failure_to_queue_is_recorded_for_the_request_and_given_back_never_raised():
    given_back = []
    with background.watching() as failures:
        background.enqueue(Task(fails=True), 3, on_failure=lambda: given_back.append(3))
    assert failures == ["tests.task"]
    assert given_back == [3]


@pytest.mark.django_db(transaction=True)
def test_on_failure_is_not_called_when_the_task_was_queued():
    given_back = []
    with background.watching() as failures:
        background.enqueue(Task(), 3, on_failure=lambda: given_back.append(3))
    assert failures == []
    assert given_back == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_give_back_is_logged_not_raised(caplog):
    def broken() -> None:
        raise RuntimeError("could not give the claim back")

    background.enqueue(Task(fails=True), 3, on_failure=broken)  # no exception
    assert "could not give the claim back" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_real_task_is_not_queued_and_the_request_goes_on():
    with celery_on("redis://127.0.0.1:1/0"), background.watching() as failures:
        background.enqueue(tasks.send_notification_email, 12345)
    assert failures == [tasks.send_notification_email.name]
