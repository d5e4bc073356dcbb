"""The followers' digest: one e-mail per municipality and day, only public events from
the consent on, nothing before confirmation, never a draft or an internal follow-up;
the unsubscribe headers (RFC 2369, RFC 8058); a real SMTP server; the Atom feed."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from councils import dates
from pledges.models import Pledge
from residents import digests, services
from residents.models import Delivery, Digest, Event, Follower
from tests import factories as f
from tests.residents import helpers
from tests.residents.helpers import link, published
from tests.smtp import smtp_server  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

SECRET = "HEMLIGT-UTKAST"
INTERNAL = "INTERN-UPPFÖLJNING"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _eager():
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def _plant_internal(municipality, pledge) -> None:
    """A draft pledge, an unpublished follow-up of a published pledge, an internal entry."""
    f.PledgeFactory(municipality=municipality, title=SECRET, public_text=SECRET)
    f.PledgeFollowUpFactory(
        pledge=pledge,
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 12, 31),
        summary=INTERNAL,
        published_at=None,
    )
    activity = f.ActivityFactory(pledge=pledge)
    f.FollowUpFactory(activity=activity, done=INTERNAL, published=False)


def _run(capture, day=None):
    with capture(execute=True):
        return digests.run_daily(day)


def test_one_e_mail_per_municipality_and_day_with_only_public_events(
    home, neighbour, outbox, django_capture_on_commit_callbacks
):
    before = published(home, title="Gammalt löfte")  # before the consent: not sent
    Pledge.objects.filter(pk=before.pk).update(published_at=dates.now() - dt.timedelta(days=2))
    anna = helpers.follower(home)
    helpers.follower(neighbour)  # the same address follows a second municipality
    first = published(home, title="Tryggare Hemby 2026")
    second = published(home, title="Tryggare Hemby 2026, version 2", replaces=first)
    f.PledgeFollowUpFactory(pledge=first, summary="Klart", published_at=timezone.now())
    published(neighbour, title="Tryggare Grannby")
    _plant_internal(home, first)
    mail.outbox.clear()

    _run(django_capture_on_commit_callbacks)
    _run(django_capture_on_commit_callbacks)  # the same day again: nothing more
    assert sorted(m.subject for m in outbox) == [
        "Medborgarlöftena i Grannby: 1 nyhet",
        "Medborgarlöftena i Hemby: 3 nyheter",
    ]
    hemby = next(m for m in outbox if "Hemby" in m.subject)
    assert hemby.to == [anna.email]
    assert "Medborgarlöftet ”Tryggare Hemby 2026” har publicerats" in hemby.body
    assert "Ny version av ”Tryggare Hemby 2026, version 2”" in hemby.body
    assert "Uppföljning av ”Tryggare Hemby 2026” för" in hemby.body
    assert f"https://samverkan.example/public/pledges/{second.pk}/" in hemby.body
    for message in outbox:
        assert "Gammalt löfte" not in message.body
        assert SECRET not in message.body and INTERNAL not in message.body
        unsubscribe = "https://samverkan.example" + link(message, "unsubscribe")
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # the next day: only what is new, each event once per follower
    tomorrow = dates.today() + dt.timedelta(days=1)
    f.PledgeFollowUpFactory(
        pledge=second,
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 8, 31),
        published_at=timezone.now(),
    )
    mail.outbox.clear()
    _run(django_capture_on_commit_callbacks, tomorrow)
    assert [m.subject for m in outbox] == ["Medborgarlöftena i Hemby: 1 nyhet"]
    assert Delivery.objects.filter(follower=anna).count() == 4
    assert Digest.objects.filter(follower=anna).count() == 2


def test_nothing_is_sent_before_confirmation_or_after_unsubscription(
    home, outbox, django_capture_on_commit_callbacks
):
    services.ask_to_follow(home, "vantar@example.se")  # never confirmed
    gone = helpers.follower(home, "slutat@example.se")
    services.unsubscribe(gone)
    published(home)
    _run(django_capture_on_commit_callbacks)
    assert outbox == []
    assert Event.objects.count() == 1
    assert not Digest.objects.exists()


def test_an_event_no_longer_public_is_left_out(home, outbox, django_capture_on_commit_callbacks):
    helpers.follower(home)
    pledge = published(home, title="Återkallat")
    kept = published(home, title="Kvar")
    follow_up = f.PledgeFollowUpFactory(pledge=kept, published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False):
        digests.run_daily()  # claimed and recorded; the e-mail not yet sent
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.DRAFT)
    type(follow_up).objects.filter(pk=follow_up.pk).update(published_at=None)
    (digest,) = Digest.objects.all()
    assert digests.send_digest.apply(args=[digest.pk]).get() is True
    (message,) = outbox
    assert "Kvar" in message.body and "Återkallat" not in message.body
    assert "Uppföljning" not in message.body


def test_the_confirmation_and_a_digest_over_real_smtp(
    home,
    smtp_server,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://samverkan.example"
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_to_follow(home, "smtp@example.se")
    ((recipients, raw),) = smtp_server.delivered
    assert recipients == ["smtp@example.se"]
    confirmation = email.message_from_bytes(raw, policy=email.policy.default)
    assert confirmation["Subject"] == "Bekräfta att du vill följa medborgarlöftena i Hemby"
    body = confirmation.get_content()
    assert "https://samverkan.example/public/follow/confirm/" in body
    assert smtp_server.delivered_to() == ["smtp@example.se"]  # nothing else yet

    services.confirm(Follower.objects.get())
    published(home, title="Tryggare Hemby 2026")
    _run(django_capture_on_commit_callbacks)
    assert len(smtp_server.delivered) == 2
    digest = email.message_from_bytes(smtp_server.delivered[1][1], policy=email.policy.default)
    assert digest["Subject"] == "Medborgarlöftena i Hemby: 1 nyhet"
    assert digest["List-Unsubscribe"].startswith(
        "<https://samverkan.example/public/follow/unsubscribe/"
    )
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Tryggare Hemby 2026" in digest.get_content()


def test_an_address_refused_for_good_is_unsubscribed(
    home,
    smtp_server,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    helpers.follower(home, "finns-inte@example.se")
    smtp_server.refuse("finns-inte@example.se", "550 5.1.1 <finns-inte@example.se>: no such user")
    published(home)
    _run(django_capture_on_commit_callbacks)
    row = Follower.objects.get()
    assert row.email == "" and row.unsubscribed_at is not None
    error = Digest.objects.get().error
    assert "550" in error and "finns-inte" not in error


def test_the_atom_feed_lists_the_public_events_only(client, home, away):
    first = published(home, title="Tryggare Hemby 2026")
    published(home, title="Tryggare Hemby 2027", replaces=first)
    f.PledgeFollowUpFactory(pledge=first, summary="Klart", published_at=timezone.now())
    published(away, title="Tryggare Bortby")
    _plant_internal(home, first)
    response = client.get(reverse("resident-feed", args=[home.code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    assert SECRET not in text and INTERNAL not in text and "Bortby" not in text
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed, just made)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Medborgarlöften i Hemby"
    entries = root.findall(f"{ATOM}entry")
    titles = sorted(e.findtext(f"{ATOM}title") for e in entries)
    assert titles == [
        "Medborgarlöftet ”Tryggare Hemby 2026” har publicerats",
        "Ny version av ”Tryggare Hemby 2027”",
        "Uppföljning av ”Tryggare Hemby 2026” för 1 januari 2026 – 30 april 2026",
    ]
    links = {e.find(f"{ATOM}link").get("href") for e in entries}
    assert all("/public/pledges/" in href for href in links)
