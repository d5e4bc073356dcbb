"""Reminders: the daily job finds, records and e-mails once; preferences; failures.

The e-mail task runs eagerly here (the ``eager`` fixture), whatever REDIS_URL says;
the real worker is in test_reminders_worker.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import zoneinfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import Agreement
from config.celery import app as celery_app
from councils.models import Role
from followup import reminders as job
from followup.models import DigestEmail, Reminder
from followup.tasks import MAX_RETRIES, groups, send_digest
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.broker import celery_on

pytestmark = pytest.mark.django_db
K = Reminder.Kind
MONDAY = dt.date(2026, 3, 2)
TUESDAY = MONDAY + dt.timedelta(days=1)
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class FailingBackend(BaseEmailBackend):
    """A real e-mail backend whose SMTP server always refuses."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 try again later")


@pytest.fixture(autouse=True)
def eager(eager_tasks, settings):
    settings.MAILERS = LOCMEM


@contextlib.contextmanager
def broker_closed():
    """The broker is a closed port: queueing really fails (no mock)."""
    with celery_on("redis://127.0.0.1:1/0"):
        yield


@pytest.fixture
def broker_down():
    with broker_closed():
        yield


def published(municipality, **kwargs) -> Pledge:
    pledge = f.PledgeFactory(municipality=municipality, **kwargs)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.PUBLISHED)
    return pledge


@pytest.fixture
def responsible(home_org):
    user = f.UserFactory(username="responsible")
    f.MembershipFactory(user=user, organisation=home_org, role=Role.READER)
    return user


@pytest.fixture
def world(home, home_org, owner, liaison, responsible):
    """One of every kind of reminder for ``home`` on MONDAY (the deadline moved to March)."""
    pledge = published(home)
    due = f.ActivityFactory(
        pledge=pledge, next_follow_up=MONDAY + dt.timedelta(days=5), responsible_user=responsible
    )
    overdue = f.ActivityFactory(pledge=pledge, next_follow_up=MONDAY - dt.timedelta(days=1))
    f.ActivityFactory(pledge=pledge, next_follow_up=MONDAY + dt.timedelta(days=30))  # not yet
    draft = f.PledgeFactory(municipality=home)
    f.ActivityFactory(pledge=draft, next_follow_up=MONDAY)  # not published
    agreement = f.AgreementFactory(municipality=home, end_date=MONDAY + dt.timedelta(days=60))
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.SIGNED, signed_snapshot={}
    )
    waiting = f.PledgeFactory(municipality=home, title="Väntar på granskning")
    Pledge.objects.filter(pk=waiting.pk).update(
        status=Pledge.Status.IN_REVIEW,
        submitted_at=dt.datetime.combine(MONDAY - dt.timedelta(days=30), dt.time(9), STOCKHOLM),
    )
    f.ReminderSettingsFactory(organisation=home_org, pledge_deadline_month=3)
    return {"due": due, "overdue": overdue, "agreement": agreement, "waiting": waiting}


def kinds_of(user) -> set[str]:
    return set(Reminder.objects.filter(user=user).values_list("kind", flat=True))


def run(today=MONDAY, callbacks=None):
    if callbacks is None:
        return job.run_daily(today)
    with callbacks(execute=True):
        return job.run_daily(today)


# --- finding ------------------------------------------------------------------------


def test_the_job_reminds_the_right_people_of_each_kind(
    world, owner, liaison, responsible, outsider, django_capture_on_commit_callbacks
):
    report = run(callbacks=django_capture_on_commit_callbacks)
    assert kinds_of(owner) == {
        K.FOLLOW_UP_DUE,
        K.FOLLOW_UP_OVERDUE,
        K.AGREEMENT_ENDING,
        K.PLEDGE_MISSING,
    }
    assert kinds_of(responsible) == {K.FOLLOW_UP_DUE}
    assert kinds_of(liaison) == {K.REVIEW_WAITING}
    assert kinds_of(outsider) == set()
    assert report.created == Reminder.objects.count() == 6
    due = Reminder.objects.get(user=owner, kind=K.FOLLOW_UP_DUE)
    assert due.subject == f"activity:{world['due'].pk}"
    assert due.due_date == world["due"].next_follow_up
    assert due.url == reverse("pledge-detail", args=[world["due"].pledge_id]) + (
        f"#activity-{world['due'].pk}"
    )
    missing = Reminder.objects.get(kind=K.PLEDGE_MISSING)
    assert (
        missing.subject
        == f"municipality:{owner.memberships.get().organisation.municipality.code}:2027"
    )
    assert missing.due_date == dt.date(2026, 3, 1)


