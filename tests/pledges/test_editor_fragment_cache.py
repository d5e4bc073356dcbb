"""The pledge page keeps its activity table rendered (``pledges.views.rows.rows_digest``):
a save shows at once, no user is served rows made for other rights, each language has
its own, the CSRF tokens in the kept rows are the reader's own, and a kept table costs
no query more than a rendered one.

Each test caches under its own key prefix (tests/conftest.py), so "warm" below means
warmed by the test itself.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from councils import cache as cache_keys
from pledges import public_cache, services
from pledges.models import Pledge
from tests import factories as f
from tests.pledges.test_editor_views import publish, row_data
from tests.queries import built_by_the_orm, count_queries

pytestmark = pytest.mark.django_db

S = Pledge.Status
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def second_coordinator(home_org):
    user = f.UserFactory(username="kollega")
    f.MembershipFactory(user=user, organisation=home_org, role="coordinator")
    return user


def detail(pledge) -> str:
    return reverse("pledge-detail", args=[pledge.pk])


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def signed_in(user, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def kept_rows(response) -> str | None:
    """The activity rows the page kept in the cache, as kept."""
    digest = response.context["rows_digest"]
    return cache.get(make_template_fragment_key("pledge-activity-rows", [digest]))


def rows_of(body: str) -> str:
    return body[body.index('<tbody id="activity-rows">') : body.index("</tbody>")]


def test_the_rows_are_kept_with_a_stand_in_for_the_token(client_of, owner, pledge, activities):
    client = english(client_of(owner))
    response = client.get(detail(pledge))
    kept = kept_rows(response)
    assert kept is not None and "Trygghetsvandring" in kept
    # the kept rows hold no one's token; the page served holds no stand-in
    assert public_cache.CSRF_HOLE in kept
    assert TOKEN.findall(kept) == [public_cache.CSRF_HOLE] * len(TOKEN.findall(kept))
    body = response.content.decode()
    assert public_cache.CSRF_HOLE not in body
    # served from the cache: a changed kept copy shows (and so the table is not rendered)
    cache.set(
        make_template_fragment_key("pledge-activity-rows", [response.context["rows_digest"]]),
        kept.replace("Trygghetsvandring", "Från cachen"),
    )
    assert "Från cachen" in client.get(detail(pledge)).content.decode()


def test_an_activity_edit_shows_on_the_warm_page(client_of, owner, pledge, activities):
    client = english(client_of(owner))
    first = activities[0]
    assert "Trygghetsvandring" in rows_of(client.get(detail(pledge)).content.decode())
    response = client.post(
        reverse("activity-edit", args=[first.pk]), row_data(first, title="Kvällsvandring")
    )
    assert response.status_code == 302
    rows = rows_of(client.get(detail(pledge)).content.decode())
    assert "Kvällsvandring" in rows and "Trygghetsvandring" not in rows


def test_a_change_the_row_shows_but_the_activity_does_not_own_shows(
    client_of, owner, pledge, activities, home
):
    """The theme's title, the problem's: rows show them, and a save there shows too."""
    client = english(client_of(owner))
    client.get(detail(pledge))
    theme = activities[0].themes.get()
    theme.title = "Ett nytt tema"
    theme.save()
    assert "Ett nytt tema" in rows_of(client.get(detail(pledge)).content.decode())


def test_sending_the_pledge_for_review_takes_the_edit_buttons_away(
    client_of, owner, pledge, activities
):
    client = english(client_of(owner))
    edit = reverse("activity-edit", args=[activities[0].pk])
    move = reverse("activity-move", args=[activities[1].pk])
    body = client.get(detail(pledge)).content.decode()
    assert edit in body and move in body
    Pledge.objects.filter(pk=pledge.pk).update(status=S.IN_REVIEW)
    body = client.get(detail(pledge)).content.decode()
    assert edit not in body and move not in body
    Pledge.objects.filter(pk=pledge.pk).update(status=S.CHANGES_REQUESTED)
    body = client.get(detail(pledge)).content.decode()
    assert edit in body and move in body


@pytest.mark.parametrize("reader", ["colleague", "liaison"])
@pytest.mark.parametrize("owner_first", [True, False])
def test_each_user_sees_their_own_buttons_on_a_warm_page(
    request, owner, pledge, activities, reader, owner_first
):
    """A coordinator who may edit and a reader (a colleague, the police liaison) on the
    same pledge, each after the other has warmed the cache."""
    edit = reverse("activity-edit", args=[activities[0].pk])
    history = reverse("record-history", args=["pledges.activity", activities[0].pk])
    owners = signed_in(owner)
    readers = signed_in(request.getfixturevalue(reader))
    order = [owners, readers] if owner_first else [readers, owners]
    bodies = {id(client): client.get(detail(pledge)).content.decode() for client in order}
    assert edit in bodies[id(owners)] and "Move “Föräldravandring” up" in bodies[id(owners)]
    assert edit not in bodies[id(readers)] and "Move “" not in bodies[id(readers)]
    # both read the internal history of the rows
    assert history in bodies[id(owners)] and history in bodies[id(readers)]


def test_a_county_officer_is_not_served_the_coordinators_internal_rows(
    owner, county_officer, pledge, activities, home
):
    """A published pledge: the coordinator's rows name the responsible person and the
    problem (internal), the county officer's do not, whoever opened it first."""
    problem = f.PriorityProblemFactory(
        picture=f.SituationalPictureFactory(municipality=home), title="Internt problem"
    )
    first = activities[0]
    first.responsible_name = "Intern Person"
    first.problem = problem
    first.save()
    publish(pledge)
    owners_rows = rows_of(signed_in(owner).get(detail(pledge)).content.decode())
    assert "Intern Person" in owners_rows and "Internt problem" in owners_rows
    officers_rows = rows_of(signed_in(county_officer).get(detail(pledge)).content.decode())
    assert "Trygghetsvandring" in officers_rows
    assert "Intern Person" not in officers_rows and "Internt problem" not in officers_rows
    history = reverse("record-history", args=["pledges.activity", first.pk])
    assert history not in officers_rows


