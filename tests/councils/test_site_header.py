"""The site header, kept rendered per shape (``councils.templatetags.chrome``): each
user's own links, name and counts, each request's own CSRF token, address and search
words, never another's."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from councils.templatetags import chrome
from tests import factories as f

pytestmark = pytest.mark.django_db


def _header(response) -> str:
    body = response.content.decode()
    return body[body.index('<header class="site-header">') : body.index("</header>")]


def _tokens(header: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', header))


def test_each_user_sees_their_own_links_name_and_counts(client_of, owner, liaison, home):
    f.NotificationFactory(user=liaison)
    mine = _header(client_of(owner).get(reverse("my-organisations")))
    theirs = _header(client_of(liaison).get(reverse("my-organisations")))
    assert reverse("review-queue") not in mine and reverse("review-queue") in theirs
    assert f">{owner}<" in mine and f">{liaison}<" in theirs and str(liaison) not in mine
    assert "oläst" not in mine and '<span class="tag tag--review">1<' in theirs
    assert 'aria-current="page">Mina organisationer' in mine


def test_each_request_gets_its_own_token_and_address(client_of, owner, liaison, home):
    first, second = client_of(owner), client_of(liaison)
    url = reverse("municipality-list")
    headers = [_header(client.get(url)) for client in (first, second)]
    tokens = [_tokens(header) for header in headers]
    assert all(len(found) == 1 for found in tokens)  # the logout and language forms' own
    assert tokens[0] != tokens[1]
    assert not any(stand_in in "".join(headers) for stand_in in (chrome.CSRF, chrome.NEXT))
    assert f'name="next" value="{url}"' in headers[0]


@pytest.mark.parametrize("words", ['<b>"hej"&', chrome.QUERY, chrome.CSRF, "x" * 200])
def test_the_words_searched_for_and_the_address_are_escaped(client_of, owner, home, words):
    response = client_of(owner).get(reverse("search"), {"q": words})
    assert response.status_code == 200
    header = _header(response)
    escaped = words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;")
    assert f'name="q" maxlength="200" value="{escaped}"' in header
    assert "<b>" not in header
    assert len(_tokens(header)) == 1 and chrome.CSRF not in _tokens(header)


def test_an_anonymous_reader_gets_a_token_of_their_own_on_a_kept_page(db):
    pages = [_header(Client().get(reverse("public-index"))) for _ in range(2)]
    tokens = [_tokens(page) for page in pages]
    assert all(len(found) == 1 for found in tokens) and tokens[0] != tokens[1]
    assert 'aria-current="page">Medborgarlöften' in pages[0]