def test_days_before_is_per_organisation(home, home_org, owner):
    pledge = published(home)
    f.ActivityFactory(pledge=pledge, next_follow_up=MONDAY + dt.timedelta(days=10))
    assert job.find(MONDAY) == []
    f.ReminderSettingsFactory(organisation=home_org, days_before_follow_up=10)
    assert [c.kind for c in job.find(MONDAY)] == [K.FOLLOW_UP_DUE]


def test_a_pledge_for_the_coming_year_ends_the_missing_pledge_reminder(home, home_org, owner):
    november = dt.date(2026, 11, 1)
    assert job.find(november - dt.timedelta(days=1)) == []  # before the default deadline
    assert [c.kind for c in job.find(november)] == [K.PLEDGE_MISSING]
    f.PledgeFactory(
        municipality=home, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31)
    )  # a draft counts: any status
    assert job.find(november) == []


def test_the_deadline_day_31_means_the_last_day_of_a_short_month(home, home_org, owner):
    f.ReminderSettingsFactory(
        organisation=home_org, pledge_deadline_month=2, pledge_deadline_day=31
    )
    assert job.find(dt.date(2027, 2, 27)) == []
    assert [c.due_date for c in job.find(dt.date(2027, 2, 28))] == [dt.date(2027, 2, 28)]
    assert [c.due_date for c in job.find(dt.date(2028, 2, 29))] == [dt.date(2028, 2, 29)]


def test_review_waits_longer_than_14_days_before_a_reminder(home, liaison):
    pledge = f.PledgeFactory(municipality=home)
    submitted = dt.datetime(2026, 2, 15, 23, 30, tzinfo=STOCKHOLM)
    Pledge.objects.filter(pk=pledge.pk).update(
        status=Pledge.Status.IN_REVIEW, submitted_at=submitted
    )
    assert job.find(dt.date(2026, 3, 1)) == []
    found = job.find(dt.date(2026, 3, 2))
    assert [(c.kind, c.user_id, c.due_date) for c in found] == [
        (K.REVIEW_WAITING, liaison.pk, dt.date(2026, 2, 15))
    ]


def test_cancelled_deleted_and_unscheduled_activities_are_left_out(home, owner):
    pledge = published(home)
    f.ActivityFactory(pledge=pledge, next_follow_up=MONDAY, status=Activity.Status.CANCELLED)
    f.ActivityFactory(pledge=pledge, next_follow_up=MONDAY, deleted_at=timezone.now())
    f.ActivityFactory(pledge=pledge, next_follow_up=None)
    assert job.find(MONDAY) == []


# --- exactly once ---------------------------------------------------------------------


def test_a_second_run_creates_and_sends_nothing(
    world, owner, liaison, responsible, django_capture_on_commit_callbacks
):
    first = run(callbacks=django_capture_on_commit_callbacks)
    assert first.digests == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (owner, liaison, responsible)
    )
    second = run(callbacks=django_capture_on_commit_callbacks)
    assert second.created == 0
    assert second.digests == 0
    assert len(mail.outbox) == 3
    # the next day: nothing new, nothing sent
    third = run(TUESDAY, callbacks=django_capture_on_commit_callbacks)
    assert (third.created, third.digests, len(mail.outbox)) == (0, 0, 3)
    assert not Reminder.objects.filter(emailed_at__isnull=True).exists()
    assert DigestEmail.objects.filter(sent_at__isnull=False).count() == 3


def test_at_most_one_digest_a_day_new_reminders_wait_for_tomorrow(
    world, owner, django_capture_on_commit_callbacks
):
    run(callbacks=django_capture_on_commit_callbacks)
    late = f.ReminderFactory(user=owner, due_date=MONDAY)
    assert run(callbacks=django_capture_on_commit_callbacks).digests == 0
    late.refresh_from_db()
    assert late.emailed_at is None
    assert run(TUESDAY, callbacks=django_capture_on_commit_callbacks).digests == 1
    late.refresh_from_db()
    assert late.emailed_at is not None
    assert [m.to for m in mail.outbox].count([owner.email]) == 2


