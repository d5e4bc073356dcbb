"""Following a municipality: the form, double opt-in, unsubscribing (also one-click,
RFC 8058), the links that expire or are tampered with, throttling, and the deletion of
addresses never confirmed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from councils import dates
from residents import services, throttle, tokens
from residents.models import Follower
from tests.hostile.nasty import NASTY, SCRIPT
from tests.residents import helpers
from tests.residents.helpers import link

pytestmark = pytest.mark.django_db

ADDRESS = "Anna.Andersson@example.se"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _follow(client, municipality, address=ADDRESS, **extra):
    return client.post(
        reverse("resident-follow", args=[municipality.code]), {"email": address}, **extra
    )


def test_the_public_pages_offer_to_follow_and_link_the_privacy_text(client, home):
    page = client.get(reverse("public-municipality", args=[home.code]))
    follow_url = reverse("resident-follow", args=[home.code])
    assert follow_url in page.content.decode()
    assert reverse("resident-feed", args=[home.code]) in page.content.decode()
    form = client.get(follow_url)
    assert form.status_code == 200
    text = form.content.decode()
    assert "Följ medborgarlöftena i Hemby" in text
    assert reverse("resident-privacy") in text
    assert 'type="email"' in text
    privacy = client.get(reverse("resident-privacy")).content.decode()
    assert "raderas" in privacy and "samtycke" in privacy


def test_double_opt_in_sends_nothing_but_the_confirmation_until_confirmed(
    client, home, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _follow(client, home)
    assert response.status_code == 302
    assert response["Location"] == reverse("resident-follow-sent", args=[home.code])
    row = Follower.objects.get()
    assert row.email == ADDRESS.lower() and row.confirmed_at is None
    assert [m.to for m in outbox] == [[ADDRESS.lower()]]
    assert outbox[0].subject == "Bekräfta att du vill följa medborgarlöftena i Hemby"
    confirm_url = link(outbox[0], "confirm")

    page = client.get(confirm_url)  # a mail program opening the link confirms nothing
    assert page.status_code == 200
    assert Follower.objects.get().confirmed_at is None
    done = client.post(confirm_url)
    assert done.status_code == 200
    assert "Du följer medborgarlöftena" in done.content.decode()
    first = Follower.objects.get().confirmed_at
    assert first is not None
    client.post(confirm_url)  # twice: the consent keeps its first time
    assert Follower.objects.get().confirmed_at == first


def test_the_answer_is_the_same_whether_or_not_the_address_follows(
    client, home, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = _follow(client, home)
    services.confirm(Follower.objects.get())
    with django_capture_on_commit_callbacks(execute=True):
        again = _follow(client, home, address=f"  {ADDRESS.upper()} ")
    assert (new.status_code, new["Location"]) == (again.status_code, again["Location"])
    sent = client.get(again["Location"]).content.decode()
    assert "följer redan" not in sent
    # one e-mail each time, to the address only: a note, no second follower
    assert [m.to for m in outbox] == [[ADDRESS.lower()], [ADDRESS.lower()]]
    assert "följer redan" in outbox[1].body
    assert Follower.objects.count() == 1
    assert link(outbox[1], "unsubscribe")


def test_an_invalid_address_is_refused_next_to_the_field(client, home):
    response = _follow(client, home, address="inte en adress")
    assert response.status_code == 400
    assert "giltig e-postadress" in response.content.decode()
    assert not Follower.objects.exists()


def test_the_one_click_unsubscribe_needs_no_browser_and_is_idempotent(home, outbox):
    row = helpers.follower(home)
    url = reverse("resident-unsubscribe", args=[tokens.unsubscribe_token(row)])
    mail_program = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token
    for _ in range(2):
        response = mail_program.post(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    row.refresh_from_db()
    assert row.email == "" and row.unsubscribed_at is not None
    assert row.confirmed_at is not None  # the consent's time is kept
    page = mail_program.get(url)
    assert page.status_code == 200
    assert "har raderats" in page.content.decode()


def test_other_posts_still_need_the_csrf_token(home):
    browser = Client(enforce_csrf_checks=True)
    assert _follow(browser, home).status_code == 403


def test_unsubscribing_in_the_browser_asks_first(client, home, outbox):
    row = helpers.follower(home)
    url = reverse("resident-unsubscribe", args=[tokens.unsubscribe_token(row)])
    page = client.get(url)
    assert page.status_code == 200 and "Sluta följa" in page.content.decode()
    assert Follower.objects.get().unsubscribed_at is None


def test_an_expired_confirmation_link_does_not_work(client, home, outbox):
    services.ask_to_follow(home, ADDRESS)
    row = Follower.objects.get()
    url = reverse("resident-confirm", args=[tokens.confirm_token(row)])
    later = dates.now() + dt.timedelta(days=tokens.UNCONFIRMED_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        assert client.get(url).status_code == 400
        assert client.post(url).status_code == 400
    assert Follower.objects.get().confirmed_at is None


@pytest.mark.parametrize("name", ["resident-confirm", "resident-unsubscribe"])
def test_a_tampered_link_does_not_work(client, home, name):
    services.ask_to_follow(home, ADDRESS)
    row = Follower.objects.get()
    token = (tokens.confirm_token if name == "resident-confirm" else tokens.unsubscribe_token)(row)
    other = Follower.objects.create(
        municipality=home, email="bert@example.se", requested_at=dates.now()
    )
    make = tokens.confirm_token if name == "resident-confirm" else tokens.unsubscribe_token
    others = make(other)
    tampered = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        # the other follower's payload under this one's signature
        others.partition(":")[0] + ":" + token.partition(":")[2],
        "junk",
        "x" * 500,
    ]
    for bad in tampered:
        url = reverse(name, args=[bad])
        assert client.get(url).status_code == 400
        assert client.post(url).status_code == 400
    assert Follower.objects.filter(confirmed_at__isnull=False).count() == 0
    assert Follower.objects.filter(unsubscribed_at__isnull=False).count() == 0


def test_a_confirmation_link_fits_only_its_address(client, home):
    services.ask_to_follow(home, ADDRESS)
    row = Follower.objects.get()
    token = tokens.confirm_token(row)
    services.unsubscribe(row)  # the address is gone
    assert client.get(reverse("resident-confirm", args=[token])).status_code == 400


def test_requests_are_throttled_per_address_and_per_client(
    client, home, outbox, django_capture_on_commit_callbacks
):
    limit, _seconds = throttle.PER_ADDRESS
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_follow(client, home).status_code for _ in range(limit + 2)]
    # the same answer for the address throttled: no e-mail beyond the limit
    assert answers == [302] * (limit + 2)
    assert len(outbox) == limit
    client_limit, _seconds = throttle.PER_CLIENT
    for n in range(client_limit - limit - 2):
        assert _follow(client, home, address=f"p{n}@example.se").status_code == 302
    refused = _follow(client, home, address="sist@example.se")
    assert refused.status_code == 429
    assert "försök igen" in refused.content.decode().lower()
    # another client is not held back
    other = _follow(client, home, address="ny@example.se", REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_unconfirmed_addresses_are_deleted_after_seven_days(home, neighbour):
    services.ask_to_follow(home, "old@example.se")
    services.ask_to_follow(home, "new@example.se")
    kept = helpers.follower(neighbour, "kept@example.se")
    Follower.objects.filter(email__in=["old@example.se", "kept@example.se"]).update(
        requested_at=dates.now() - dt.timedelta(days=8)
    )
    assert services.forget_unconfirmed() == 1
    assert services.forget_unconfirmed() == 0  # run twice: nothing more
    assert sorted(Follower.objects.values_list("email", flat=True)) == [
        "kept@example.se",
        "new@example.se",
    ]
    assert kept.confirmed_at is not None


def test_unknown_municipality_answers_404(client):
    assert client.get(reverse("resident-follow", args=["9999"])).status_code == 404
    assert (
        client.post(reverse("resident-follow", args=["9999"]), {"email": "a@b.se"}).status_code
        == 404
    )
    assert client.get(reverse("resident-feed", args=["9999"])).status_code == 404


def test_hostile_entries_are_refused_without_an_error(client, home, outbox):
    for value in (*NASTY, "a@b.se\r\nBcc: x@y.se", "a@b.se\x00", SCRIPT + "@example.se"):
        cache.clear()  # the throttle is tested on its own
        response = _follow(client, home, address=value)
        assert response.status_code in (302, 400), repr(value[:40])
        if response.status_code == 400:
            assert "<script>alert(1)</script>" not in response.content.decode()
    for stored in Follower.objects.values_list("email", flat=True):
        assert "\n" not in stored and "\x00" not in stored and "<" not in stored
    assert all("\n" not in address for m in outbox for address in m.to)


def test_the_command_runs_both_steps(home, outbox):
    services.ask_to_follow(home, "gammal@example.se")
    Follower.objects.update(requested_at=dates.now() - dt.timedelta(days=8))
    out = io.StringIO()
    call_command("send_follower_digests", stdout=out)
    assert out.getvalue().startswith("1 unconfirmed addresses deleted; 0 new public events")
    assert not Follower.objects.exists()
