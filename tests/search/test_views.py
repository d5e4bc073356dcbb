"""The search pages: the signed-in user's search over every kind they may see, grouped
and paged per kind, and the residents' search of published pledges."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from pledges.models import Pledge
from search import selectors
from tests import factories as f
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

WORD = "Kvarteret"


def _published(municipality, **fields) -> Pledge:
    return f.PledgeFactory(
        municipality=municipality,
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def one_of_each(home):
    """A record of every kind in ``home`` with ``WORD`` in a field the search reads."""
    pledge = _published(home, title=f"Tryggt i {WORD}")
    council = f.CouncilFactory(municipality=home, name=f"Trygghetsrådet {WORD}")
    return {
        "agreements": f.AgreementFactory(municipality=home, title=f"Avtal {WORD}"),
        "problems": f.PriorityProblemFactory(
            picture=f.SituationalPictureFactory(municipality=home), title=f"Stök i {WORD}"
        ),
        "pledges": pledge,
        "activities": f.ActivityFactory(pledge=pledge, title=f"Vandring i {WORD}"),
        "councils": council,
        "meetings": f.MeetingFactory(council=council, agenda=f"1. Läget i {WORD}"),
        "indicators": f.IndicatorFactory(name=f"Otrygghet i {WORD}"),
    }


def _search(client, **params):
    return client.get(reverse("search"), params)


def test_the_header_has_a_labelled_search_field(client_of, owner, client):
    client.logout()
    public = client.get(reverse("public-index")).content.decode()
    assert f'action="{reverse("public-search")}"' in public
    assert 'role="search"' in public
    body = client_of(owner).get(reverse("home")).content.decode()
    assert f'action="{reverse("search")}"' in body
    assert '<label for="site-search-q"' in body
    assert 'id="site-search-q" name="q"' in body


def test_the_owner_finds_every_kind_grouped_under_swedish_headings(client_of, owner, one_of_each):
    response = _search(client_of(owner), q=WORD)
    assert response.status_code == 200
    body = response.content.decode()
    for heading in (
        "Samverkansöverenskommelser",
        "Prioriterade problem",
        "Medborgarlöften",
        "Aktiviteter",
        "Råd",
        "Möten",
        "Indikatorer",
    ):
        assert f"{heading} <span" in body, heading
    assert "7 träffar för ”Kvarteret”." in body
    assert reverse("agreement-detail", args=[one_of_each["agreements"].pk]) in body
    activity = one_of_each["activities"]
    assert reverse("pledge-detail", args=[activity.pledge_id]) + f"#activity-{activity.pk}" in body
    assert reverse("meeting-detail", args=[one_of_each["meetings"].pk]) in body
    assert 'role="status"' in body


def test_a_municipality_is_found_by_name_and_by_its_code(client_of, owner, home):
    for query in ("Hemby", home.code):
        groups = {g.kind.key: g for g in selectors.search(owner, query)}
        assert [hit.title for hit in groups["municipalities"].hits] == ["Hemby"], query


def test_no_results_says_so_in_swedish(client_of, owner):
    body = _search(client_of(owner), q="Ingenting sådant").content.decode()
    assert "Inga träffar för" in body
    assert "Ingenting sådant" in body


def test_an_empty_or_multi_line_query_is_refused_at_the_field(client_of, owner):
    client = client_of(owner)
    empty = _search(client, q="   ")
    assert empty.status_code == 400
    assert "Ange vad du söker efter." in empty.content.decode()
    multi_line = _search(client, q="a\r\nb")
    assert multi_line.status_code == 400
    assert "radbrytningar" in multi_line.content.decode()
    assert _search(client, q="a\x00b").status_code == 400  # refused before the view
    assert _search(client, q="x" * 201).status_code == 400
    # no query at all is the empty search page, not an error
    assert _search(client).status_code == 200


def test_the_overview_shows_a_few_per_kind_and_links_to_all_of_a_kind(client_of, owner, home):
    pledge = _published(home, title="Löftet")
    for n in range(selectors.PREVIEW + 2):
        f.ActivityFactory(pledge=pledge, title=f"Cykelpatrull {n}")
    body = _search(client_of(owner), q="Cykelpatrull").content.decode()
    group = next(g for g in selectors.search(owner, "Cykelpatrull") if g.kind.key == "activities")
    assert group.total == selectors.PREVIEW + 2
    assert len(group.hits) == selectors.PREVIEW
    assert "?q=Cykelpatrull&amp;kind=activities" in body
    assert "Visa alla 7 träffar bland aktiviteter" in body


def test_one_kind_is_paged_through_keeping_the_query(client_of, owner, home, settings):
    pledge = _published(home, title="Löftet")
    for n in range(selectors.PER_PAGE + 3):
        f.ActivityFactory(pledge=pledge, title=f"Cykelpatrull {n}")
    client = client_of(owner)
    first = _search(client, q="Cykelpatrull", kind="activities")
    assert first.status_code == 200
    first_body = first.content.decode()
    assert "Sida 1 av 2" in first_body
    assert "?q=Cykelpatrull&amp;kind=activities&amp;page=2" in first_body
    assert first_body.count('<li><a href="/pledges/') == selectors.PER_PAGE
    second = _search(client, q="Cykelpatrull", kind="activities", page="2").content.decode()
    assert second.count('<li><a href="/pledges/') == 3
    assert "Sida 2 av 2" in second
    # a page past the end, or nonsense, answers a page, never an error
    assert _search(client, q="Cykelpatrull", kind="activities", page="99").status_code == 200
    assert _search(client, q="Cykelpatrull", kind="bogus", page="x").status_code == 200


def test_the_search_has_a_fixed_number_of_queries(client_of, owner, home, neighbour):
    client = client_of(owner)
    rounds = iter(range(10))

    def grow():
        round_ = next(rounds)
        for municipality in (home, neighbour):
            pledge = _published(municipality, title=f"{WORD} löfte")
            council = f.CouncilFactory(municipality=municipality, name=f"{WORD} råd {round_}")
            for n in range(6):
                f.ActivityFactory(pledge=pledge, title=f"{WORD} aktivitet {n}")
                f.MeetingFactory(council=council, agenda=f"{WORD} punkt {n}")
                f.AgreementFactory(
                    municipality=municipality,
                    title=f"{WORD} avtal {n}",
                    status=Agreement.Status.DRAFT,
                )
                f.IndicatorFactory(name=f"{WORD} indikator {n}")

    url = reverse("search") + f"?q={WORD}"
    overview = assert_constant_queries(client, url, grow)
    kind = assert_constant_queries(client, url + "&kind=activities", grow)
    assert kind < overview


def test_the_public_search_finds_published_pledges_only(client, home, away):
    published = _published(home, title="Tryggare torg")
    f.ActivityFactory(pledge=published, title="Trygghetsvandring vid torget")
    draft = f.PledgeFactory(municipality=home, title="Tryggare torg, utkast")
    in_review = f.PledgeFactory(
        municipality=away, title="Tryggare torg i Bortby", status=Pledge.Status.IN_REVIEW
    )
    response = client.get(reverse("public-search"), {"q": "torg"})
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("public-pledge", args=[published.pk]) in body
    assert draft.title not in body
    assert in_review.title not in body
    # by its activity and by its municipality's name
    by_activity = client.get(reverse("public-search"), {"q": "Trygghetsvandring"})
    assert reverse("public-pledge", args=[published.pk]) in by_activity.content.decode()
    by_place = client.get(reverse("public-search"), {"q": "Hemby"})
    assert reverse("public-pledge", args=[published.pk]) in by_place.content.decode()
    nothing = client.get(reverse("public-search"), {"q": "Bortby"}).content.decode()
    assert "Inga träffar för" in nothing


def test_a_replaced_pledge_is_not_found_by_residents_its_new_version_is(client, home):
    old = _published(home, title="Parkens löfte")
    new = _published(home, title="Parkens löfte, ny version")
    new.replaces = old
    new.save()
    body = client.get(reverse("public-search"), {"q": "Parkens"}).content.decode()
    assert reverse("public-pledge", args=[new.pk]) in body
    assert reverse("public-pledge", args=[old.pk]) not in body


def test_the_public_search_has_a_fixed_number_of_queries(client, home, neighbour):
    _published(home, title="Tryggare torg")

    def grow():
        for municipality in (home, neighbour):
            for n in range(selectors.PUBLIC_PER_PAGE + 5):
                pledge = _published(municipality, title=f"Tryggare torg {n}")
                f.ActivityFactory(pledge=pledge, title="Torgvandring")

    assert_constant_queries(client, reverse("public-search") + "?q=torg", grow)


def _queries_of(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_residents_search_is_kept_until_a_pledge_or_activity_is_saved(home):
    published = _published(home, title="Tryggare torg")
    url = reverse("public-search") + "?q=Tryggare torg"
    _first, made = _queries_of(Client(), url)
    again, kept = _queries_of(Client(), url)
    assert made > 0
    assert kept == 0  # the page is kept, its version is the generation (one cache read)
    assert reverse("public-pledge", args=[published.pk]) in again

    newer = _published(home, title="Tryggare torget i Hemby")
    after, _ = _queries_of(Client(), url)
    assert reverse("public-pledge", args=[newer.pk]) in after
    activity = f.ActivityFactory(pledge=published, title="Vandring på torget", description="")
    by_activity, _ = _queries_of(Client(), reverse("public-search") + "?q=Vandring")
    assert reverse("public-pledge", args=[published.pk]) in by_activity
    activity.title = "Promenad på torget"
    activity.version += 1  # as every service does (councils.concurrency)
    activity.save()
    gone, _ = _queries_of(Client(), reverse("public-search") + "?q=Vandring")
    assert "Inga träffar för" in gone


def test_swedish_words_are_kept_and_a_signed_in_reader_gets_a_page_of_their_own(
    home, client_of, owner
):
    _published(home, title="Trygghet på Sköndalstorget")
    url = reverse("public-search") + "?q=Sköndal"
    _queries_of(Client(), url)
    body, kept = _queries_of(Client(), url)
    assert kept == 0
    assert "Sköndalstorget" in body
    _body, made = _queries_of(client_of(owner), url)
    assert made > 0


def test_a_refused_query_is_400_and_not_kept(db):
    for _ in range(2):
        assert Client().get(reverse("public-search") + "?q=").status_code == 400


def test_a_search_is_planned_for_its_words_not_prepared(client_of, owner, one_of_each):
    """PostgreSQL keeps one plan for any values of a prepared query; a search's plan
    depends on its words (``councils.prepared.planned_for_their_values``), so however
    often it runs, no search query is prepared. The page's other queries are."""
    client = client_of(owner)
    for _ in range(7):
        response = _search(client, q="Trygghet")
        assert response.status_code == 200
    for _ in range(7):
        assert selectors.public_search("Trygghet")[1].number == 1
    if connection.vendor != "postgresql":  # the SQLite default prepares nothing
        assert "server_side_binding" not in connection.settings_dict["OPTIONS"]
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("councils_user" in statement for statement in prepared)  # prepared at all
    assert not [s for s in prepared if "search_document" in s or "similarity" in s.lower()]