def test_the_task_sends_a_digest_once_even_when_delivered_twice(world, owner):
    job.run_daily(MONDAY)  # callbacks are not run: nothing queued in this test
    digest = DigestEmail.objects.get(user=owner)
    assert send_digest.apply(args=[digest.pk]).get() is True
    assert send_digest.apply(args=[digest.pk]).get() is False
    assert len(mail.outbox) == 1


def test_concurrent_runs_create_and_claim_once(
    world, owner, liaison, responsible, django_capture_on_commit_callbacks
):
    """Two runs whose steps interleave (threads: test_reminders_worker.py)."""
    first, second = job.find(MONDAY), job.find(MONDAY)
    assert job.create_reminders(first) == 6
    assert job.create_reminders(second) == 0
    with django_capture_on_commit_callbacks(execute=True):
        claimed = [job.send_due(MONDAY), job.send_due(MONDAY)]
    assert len(claimed[0]) == 3
    assert claimed[1] == []
    assert len(mail.outbox) == 3


# --- preferences ----------------------------------------------------------------------


def test_weekly_digests_go_on_mondays(world, owner, django_capture_on_commit_callbacks):
    f.ReminderPreferenceFactory(user=owner, frequency="weekly")
    assert run(TUESDAY, callbacks=django_capture_on_commit_callbacks).digests == 2  # not owner
    assert owner.email not in [m.to[0] for m in mail.outbox]
    run(MONDAY + dt.timedelta(days=7), callbacks=django_capture_on_commit_callbacks)
    assert owner.email in [m.to[0] for m in mail.outbox]


def test_muted_kinds_are_not_emailed_but_stay_in_the_list(
    world, owner, client_of, django_capture_on_commit_callbacks
):
    f.ReminderPreferenceFactory(
        user=owner,
        muted_kinds=[K.AGREEMENT_ENDING, K.FOLLOW_UP_DUE, K.FOLLOW_UP_OVERDUE],  # last: mandatory
    )
    run(callbacks=django_capture_on_commit_callbacks)
    (message,) = [m for m in mail.outbox if m.to == [owner.email]]
    assert "löper ut" not in message.body and "ends on" not in message.body
    digest = DigestEmail.objects.get(user=owner)
    assert set(digest.reminders.values_list("kind", flat=True)) == {
        K.FOLLOW_UP_OVERDUE,
        K.PLEDGE_MISSING,
    }
    body = client_of(owner).get(reverse("reminder-list")).content.decode()
    assert world["agreement"].title in body


def test_users_without_an_address_get_only_the_in_app_list(
    world, responsible, django_capture_on_commit_callbacks
):
    responsible.email = ""
    responsible.save(update_fields=["email"])
    run(callbacks=django_capture_on_commit_callbacks)
    assert Reminder.objects.filter(user=responsible).exists()
    assert not DigestEmail.objects.filter(user=responsible).exists()


def test_the_preferences_page_saves_frequency_and_muted_kinds(client_of, owner):
    client = client_of(owner)
    page = client.get(reverse("reminder-preferences"))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'value="{K.AGREEMENT_ENDING}"' in body
    assert f'value="{K.FOLLOW_UP_OVERDUE}"' not in body  # mandatory: no opt-out
    response = client.post(
        reverse("reminder-preferences"),
        {"frequency": "weekly", "muted_kinds": [K.AGREEMENT_ENDING]},
    )
    assert response.status_code == 302
    preference = owner.reminder_preference
    assert (preference.frequency, preference.muted_kinds) == ("weekly", [K.AGREEMENT_ENDING])
    bad = client.post(
        reverse("reminder-preferences"),
        {"frequency": "weekly", "muted_kinds": [K.REVIEW_WAITING]},
    )
    assert bad.status_code == 400
    owner.reminder_preference.refresh_from_db()
    assert owner.reminder_preference.muted_kinds == [K.AGREEMENT_ENDING]


