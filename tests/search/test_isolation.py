"""A search never reveals another organisation's draft, nor an internal field.

A unique word is planted in ``home``'s drafts and internal records (a draft pledge and
its activity, a draft agreement, a lägesbild's problem) and in the internal parts of a
published pledge (a review comment, an activity's responsible person). The owner
(INTERNAL) finds the drafts and nothing by the internal fields; the county officer
(READ only on ``home``), the national reader (READ everywhere) and an outsider (another
municipality's coordinator) find nothing at all, on the page and in the selectors.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from search import selectors
from tests.search.secrets import WORD, plant_drafts, plant_internal_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(home, liaison):
    titles = plant_drafts(home)
    plant_internal_fields(home, author=liaison)
    return titles


def _found(user) -> dict[str, list[str]]:
    return {g.kind.key: [h.title for h in g.hits] for g in selectors.search(user, WORD) if g.hits}


def test_the_owner_finds_the_drafts_and_nothing_by_an_internal_field(owner, planted):
    found = _found(owner)
    assert found == {kind: [title] for kind, title in planted.items()}


def test_the_police_liaison_of_the_municipality_finds_the_drafts(liaison, planted):
    assert _found(liaison) == {kind: [title] for kind, title in planted.items()}


@pytest.mark.parametrize("who", ["county_officer", "national_reader", "outsider"])
def test_read_only_users_and_outsiders_find_nothing(request, client_of, planted, who):
    user = request.getfixturevalue(who)
    assert _found(user) == {}
    for kind in ("pledges", "activities", "agreements", "problems"):
        assert selectors.search_kind(user, WORD, kind).total == 0
    response = client_of(user).get(reverse("search"), {"q": WORD})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Inga träffar för" in body
    for title in planted.values():
        assert title not in body
    assert "Handläggare" not in body


def test_a_read_only_user_finds_what_is_published(county_officer, home, planted):
    published = plant_internal_fields(home, author=county_officer, word="Offentligt")
    published.public_text = "Vi lovar Solrosparken en trygghetsvandring i månaden."
    published.save()
    found = _found_for(county_officer, "Solrosparken")
    assert found == {"pledges": [published.title]}


def test_the_residents_search_finds_no_draft_and_no_internal_field(client, planted):
    body = client.get(reverse("public-search"), {"q": WORD}).content.decode()
    assert "Inga träffar för" in body
    for title in planted.values():
        assert title not in body


def _found_for(user, query: str) -> dict[str, list[str]]:
    return {g.kind.key: [h.title for h in g.hits] for g in selectors.search(user, query) if g.hits}
