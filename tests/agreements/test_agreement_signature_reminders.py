"""A signature waiting more than 14 days becomes a reminder in the daily digest: an
agreement sent for signature, and an approved pledge, each to whoever still has to
sign. The clock is frozen at the day of sending, then moved to 14 and 15 days after."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from agreements import services
from councils import dates
from followup import reminders as job
from followup.models import Reminder
from pledges.models import Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db
K = Reminder.Kind
#: the day the agreement is sent for signature: 2 March 2026, 10:00 in Stockholm
SENT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture(autouse=True)
def eager(eager_tasks, settings):
    settings.MAILERS = LOCMEM


@pytest.fixture
def sent(draft, owner):
    with time_machine.travel(SENT, tick=False):
        services.agreement_submit_for_signature(user=owner, agreement=draft)
        day = dates.today()
    mail.outbox.clear()  # the notice of sending; the digest is what is tested here
    return day


def run_on(day: dt.date, callbacks):
    moment = dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False), callbacks(execute=True):
        return job.run_daily(dates.today())


def test_an_agreement_waiting_15_days_for_the_police_is_in_the_liaisons_digest(
    sent, draft, owner, liaison, django_capture_on_commit_callbacks
):
    run_on(sent + dt.timedelta(days=14), django_capture_on_commit_callbacks)
    assert not Reminder.objects.filter(kind=K.SIGNATURE_WAITING).exists()

    run_on(sent + dt.timedelta(days=15), django_capture_on_commit_callbacks)
    reminders = Reminder.objects.filter(kind=K.SIGNATURE_WAITING)
    assert {(r.user, r.subject, r.due_date) for r in reminders} == {
        (liaison, f"agreement-signature:{draft.pk}", sent),
        (owner, f"agreement-signature:{draft.pk}", sent),  # neither party has signed
    }
    (digest,) = [m for m in mail.outbox if m.to == [liaison.email]]
    assert draft.title in digest.body
    assert "har väntat på din underskrift sedan 2026-03-02" in digest.body
    assert reverse("agreement-detail", args=[draft.pk]) in digest.body


def test_only_the_party_that_has_not_signed_is_reminded(
    sent, draft, owner, liaison, django_capture_on_commit_callbacks
):
    with time_machine.travel(SENT + dt.timedelta(days=1), tick=False):
        services.agreement_sign(
            user=owner,
            agreement=draft,
            party="municipality",
            name="Anna Ordförande",
            title="KSO",
            signed_on=dates.today(),
        )
    run_on(sent + dt.timedelta(days=15), django_capture_on_commit_callbacks)
    assert list(
        Reminder.objects.filter(kind=K.SIGNATURE_WAITING).values_list("user", flat=True)
    ) == [liaison.pk]


def test_an_approved_pledge_waiting_15_days_for_signatures_is_reminded(
    home, owner, liaison, django_capture_on_commit_callbacks
):
    pledge = f.PledgeFactory(municipality=home, title="Löfte som väntar")
    Pledge.objects.filter(pk=pledge.pk).update(
        status=Pledge.Status.APPROVED, reviewed_at=SENT, police_signed_on=SENT.date()
    )
    run_on(SENT.date() + dt.timedelta(days=15), django_capture_on_commit_callbacks)
    (reminder,) = Reminder.objects.filter(kind=K.SIGNATURE_WAITING)
    assert (reminder.user, reminder.subject) == (owner, f"pledge-signature:{pledge.pk}")
    assert reminder.url == reverse("pledge-detail", args=[pledge.pk])
    assert any("Löfte som väntar" in m.body for m in mail.outbox if m.to == [owner.email])


def test_a_signed_agreement_is_no_longer_reminded(
    sent, draft, owner, liaison, django_capture_on_commit_callbacks
):
    with time_machine.travel(SENT + dt.timedelta(days=2), tick=False):
        for user, party in ((owner, "municipality"), (liaison, "police")):
            services.agreement_sign(
                user=user,
                agreement=draft,
                party=party,
                name="N",
                title="T",
                signed_on=dates.today(),
            )
    run_on(sent + dt.timedelta(days=15), django_capture_on_commit_callbacks)
    assert not Reminder.objects.filter(kind=K.SIGNATURE_WAITING).exists()
