"""The accessibility feedback form (issue 21): no login, each report kept and e-mailed
to the operator once (over a real SMTP server), the sender's address as Reply-To, a
Swedish confirmation, at most ``feedback.LIMIT`` reports per client and hour, hostile
entries answered in Swedish, never a server error; a report whose e-mail could not be
queued is sent by the sweep."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
import time_machine
from django.core import mail

from accessibility import feedback, tasks
from accessibility.models import Feedback
from tests.smtp import smtp_server  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
URL = "/accessibility/"
OPERATOR = "tillganglighet@example.se"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """``post(data, **extra)``: the form sent; what the request queues on commit runs
    when it returns (as in production: the test's transaction never commits)."""

    def send(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data, **extra)

    return send


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def operator(settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = [OPERATOR]


def _report(**changes) -> dict:
    return {
        "message": "Knappen Skicka går inte att nå med tangentbordet.",
        "page": "/public/pledges/",
        "email": "besokare@example.se",
        **changes,
    }


def test_a_report_is_kept_and_mailed_to_the_operator(client, post, operator, smtp_server):  # noqa: F811
    assert post(_report())["Location"] == "/accessibility/#feedback-heading"
    response = client.get(URL)

    assert response.status_code == 200
    assert "Tack! Vi har tagit emot din synpunkt" in response.content.decode()
    stored = Feedback.objects.get()
    assert stored.message == "Knappen Skicka går inte att nå med tangentbordet."
    assert stored.page == "/public/pledges/" and stored.email == "besokare@example.se"
    assert stored.emailed_at is not None and stored.email_error == ""
    assert smtp_server.delivered_to() == [OPERATOR]
    message = message_from_bytes(smtp_server.delivered[0][1])
    assert str(make_header(decode_header(message["Subject"]))).startswith(
        "Synpunkt på tillgängligheten: Knappen Skicka"
    )
    assert message["Reply-To"] == "besokare@example.se"
    body = message.get_payload(decode=True).decode()
    assert "Knappen Skicka går inte att nå med tangentbordet." in body
    assert "/public/pledges/" in body and "/accessibility/" in body
    # sent once: the claim holds against a second run of the task
    assert feedback.send_feedback_email.apply(args=[stored.pk]).get() is False
    assert len(smtp_server.delivered) == 1


def test_without_a_setting_the_admins_then_the_sender_get_it(post, settings, outbox):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = []
    settings.ADMINS = ["forvaltare@example.se"]
    assert post(_report(email="")).status_code == 302
    assert outbox[-1].to == ["forvaltare@example.se"] and outbox[-1].reply_to == []
    settings.ADMINS = []
    assert feedback.recipients() == [settings.DEFAULT_FROM_EMAIL]


def test_reports_are_throttled_per_client(post, operator, outbox, settings):
    # the window is measured by the cache's clock: an in-memory cache follows the test's
    # moved clock (Redis keeps real time)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "feedback-throttle",
        }
    }
    for n in range(feedback.LIMIT):
        assert post(_report(message=f"Problem {n}")).status_code == 302
    refused = post(_report(message="Ett till problem"))

    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Du har skickat flera meddelanden på kort tid" in body
    assert "Ett till problem</textarea>" in body, "what they wrote is kept"
    assert Feedback.objects.count() == feedback.LIMIT == len(outbox)
    # another client is not held back, and an hour later this one may send again
    other = post(_report(message="Från en annan"), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302
    with time_machine.travel(NOW + dt.timedelta(hours=1, minutes=1), tick=False):
        assert not feedback.throttled("127.0.0.1")


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ({"message": ""}, "Skriv vad som inte fungerade."),
        ({"message": "   \x00  "}, "Null"),
        ({"message": "x" * 5001}, "5000"),
        ({"email": "inte en adress"}, "e-postadress"),
        ({"page": "rad ett\nrad två"}, "radbrytning"),
        ({"page": "p" * 501}, "500"),
    ],
)
def test_hostile_entries_get_a_swedish_error(post, operator, outbox, entry, error):
    response = post(_report(**entry))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Det finns ett problem" in body and error in body
    assert not Feedback.objects.exists() and not outbox


def test_markup_is_kept_as_text_and_other_methods_refused(client, post, operator, outbox):
    script = "<script>alert(1)</script> =HYPERLINK(1)"
    assert post(_report(message=script)).status_code == 302
    assert Feedback.objects.get().message == script
    assert script in outbox[0].body  # plain text: nothing runs in a text e-mail
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_a_report_whose_mail_cannot_be_queued_is_kept_and_sent_by_the_sweep(
    post, operator, outbox, monkeypatch
):
    def broker_down(*args):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(feedback.send_feedback_email, "delay", broker_down)
    response = post(_report())
    assert response.status_code == 302
    stored = Feedback.objects.get()
    assert stored.emailed_at is None and not outbox

    monkeypatch.undo()
    assert tasks.resend_feedback() == 1
    stored.refresh_from_db()
    assert stored.emailed_at is not None and len(outbox) == 1
    assert tasks.resend_feedback() == 0
