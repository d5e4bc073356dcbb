"""Redis stopped while the app serves.

Pages work; an action that queues an e-mail still saves its data and tells the user
that the notice will follow; when Redis is back, the sweep (Celery beat's
"resend-notifications", or ``manage.py send_unsent_notifications``) queues it and a
real Celery worker, consuming from that Redis, sends it exactly once.

The test runs its own ``redis-server`` (see conftest) as the broker and the cache,
and stops it; the worker runs in a thread of the test process, so it shares the
test database on SQLite and PostgreSQL alike, and the e-mail outbox.
"""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from pledges import notifications, tasks
from pledges.models import Notification, Pledge
from tests import factories as f
from tests.broker import celery_on, wait_for
from tests.pledges.conftest import activities, pledge, themes  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SAVED_NOTICE = "Din ändring är sparad"


@pytest.fixture
def on_own_redis(own_redis, settings):
    """Broker and cache are the test's own Redis, as REDIS_URL makes them in production."""
    settings.MAILERS = LOCMEM
    settings.CACHES = {
        "default": {
            "BACKEND": "councils.cache.ResilientRedisCache",
            "LOCATION": own_redis.url,
        }
    }
    with celery_on(own_redis.url):
        yield own_redis


def test_with_redis_down_pages_work_and_a_submit_is_saved_and_its_e_mail_follows_once(
    on_own_redis,
    client_of,
    owner,
    liaison,
    pledge,  # noqa: F811
    activities,  # noqa: F811
):
    redis_server = on_own_redis
    redis_server.stop()

    # pages work
    client = client_of(owner)
    for url in (
        reverse("pledge-detail", args=[pledge.pk]),
        reverse("pledge-list", args=[pledge.municipality.code]),
        reverse("public-index"),
        reverse("notification-list"),
    ):
        assert client.get(url).status_code == 200, url

    # the submit is saved, and the user is told the notice will follow
    response = client.post(reverse("pledge-submit", args=[pledge.pk]), follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [response.content.decode()]
    assert any(SAVED_NOTICE in text for text in shown), shown
    assert Pledge.objects.get(pk=pledge.pk).status == Pledge.Status.IN_REVIEW
    notice = Notification.objects.get(kind=Notification.Kind.SUBMITTED)
    assert notice.user == liaison and notice.emailed_at is None
    assert mail.outbox == []

    # the liaison's pages work too, with the notice in the app
    assert client_of(liaison).get(reverse("review-queue")).status_code == 200

    # Redis is back: the sweep queues the e-mail, a real worker sends it
    redis_server.start()
    call_command("send_unsent_notifications")
    assert "resend-notifications" in celery_app.conf.beat_schedule
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        # the task claims the row (emailed_at) before it sends: wait for the e-mail itself
        wait_for(lambda: len(mail.outbox) >= 1, what="the worker to send the notification")
        assert Notification.objects.filter(pk=notice.pk, emailed_at__isnull=False).exists()
        assert [m.to for m in mail.outbox] == [[liaison.email]]
        assert pledge.title in mail.outbox[0].subject
        # the next sweep finds nothing unsent: nothing more is sent
        call_command("send_unsent_notifications")
        time.sleep(1)
    assert len(mail.outbox) == 1


def test_a_request_with_the_queue_working_says_nothing_about_a_notice(
    on_own_redis,
    client_of,
    owner,
    pledge,  # noqa: F811
    activities,  # noqa: F811
):
    """The other side: Redis up, no "will follow" message (the test could fail)."""
    response = client_of(owner).post(reverse("pledge-submit", args=[pledge.pk]), follow=True)
    assert response.status_code == 200
    assert SAVED_NOTICE not in response.content.decode()
    assert Pledge.objects.get(pk=pledge.pk).status == Pledge.Status.IN_REVIEW


@pytest.fixture
def eager(eager_tasks, settings):
    """Tasks run in-process, as without REDIS_URL: the sweep's own effect, alone."""
    settings.MAILERS = LOCMEM


@pytest.mark.django_db
def test_the_sweep_queues_only_recent_unsent_e_mails_of_users_with_an_address(
    eager,
    owner,
    liaison,
    pledge,  # noqa: F811
):
    unsent = f.NotificationFactory(user=liaison, pledge=pledge)
    f.NotificationFactory(user=liaison, pledge=pledge, emailed_at=timezone.now())
    f.NotificationFactory(user=f.UserFactory(email=""), pledge=pledge)
    old = f.NotificationFactory(user=owner, pledge=pledge)
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=notifications.RESEND_DAYS + 1)
    )
    assert tasks.resend_notifications.apply().get() == 1
    assert [m.to for m in mail.outbox] == [[liaison.email]]
    unsent.refresh_from_db()
    assert unsent.emailed_at is not None
    assert tasks.resend_notifications.apply().get() == 0
    assert len(mail.outbox) == 1
