"""Text that would break an e-mail header never stops an e-mail (issue 13).

The titles are stored straight in the database, past the validators, as text saved
before ``councils.validators.single_line`` existed would be: every notification and
digest is still sent, with a one-line subject and no extra header.
"""

from __future__ import annotations

import pytest
from django.core import mail

from councils.mail import MAX_SUBJECT, subject
from followup.digests import send_digest
from followup.models import Reminder
from pledges.emails import send_notification_email
from pledges.models import Notification, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = "Trygg stad\r\nBcc: injected@evil.example"


def _one_line(message) -> None:
    assert "\n" not in message.subject and "\r" not in message.subject
    parsed = message.message()
    assert parsed["Bcc"] is None and "injected@evil.example" not in message.recipients()
    assert message.bcc == []


@pytest.mark.parametrize("kind", Notification.Kind.values)
def test_every_notification_is_sent_with_a_one_line_subject(kind):
    notice = f.NotificationFactory(kind=kind)
    Pledge.objects.filter(pk=notice.pledge_id).update(title=HOSTILE)

    assert send_notification_email.apply(args=[notice.pk]).get() is True

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    _one_line(message)
    assert message.subject.endswith("Trygg stad Bcc: injected@evil.example")
    notice.refresh_from_db()
    assert notice.emailed_at is not None and not notice.email_error


def test_every_digest_kind_is_sent_with_a_one_line_subject():
    digest = f.DigestEmailFactory()
    for kind in Reminder.Kind.values:
        reminder = f.ReminderFactory(kind=kind, user=digest.user)
        Reminder.objects.filter(pk=reminder.pk).update(subject=HOSTILE, text=HOSTILE)
        digest.reminders.add(reminder)

    assert send_digest.apply(args=[digest.pk]).get() is True

    assert len(mail.outbox) == 1
    _one_line(mail.outbox[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HOSTILE, "Trygg stad Bcc: injected@evil.example"),
        ("  a\x00b\x1bc\u2028d\u2029e\x85f\tg\x7fh  ", "a b c d e f g h"),
        ("Åsa Öberg – kl. 14.05", "Åsa Öberg – kl. 14.05"),
    ],
)
def test_the_subject_is_one_trimmed_line(text, expected):
    assert subject(text) == expected


def test_the_subject_is_bounded():
    line = subject("x" * 1000)
    assert len(line) == MAX_SUBJECT and line.endswith("…")