def test_the_list_shows_only_mine_and_marks_read(client_of, owner, outsider, home):
    mine = [f.ReminderFactory(user=owner, municipality=home) for _ in range(2)]
    theirs = f.ReminderFactory(user=outsider, text="Någon annans")
    client = client_of(owner)
    body = client.get(reverse("reminder-list")).content.decode()
    assert mine[0].text in body and theirs.text not in body
    assert client.post(reverse("reminder-list"), {"reminder": theirs.pk}).status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("reminder-list"), {"reminder": mine[0].pk})
    assert Reminder.objects.filter(user=owner, read_at__isnull=True).count() == 1
    client.post(reverse("reminder-list"))
    assert not Reminder.objects.filter(user=owner, read_at__isnull=True).exists()
    assert client.get(reverse("reminder-list")).context["unread"] == 0


# --- the digest ---------------------------------------------------------------------


def test_the_digest_groups_by_kind_with_links_in_swedish(
    world, owner, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://samverkan.example"
    run(callbacks=django_capture_on_commit_callbacks)
    (message,) = [m for m in mail.outbox if m.to == [owner.email]]
    html = message.alternatives[0].content
    link = f"https://samverkan.example{reverse('pledge-detail', args=[world['due'].pledge_id])}"
    assert link in message.body and link in html
    assert "https://samverkan.example" + reverse("reminder-preferences") in message.body
    assert '<html lang="sv">' in html
    digest = DigestEmail.objects.get(user=owner)
    grouped = groups(list(digest.reminders.all()))
    assert [label for label, _items in grouped] == [
        label for value, label in K.choices if value not in (K.REVIEW_WAITING, K.SIGNATURE_WAITING)
    ]
    with translation.override("sv"):
        labels = [str(label) for label, _items in grouped]
    positions = [message.body.find(label.capitalize()) for label in labels]
    assert positions == sorted(positions)


# --- failures -----------------------------------------------------------------------


def test_an_smtp_failure_retries_then_marks_failed_and_the_admin_retries_once(
    world, owner, settings, client_of, superuser, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}
    # run eagerly without propagating, every retry runs at once (as a worker would, later)
    celery_app.conf.task_eager_propagates = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job.run_daily(MONDAY)
    finally:
        celery_app.conf.task_eager_propagates = True
    digest = DigestEmail.objects.get(user=owner)
    assert digest.sent_at is None
    assert digest.attempts == MAX_RETRIES + 1
    assert "451" in digest.error
    failed = Reminder.objects.filter(user=owner)
    assert all(r.failed and r.send_attempts == MAX_RETRIES + 1 for r in failed)
    # the next run does not send them again
    run(TUESDAY, callbacks=django_capture_on_commit_callbacks)
    assert mail.outbox == []

    settings.MAILERS = LOCMEM
    admin = client_of(superuser)
    changelist = reverse("admin:followup_reminder_changelist")
    assert admin.get(changelist + "?failed__exact=1").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            changelist,
            {"action": "retry_sending", "_selected_action": [r.pk for r in failed]},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert not Reminder.objects.filter(user=owner, failed=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            changelist, {"action": "retry_sending", "_selected_action": [r.pk for r in failed]}
        )
        run(TUESDAY + dt.timedelta(days=1))
    assert len(mail.outbox) == 1
    assert admin.get(reverse("admin:followup_digestemail_changelist")).status_code == 200


def test_without_redis_a_failed_send_is_tried_again_by_the_next_run(
    world, owner, settings, django_capture_on_commit_callbacks
):
    """The embedded default runs the task eagerly and propagates: one attempt per run."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}
    run(callbacks=django_capture_on_commit_callbacks)  # the error is logged, not raised
    digest = DigestEmail.objects.get(user=owner)
    assert (digest.sent_at, digest.attempts) == (None, 1)
    assert not Reminder.objects.filter(failed=True).exists()
    settings.MAILERS = LOCMEM
    run(TUESDAY, callbacks=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    digest.refresh_from_db()
    assert digest.sent_at is not None and digest.attempts == 2
    run(TUESDAY + dt.timedelta(days=1), callbacks=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3


def test_a_rolled_back_transaction_queues_nothing(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        job.run_daily(MONDAY)
        raise RuntimeError("something later in the transaction failed")
    assert queued == []
    assert mail.outbox == []
    assert not Reminder.objects.exists()
    assert not DigestEmail.objects.exists()


def test_with_redis_down_the_job_still_runs_and_the_next_run_queues_again(
    world, owner, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = job.run_daily(MONDAY)  # no exception
    assert report.created == 6
    assert not DigestEmail.objects.exists()  # the claims were given back
    assert not Reminder.objects.filter(emailed_at__isnull=False).exists()


def test_with_redis_back_the_same_day_the_reminders_are_sent(
    world, owner, liaison, responsible, django_capture_on_commit_callbacks
):
    with broker_closed(), django_capture_on_commit_callbacks(execute=True):
        job.run_daily(MONDAY)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert job.run_daily(MONDAY).digests == 3
    assert len(mail.outbox) == 3


def test_pages_work_with_redis_down(client_of, owner, broker_down):
    client = client_of(owner)
    assert client.get(reverse("reminder-list")).status_code == 200
    assert client.post(reverse("reminder-preferences"), {"frequency": "daily"}).status_code == 302


# --- the command, the beat ----------------------------------------------------------


def test_the_command_dry_run_lists_and_changes_nothing(world, owner, capsys):
    call_command("send_reminders", "--dry-run", "--date", MONDAY.isoformat())
    out = capsys.readouterr().out
    assert "follow_up_due\towner\t" in out
    assert "digest\towner" in out and "digest\tliaison" in out
    assert "6 new reminders would be recorded; 3 digest e-mails would be queued" in out
    assert not Reminder.objects.exists() and not DigestEmail.objects.exists()


def test_the_command_runs_the_job(world, owner, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", MONDAY.isoformat())
    assert "6 new reminders were recorded; 3 digest e-mails were queued" in capsys.readouterr().out
    assert len(mail.outbox) == 3


def test_beat_runs_the_job_at_six_in_stockholm():
    entry = celery_app.conf.beat_schedule["daily-reminders"]
    assert entry["task"] == "followup.daily_reminders"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}
    assert celery_app.conf.timezone == "Europe/Stockholm"


# --- performance --------------------------------------------------------------------


def _grow(municipality, organisation, n: int) -> None:
    pledge = published(municipality)
    for i in range(n):
        user = f.UserFactory()
        f.MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
        f.ActivityFactory(
            pledge=pledge,
            next_follow_up=MONDAY + dt.timedelta(days=i % 5 - 2),
            responsible_user=user,
        )
    agreement = f.AgreementFactory(municipality=municipality, end_date=MONDAY + dt.timedelta(30))
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.SIGNED, signed_snapshot={}
    )


def _count(today) -> tuple[int, job.Report]:
    with CaptureQueriesContext(connection) as captured:
        report = job.run_daily(today)
    return len(captured), report


def test_the_job_uses_a_fixed_number_of_queries(world, home, home_org, away, away_org):
    small, report = _count(MONDAY)
    assert report.created > 0 and report.digests > 0
    _grow(home, home_org, 3)
    _grow(away, away_org, 12)
    f.ReminderPreferenceFactory(user=f.UserFactory(), frequency="weekly")
    large, report = _count(MONDAY + dt.timedelta(days=1))
    assert report.created > 50 and report.digests > 10
    assert small == large, f"{small} queries at the small size, {large} at the large"
    # two of them find the signatures waiting (agreements, pledges), one the partners'
    # contacts responsible for activities
    assert small <= 23


def test_the_digest_subject_counts_in_swedish_with_singular_and_plural(world, owner, settings):
    from followup import digests

    settings.LANGUAGE_CODE = "sv"
    job.run_daily(MONDAY)  # callbacks are not run: nothing sent, the digest is rendered here
    digest = DigestEmail.objects.get(user=owner)
    reminders = list(digest.reminders.order_by("pk"))
    assert len(reminders) > 1
    assert digests.render(digest, reminders[:1]).subject == "Samverkan: 1 påminnelse"
    assert digests.render(digest, reminders).subject == f"Samverkan: {len(reminders)} påminnelser"
