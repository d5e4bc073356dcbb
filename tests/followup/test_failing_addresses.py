"""E-mail that fails for good (issue 13): a real SMTP server, started by the test
(``tests.smtp``), refuses a recipient with 5xx or 4xx on command.

A 5xx answer marks the notification or digest failed at once (no retry), records the
address as failing, and stops the sweep and the digests until the address is cleared
or changed; a 4xx answer is retried and delivered when the server recovers.
"""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from celery.exceptions import Retry
from django.urls import reverse

from councils import addresses
from councils.models import Role
from followup import reminders as job
from followup.models import DigestEmail, Reminder
from followup.tasks import send_digest
from pledges import notifications
from pledges.models import Notification
from pledges.tasks import send_notification_email
from tests import factories as f
from tests.smtp import smtp_server  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
MONDAY = dt.date(2026, 3, 2)
NO_SUCH_USER = "550 5.1.1 <liaison@example.se>: no such user"
BUSY = "450 4.2.1 Mailbox busy, try again later"


@pytest.fixture
def notice(liaison, home):
    return f.NotificationFactory(user=liaison, pledge=f.PledgeFactory(municipality=home))


def failed_for_good(smtp_server, liaison, notice) -> None:  # noqa: F811
    smtp_server.refuse(liaison.email, NO_SUCH_USER)
    assert send_notification_email.apply(args=[notice.pk]).get() is False


def test_a_5xx_fails_the_notification_at_once_and_flags_the_address(
    smtp_server,  # noqa: F811
    liaison,
    notice,
):
    # not retried: the first attempt returns (a retry would raise celery's Retry)
    failed_for_good(smtp_server, liaison, notice)
    notice.refresh_from_db()
    assert notice.emailed_at is None
    assert "550 5.1.1" in notice.email_error
    liaison.refresh_from_db()
    assert liaison.email_failing
    assert liaison.email_failed_address == liaison.email
    assert "550 5.1.1" in liaison.email_failure and "no such user" in liaison.email_failure
    assert smtp_server.refused == [(liaison.email, NO_SUCH_USER)]
    assert smtp_server.delivered == []


def test_a_failing_address_gets_nothing_more_until_cleared(
    smtp_server,  # noqa: F811
    liaison,
    notice,
    home,
    django_capture_on_commit_callbacks,
):
    failed_for_good(smtp_server, liaison, notice)
    smtp_server.accept(liaison.email)  # the server would take it now: nothing is sent

    # the sweep leaves it out, a new notice queues nothing, a queued task sends nothing
    assert notifications.notifications_resend() == []
    liaison.refresh_from_db()  # as notify's callers load the people to tell
    with django_capture_on_commit_callbacks(execute=True) as queued:
        (later,) = notifications.notify(
            kind=Notification.Kind.APPROVED,
            pledge=notice.pledge,
            users=[liaison],
            message="Godkänt.",
        )
    assert queued == []
    assert send_notification_email.apply(args=[later.pk]).get() is False
    assert smtp_server.delivered == []
    assert len(smtp_server.refused) == 1

    # the person says the address works: the held notices follow, once each
    addresses.address_cleared(user=liaison)
    assert sorted(notifications.notifications_resend()) == sorted([notice.pk, later.pk])
    assert smtp_server.delivered_to() == [liaison.email, liaison.email]
    assert notifications.notifications_resend() == []


def test_a_4xx_is_retried_and_delivered_when_the_server_recovers(
    smtp_server,  # noqa: F811
    liaison,
    notice,
):
    smtp_server.refuse(liaison.email, BUSY, times=1)
    with pytest.raises(Retry):
        send_notification_email.apply(args=[notice.pk])
    notice.refresh_from_db()
    liaison.refresh_from_db()
    assert notice.emailed_at is None and "450 4.2.1" in notice.email_error
    assert not liaison.email_failing
    assert smtp_server.delivered == []

    # the retry, once the server takes the recipient again
    assert send_notification_email.apply(args=[notice.pk], retries=1).get() is True
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert smtp_server.delivered_to() == [liaison.email]


def test_a_connection_refused_is_retried_and_flags_nothing(settings, liaison, notice):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    with pytest.raises(Retry):
        send_notification_email.apply(args=[notice.pk])
    liaison.refresh_from_db()
    assert not liaison.email_failing


def test_an_invalid_address_fails_at_once_without_a_send(
    smtp_server,  # noqa: F811
    liaison,
    notice,
):
    type(liaison).objects.filter(pk=liaison.pk).update(email="inte en adress@")
    assert send_notification_email.apply(args=[notice.pk]).get() is False
    liaison.refresh_from_db()
    assert liaison.email_failing
    assert smtp_server.delivered == [] and smtp_server.refused == []


