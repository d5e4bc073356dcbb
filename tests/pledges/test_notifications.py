"""Notifications: the right people are told, by e-mail once, and in the app.

E-mails go through the real Celery task. The services queue it when the
transaction commits; in tests that is ``django_capture_on_commit_callbacks``.
Without REDIS_URL the queued task runs eagerly; with REDIS_URL (CI) it goes to
Redis, so the tests also run the task function themselves with ``.apply`` — the
claim on ``emailed_at`` makes sure each notification is sent exactly once either way.
"""

from __future__ import annotations

import io
import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Role
from pledges import notifications, services
from pledges.context_processors import notifications as unread_context
from pledges.models import Notification, Pledge
from pledges.tasks import send_notification_email
from tests import factories as f
from tests.broker import tasks_queued

pytestmark = pytest.mark.django_db
S = Pledge.Status


class FailingBackend(BaseEmailBackend):
    """A real e-mail backend whose SMTP server always refuses."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 try again later")


@pytest.fixture
def second_liaison(police_org):
    user = f.UserFactory(username="second_liaison")
    f.MembershipFactory(user=user, organisation=police_org, role=Role.POLICE_LIAISON)
    return user


@pytest.fixture
def second_coordinator(home_org):
    user = f.UserFactory(username="second_coordinator")
    f.MembershipFactory(user=user, organisation=home_org, role=Role.COORDINATOR)
    return user


def send_all() -> None:
    """Run the e-mail task for every notification, as a worker would."""
    for pk in Notification.objects.values_list("pk", flat=True):
        send_notification_email.apply(args=[pk])


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def submit(owner, pledge, activities, django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            services.pledge_submit(user=owner, pledge=pledge)
        send_all()

    return run


def test_submit_tells_the_liaisons_of_the_municipality_by_e_mail_and_in_the_app(
    submit, owner, colleague, liaison, second_liaison, outsider, pledge
):
    submit()
    told = Notification.objects.filter(kind=Notification.Kind.SUBMITTED)
    assert {n.user for n in told} == {liaison, second_liaison}
    assert recipients() == sorted([liaison.email, second_liaison.email])
    message = mail.outbox[0]
    assert pledge.title in message.subject
    assert reverse("pledge-detail", args=[pledge.pk]) in message.body
    assert all(n.emailed_at is not None and n.email_error == "" for n in told)


def test_changes_requested_and_approved_tell_the_coordinators(
    submit,
    owner,
    second_coordinator,
    colleague,
    liaison,
    pledge,
    django_capture_on_commit_callbacks,
):
    submit()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_request_changes(user=liaison, pledge=pledge, message="Komplettera.")
    send_all()
    sent_back = Notification.objects.filter(kind=Notification.Kind.CHANGES_REQUESTED)
    assert {n.user for n in sent_back} == {owner, second_coordinator}
    assert {n.message for n in sent_back} == {"Komplettera."}
    assert recipients() == sorted([owner.email, second_coordinator.email])
    assert "Komplettera." in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_submit(user=owner, pledge=Pledge.objects.get(pk=pledge.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_approve(user=liaison, pledge=pledge)
    send_all()
    approved = Notification.objects.filter(kind=Notification.Kind.APPROVED)
    assert {n.user for n in approved} == {owner, second_coordinator}
    # the second submit told the liaison again; the reader and the liaison hear nothing else
    assert recipients() == sorted([liaison.email, owner.email, second_coordinator.email])
    assert not Notification.objects.filter(user=colleague).exists()


def test_an_e_mail_is_sent_once(submit, liaison):
    submit()
    assert len(mail.outbox) == 1
    notice = Notification.objects.get(user=liaison)
    emailed_at = notice.emailed_at

    result = send_notification_email.apply(args=[notice.pk])
    assert result.get() is False
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.emailed_at == emailed_at


def test_a_failed_send_leaves_the_notification_unsent_with_the_error(settings, liaison, pledge):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}
    notice = f.NotificationFactory(user=liaison, pledge=pledge)

    # the first attempt gives the claim back and asks Celery to retry later
    with pytest.raises(Retry):
        send_notification_email.apply(args=[notice.pk])
    notice.refresh_from_db()
    assert notice.emailed_at is None
    assert "451 try again later" in notice.email_error

    # the last attempt fails for good, and still leaves the row to be sent again
    last = send_notification_email.apply(
        args=[notice.pk], retries=send_notification_email.max_retries, throw=False
    )
    assert last.failed()
    assert isinstance(last.result, smtplib.SMTPException)
    notice.refresh_from_db()
    assert notice.emailed_at is None
    assert "451 try again later" in notice.email_error
    assert mail.outbox == []

    # the server is back: the same notification is sent now, once
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert send_notification_email.apply(args=[notice.pk]).get() is True
    assert send_notification_email.apply(args=[notice.pk]).get() is False
    assert [m.to for m in mail.outbox] == [[liaison.email]]
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_users_without_an_address_get_only_the_in_app_notice(
    owner, liaison, pledge, activities, django_capture_on_commit_callbacks
):
    liaison.email = ""
    liaison.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.pledge_submit(user=owner, pledge=pledge)
    assert Notification.objects.filter(user=liaison).exists()
    assert tasks_queued(queued) == []
    assert mail.outbox == []


# --- the in-app list -----------------------------------------------------------------


def test_the_list_shows_the_users_notifications_newest_first_and_marks_unread(
    client_of, liaison, owner, pledge
):
    old = f.NotificationFactory(user=liaison, pledge=pledge, message="Äldst")
    read = f.NotificationFactory(user=liaison, pledge=pledge, message="Läst")
    read.read_at = read.created_at
    read.save(update_fields=["read_at"])
    new = f.NotificationFactory(user=liaison, pledge=pledge, message="Nyast")
    f.NotificationFactory(user=owner, pledge=pledge, message="Till samordnaren")

    with CaptureQueriesContext(connection) as queries:
        response = client_of(liaison).get(reverse("notification-list"))
    assert response.status_code == 200
    assert [n for n, _url in response.context["rows"]] == [new, read, old]
    assert response.context["unread"] == 2
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "read_at" in q["sql"]]
    assert len(counts) == 1  # the page's count is the header's
    body = response.content.decode()
    assert "Till samordnaren" not in body
    assert body.index("Nyast") < body.index("Läst") < body.index("Äldst")
    assert body.count("notification--unread") == 2
    # a liaison is taken to the review page
    assert reverse("pledge-review", args=[pledge.pk]) in body


def test_mark_all_as_read(client_of, liaison, owner, pledge):
    mine = [f.NotificationFactory(user=liaison, pledge=pledge) for _ in range(3)]
    theirs = f.NotificationFactory(user=owner, pledge=pledge)
    client = client_of(liaison)
    assert client.get(reverse("notifications-read")).status_code == 405

    response = client.post(reverse("notifications-read"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notification-list")
    assert all(
        n.read_at is not None for n in Notification.objects.filter(pk__in=[m.pk for m in mine])
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notification-list")).context["unread"] == 0


def test_the_unread_count_costs_one_query_and_only_when_shown(rf, liaison, pledge):
    f.NotificationFactory(user=liaison, pledge=pledge)
    f.NotificationFactory(user=liaison, pledge=pledge)
    request = rf.get("/")
    request.user = liaison
    with CaptureQueriesContext(connection) as captured:
        context = unread_context(request)
        assert len(captured) == 0
        assert int(context["unread_notifications"]) == 2
        assert str(context["unread_notifications"]) == "2"
    assert len(captured) == 1
    assert "COUNT" in captured[0]["sql"].upper()


def test_anonymous_users_get_no_count(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert unread_context(request) == {}


def test_the_notification_list_makes_the_same_number_of_queries_at_two_sizes(
    client_of, liaison, owner, home
):
    from tests.queries import assert_constant_queries

    f.NotificationFactory(user=liaison, pledge=f.PledgeFactory(municipality=home))

    def grow():
        for _ in range(10):
            f.NotificationFactory(user=liaison, pledge=f.PledgeFactory(municipality=home))

    assert_constant_queries(client_of(liaison), reverse("notification-list"), grow)


def test_the_header_shows_the_unread_count(settings, client_of, liaison, pledge):
    processor = "pledges.context_processors.notifications"
    engine = settings.TEMPLATES[0]
    if processor not in engine["OPTIONS"]["context_processors"]:
        options = {
            **engine["OPTIONS"],
            "context_processors": [*engine["OPTIONS"]["context_processors"], processor],
        }
        settings.TEMPLATES = [{**engine, "OPTIONS": options}, *settings.TEMPLATES[1:]]
    for _ in range(3):
        f.NotificationFactory(user=liaison, pledge=pledge)

    body = client_of(liaison).get(reverse("home")).content.decode()
    link = body[body.index(f'href="{reverse("notification-list")}"') :]
    assert '<span class="tag tag--review">3<span class="visually-hidden">' in link[:400]

    client_of(liaison).post(reverse("notifications-read"))
    body = client_of(liaison).get(reverse("home")).content.decode()
    assert reverse("notification-list") in body
    assert '<span class="tag tag--review">' not in body


# --- in-app-only notices ----------------------------------------------------------------


def test_a_comment_notice_is_never_e_mailed_by_the_sweep_or_otherwise(
    owner, liaison, pledge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.comment_add(user=owner, pledge=pledge, text="Kan ni förtydliga målet?")
    notice = Notification.objects.get(user=liaison, kind=Notification.Kind.COMMENT)
    assert notice.email is False
    assert tasks_queued(queued) == []

    # beat's sweep, the command an operator runs, and a task queued by hand: nothing
    assert notifications.notifications_resend() == []
    call_command("send_unsent_notifications", stdout=io.StringIO())
    assert send_notification_email.apply(args=[notice.pk]).get() is False
    assert mail.outbox == []
    notice.refresh_from_db()
    assert notice.emailed_at is None


def test_the_sweep_still_sends_what_was_meant_to_be_e_mailed(liaison, pledge):
    meant = f.NotificationFactory(user=liaison, pledge=pledge)
    f.NotificationFactory(user=liaison, pledge=pledge, kind=Notification.Kind.COMMENT, email=False)
    assert notifications.notifications_resend() == [meant.pk]
    send_all()
    assert recipients() == [liaison.email]
