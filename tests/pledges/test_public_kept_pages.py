"""The residents' pages kept whole for anonymous readers (``pledges.public_cache``):
served from the cache while the published data is unchanged, shown anew once it
changes, each reader with a CSRF token and a CSP nonce of their own, and never a
signed-in user's page kept for anyone."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followup import services as followup_services
from pledges import public_cache
from tests import factories as f
from tests.pledges.public_helpers import published

pytestmark = pytest.mark.django_db

INDEX = reverse("public-index")


def _get(client: Client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_the_index_is_kept_and_shown_anew_when_a_pledge_is_published(home, away):
    published(home, title="Tryggare Hemby")
    _get(Client(), INDEX)
    again, queries = _get(Client(), INDEX)
    assert queries == 0  # the fingerprint is remembered, the page kept
    assert "Tryggare Hemby" in again.content.decode()

    published(away, title="Tryggare Bortby")
    after, _ = _get(Client(), INDEX)
    assert "Tryggare Bortby" in after.content.decode()


def test_each_county_filter_is_kept_apart(home, away):
    published(home, title="Tryggare Hemby")
    published(away, title="Tryggare Bortby")
    code = home.county.code
    mine, _ = _get(Client(), f"{INDEX}?county={code}")
    everything, _ = _get(Client(), INDEX)
    mine_again, queries = _get(Client(), f"{INDEX}?county={code}")
    assert "Tryggare Bortby" in everything.content.decode()
    assert "Tryggare Bortby" not in mine_again.content.decode()
    assert mine_again.content == mine.content.replace(
        _token(mine).encode(), _token(mine_again).encode()
    ).replace(_nonce(mine).encode(), _nonce(mine_again).encode())
    assert queries == 0


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def _nonce(response) -> str:
    return re.search(r'<script [^>]*nonce="([^"]+)"', response.content.decode())[1]


def test_every_reader_gets_a_token_and_a_nonce_of_their_own(home):
    published(home)
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    one, _ = _get(first, INDEX)
    two, queries = _get(second, INDEX)
    assert queries == 0  # the second reader's page was kept

    for response in (one, two):
        text = response.content.decode()
        assert public_cache.CSRF_HOLE not in text
        assert public_cache.NONCE_HOLE not in text
        assert f"'nonce-{_nonce(response)}'" in response["Content-Security-Policy"]
    assert _nonce(one) != _nonce(two)

    # the kept page's language switch works for the second reader, with their own cookie
    switched = second.post(
        reverse("set_language"),
        {"language": "en", "next": INDEX, "csrfmiddlewaretoken": _token(two)},
    )
    assert switched.status_code == 302
    english, _ = _get(second, INDEX)
    assert english["Content-Language"] == "en"
    assert 'lang="en"' in english.content.decode()


def test_a_signed_in_user_is_never_served_the_kept_page_nor_keeps_one(home, owner):
    published(home)
    _get(Client(), INDEX)  # kept
    signed_in = Client()
    signed_in.force_login(owner)
    theirs, _ = _get(signed_in, INDEX)
    assert reverse("logout") in theirs.content.decode()
    assert "no-store" in theirs["Cache-Control"]

    anonymous, _ = _get(Client(), INDEX)
    assert reverse("logout") not in anonymous.content.decode()
    assert owner.username not in anonymous.content.decode()


def test_other_query_strings_are_not_kept(home, django_assert_max_num_queries):
    published(home, title="Tryggare Hemby")
    _get(Client(), f"{INDEX}?utm_source=x")
    response, queries = _get(Client(), f"{INDEX}?utm_source=x")
    assert queries > 0  # made for the reader (a kept page asks none)
    assert "Tryggare Hemby" in response.content.decode()


# --- the pledge page -------------------------------------------------------------------


def _pledge_page(pledge) -> str:
    return reverse("public-pledge", args=[pledge.pk])


def test_the_pledge_page_is_kept_and_shows_a_published_follow_up(home, owner):
    pledge = published(home, title="Tryggare Hemby")
    activity = f.ActivityFactory(pledge=pledge, title="Trygghetsvandring")
    entry = f.FollowUpFactory(activity=activity, done="Hemlig anteckning", published=False)
    _get(Client(), _pledge_page(pledge))
    again, queries = _get(Client(), _pledge_page(pledge))
    assert queries == 0  # the page's version is remembered, the page kept
    assert "Trygghetsvandring" in again.content.decode()
    assert "Hemlig anteckning" not in again.content.decode()

    followup_services.follow_up_publish(user=owner, entry=entry, expected_version=entry.version)
    after, _ = _get(Client(), _pledge_page(pledge))
    assert "Hemlig anteckning" in after.content.decode()


def test_the_pledge_page_shows_the_pledges_own_follow_up_once_published(home):
    pledge = published(home)
    summary = f.PledgeFollowUpFactory(pledge=pledge, summary="Sammanfattning för invånarna")
    assert (
        "Sammanfattning för invånarna"
        not in _get(Client(), _pledge_page(pledge))[0].content.decode()
    )
    summary.published_at = timezone.now()
    summary.save()
    assert (
        "Sammanfattning för invånarna" in _get(Client(), _pledge_page(pledge))[0].content.decode()
    )


def test_the_old_version_says_so_once_a_new_one_is_published(home):
    old = published(home, title="Tryggare Hemby")
    message = "A newer version of this pledge has been published."
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert message not in _get(client, _pledge_page(old))[0].content.decode()

    published(home, title="Tryggare Hemby, version 2", replaces=old)
    assert message in _get(client, _pledge_page(old))[0].content.decode()


def test_an_activity_changed_on_the_published_pledge_shows(home):
    pledge = published(home)
    activity = f.ActivityFactory(pledge=pledge, title="Trygghetsvandring")
    _get(Client(), _pledge_page(pledge))
    activity.title = "Trygghetsvandring i centrum"
    activity.version += 1  # as every service does (councils.concurrency)
    activity.save()
    assert "Trygghetsvandring i centrum" in _get(Client(), _pledge_page(pledge))[0].content.decode()


def test_a_pledge_that_is_not_public_is_404_kept_or_not(home):
    draft = f.PledgeFactory(municipality=home, title="Utkast")
    assert Client().get(_pledge_page(draft)).status_code == 404