def test_the_tokens_in_kept_rows_are_the_readers_own(owner, second_coordinator, pledge, activities):
    """Two coordinators with the same rights get the same kept rows, each with their own
    CSRF token (the one the rest of their page carries)."""
    for user in (owner, second_coordinator, owner):
        body = signed_in(user).get(detail(pledge)).content.decode()
        tokens = TOKEN.findall(body)
        in_rows = TOKEN.findall(rows_of(body))
        assert len(in_rows) == 2  # the moves: first down, second up
        secrets = {_unmask_cipher_token(token) for token in tokens}
        assert len(secrets) == 1, "a row carries another session's token"


def test_a_moved_row_posts_with_its_kept_token(owner, pledge, activities):
    warm = signed_in(owner)
    warm.get(detail(pledge))
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    body = client.get(detail(pledge)).content.decode()
    token = TOKEN.findall(rows_of(body))[0]
    move = reverse("activity-move", args=[activities[0].pk])
    response = client.post(move, {"direction": "down", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    order = list(pledge.activities.order_by("order").values_list("pk", flat=True))
    assert order == [activities[1].pk, activities[0].pk]


def test_swedish_and_english_rows_are_kept_apart(owner, pledge, activities):
    english_rows = rows_of(signed_in(owner, "en").get(detail(pledge)).content.decode())
    swedish_rows = rows_of(signed_in(owner, "sv").get(detail(pledge)).content.decode())
    english_again = rows_of(signed_in(owner, "en").get(detail(pledge)).content.decode())
    assert ">Change<" in english_rows and ">Change<" in english_again
    assert ">Ändra<" in swedish_rows and ">Change<" not in swedish_rows
    assert ">Ändra<" not in english_again


def test_a_kept_table_costs_a_query_less(client_of, owner, pledge, activities, themes, liaison):
    """The fingerprint reads the themes' titles; the themes themselves are read only for
    rows that are rendered, not for kept ones."""
    client = client_of(owner)
    services.comment_add(user=liaison, pledge=pledge, text="Förtydliga", activity=activities[0])
    for n in range(10):
        f.ActivityFactory(pledge=pledge, title=f"Aktivitet {n}", responsible_user=owner)
    cold = count_queries(client, detail(pledge))
    warm = count_queries(client, detail(pledge))
    assert warm == cold - 1


def test_a_changed_template_is_not_hidden_behind_kept_rows(
    client_of, owner, pledge, activities, monkeypatch
):
    """A deployed change to the page's template makes new rows (the key names its
    source), rather than serving those rendered by the template before it."""
    client = english(client_of(owner))
    before = client.get(detail(pledge))
    key = make_template_fragment_key("pledge-activity-rows", [before.context["rows_digest"]])
    cache.set(key, cache.get(key).replace("Trygghetsvandring", "Gammal mall"))
    monkeypatch.setattr(cache_keys, "template_version", lambda name: "the next release")
    after = client.get(detail(pledge))
    assert after.context["rows_digest"] != before.context["rows_digest"]
    assert "Gammal mall" not in after.content.decode()


@pytest.mark.parametrize("status", [Pledge.Status.DRAFT, Pledge.Status.IN_REVIEW])
def test_the_warm_editor_and_review_pages_build_no_query_through_the_orm(
    client_of, owner, liaison, pledge, activities, status, monkeypatch
):
    """The editor (kept rows) and the review page read by SQL made once (issue 16); the
    review page's rows read their themes through the ORM's prefetch, and nothing else."""
    Pledge.objects.filter(pk=pledge.pk).update(status=status)
    services.comment_add(user=liaison, pledge=pledge, text="Förtydliga", activity=activities[0])
    assert built_by_the_orm(client_of(owner), detail(pledge), monkeypatch, verbose=True) == []
    if status == Pledge.Status.IN_REVIEW:
        review = reverse("pledge-review", args=[pledge.pk])
        assert built_by_the_orm(client_of(liaison), review, monkeypatch) == ["RegionalTheme"]