def test_what_fails_for_good_and_what_may_pass():
    answer = addresses.permanent(smtplib.SMTPDataError(554, b"5.7.1 Message rejected"))
    assert answer == "554 5.7.1 Message rejected"
    assert addresses.permanent(smtplib.SMTPDataError(451, b"4.3.0 later")) is None
    assert addresses.permanent(smtplib.SMTPSenderRefused(550, b"no", "x@y.se")) is None
    assert addresses.permanent(smtplib.SMTPServerDisconnected("gone")) is None
    assert addresses.permanent(ConnectionRefusedError()) is None


def test_changing_the_address_clears_it(smtp_server, client_of, liaison, notice):  # noqa: F811
    failed_for_good(smtp_server, liaison, notice)
    response = client_of(liaison).post(reverse("account-email"), {"email": "ny@example.se"})
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.email == "ny@example.se" and not liaison.email_failing
    assert liaison.email_failed_address == ""
    assert notifications.notifications_resend() == [notice.pk]
    assert smtp_server.delivered_to() == ["ny@example.se"]


# --- digests -------------------------------------------------------------------------


def test_a_5xx_fails_the_digest_at_once_and_later_digests_wait_for_the_clearing(
    smtp_server,  # noqa: F811
    liaison,
    home,
):
    smtp_server.refuse(liaison.email, NO_SUCH_USER)
    f.ReminderFactory(user=liaison, municipality=home, due_date=MONDAY)
    (digest_id,) = job.send_due(MONDAY)
    assert send_digest.apply(args=[digest_id]).get() is False  # no Retry: not retried
    reminder = Reminder.objects.get(user=liaison)
    assert reminder.failed and "550 5.1.1" in reminder.send_error
    assert "550 5.1.1" in DigestEmail.objects.get(pk=digest_id).error
    liaison.refresh_from_db()
    assert liaison.email_failing
    assert len(smtp_server.refused) == 1

    # the next days: new reminders wait, and no digest is claimed or queued again
    smtp_server.accept(liaison.email)
    f.ReminderFactory(user=liaison, municipality=home, due_date=MONDAY + dt.timedelta(days=9))
    tuesday = MONDAY + dt.timedelta(days=1)
    assert job.send_due(tuesday) == []
    assert job.requeue_stale(tuesday) == []
    assert send_digest.apply(args=[digest_id]).get() is False
    assert smtp_server.delivered == []

    # cleared: the waiting reminder goes out in the next digest
    addresses.address_cleared(user=liaison)
    (next_digest,) = job.send_due(tuesday)
    assert send_digest.apply(args=[next_digest]).get() is True
    assert smtp_server.delivered_to() == [liaison.email]


def test_a_4xx_digest_is_retried_and_delivered(smtp_server, liaison, home):  # noqa: F811
    smtp_server.refuse(liaison.email, BUSY, times=1)
    f.ReminderFactory(user=liaison, municipality=home, due_date=MONDAY)
    (digest_id,) = job.send_due(MONDAY)
    with pytest.raises(Retry):
        send_digest.apply(args=[digest_id])
    assert not Reminder.objects.get(user=liaison).failed
    assert send_digest.apply(args=[digest_id], retries=1).get() is True
    assert smtp_server.delivered_to() == [liaison.email]


# --- the pages -------------------------------------------------------------------------


def test_the_account_page_shows_the_failing_address_and_takes_the_clearing(
    smtp_server,  # noqa: F811
    client_of,
    liaison,
    notice,
):
    failed_for_good(smtp_server, liaison, notice)
    client = client_of(liaison)
    page = client.get(reverse("my-organisations")).content.decode()
    assert liaison.email in page and "no such user" in page
    assert reverse("account-email") in page

    page = client.get(reverse("account-email")).content.decode()
    assert "no such user" in page and reverse("account-email-works") in page
    assert client.get(reverse("account-email-works")).status_code == 405

    response = client.post(reverse("account-email-works"))
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert not liaison.email_failing
    assert "no such user" not in client.get(reverse("my-organisations")).content.decode()


def test_an_invalid_new_address_is_refused_on_the_form(client_of, liaison):
    response = client_of(liaison).post(reverse("account-email"), {"email": "inte en adress"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    liaison.refresh_from_db()
    assert liaison.email != "inte en adress"


def test_the_organisation_admin_sees_a_members_failing_address(client_of, home_org, owner):
    owner.email_failed_address = owner.email
    owner.email_failure = "550 5.1.1 mailbox unavailable"
    owner.save()
    admin = f.UserFactory(username="org_admin")
    f.MembershipFactory(user=admin, organisation=home_org, role=Role.ORG_ADMIN)
    url = reverse("organisation-detail", args=[home_org.pk])
    assert "550 5.1.1 mailbox unavailable" in client_of(admin).get(url).content.decode()
    reader = f.UserFactory(username="reader")
    f.MembershipFactory(user=reader, organisation=home_org, role=Role.READER)
    assert "550 5.1.1" not in client_of(reader).get(url).content.decode()
