"""The residents' pages: index, municipality, pledge. No login; only what is published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges import selectors
from pledges.models import Activity, Dialogue, Pledge
from tests import factories as f
from tests.pledges.public_helpers import published
from tests.queries import assert_constant_queries

S = Pledge.Status
INDEX = reverse("public-index")


def page(pledge: Pledge) -> str:
    return reverse("public-pledge", args=[pledge.pk])


def municipality_page(municipality) -> str:
    return reverse("public-municipality", args=[municipality.code])


def body_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- index -------------------------------------------------------------------------


def test_index_groups_published_pledges_by_county_and_municipality(client, home, neighbour, away):
    hemby = published(home, title="Tryggare Hemby 2026")
    grannby = published(neighbour, title="Tryggare Grannby 2026")
    bortby = published(away, title="Tryggare Bortby 2026")

    # the listing: in the main part, after its county form (the header has forms too)
    body = body_of(client, INDEX).split('id="main"', 1)[1].split("</form>", 1)[1]

    assert body.index("Bortlän") < body.index("Tryggare Bortby 2026") < body.index("Hemlän")
    assert body.index("Hemlän") < body.index("Tryggare Grannby 2026")
    assert body.index("Tryggare Grannby 2026") < body.index("Tryggare Hemby 2026")
    for pledge in (hemby, grannby, bortby):
        assert f'href="{page(pledge)}"' in body
    assert f'href="{municipality_page(home)}"' in body


@pytest.mark.parametrize(
    "status", [S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED], ids=lambda s: s.value
)
def test_index_leaves_out_what_is_not_published(client, home, status):
    published(home, title="Det publicerade löftet")
    f.PledgeFactory(municipality=home, status=status, title="Det opublicerade löftet")

    body = body_of(client, INDEX)

    assert "Det publicerade löftet" in body
    assert "Det opublicerade löftet" not in body


def test_followed_up_pledges_are_public(client, home):
    pledge = published(home, title="Uppföljt löfte", status=S.FOLLOWED_UP)
    assert "Uppföljt löfte" in body_of(client, INDEX)
    assert client.get(page(pledge)).status_code == 200


def test_a_version_replaced_by_a_published_one_leaves_the_lists(client, home):
    old = published(home, title="Löftet version ett")
    published(home, title="Löftet version två", replaces=old)

    for url in (INDEX, municipality_page(home)):
        body = body_of(client, url)
        assert "Löftet version två" in body
        assert "Löftet version ett" not in body


def test_a_draft_new_version_does_not_hide_the_published_one(client, home):
    old = published(home, title="Löftet som gäller")
    f.PledgeFactory(municipality=home, title="Utkast till ny version", replaces=old)

    body = body_of(client, INDEX)

    assert "Löftet som gäller" in body
    assert "Utkast till ny version" not in body


def test_county_filter_is_a_get_form_that_works_without_javascript(client, home, away):
    published(home, title="Hembys löfte")
    published(away, title="Bortbys löfte")

    body = body_of(client, INDEX)
    assert 'method="get"' in body and 'name="county"' in body
    assert '<option value="91">Hemlän</option>' in body

    filtered = body_of(client, f"{INDEX}?county=91")
    assert "Hembys löfte" in filtered and "Bortbys löfte" not in filtered
    assert '<option value="91" selected>Hemlän</option>' in filtered

    unknown = body_of(client, f"{INDEX}?county=<script>")
    assert "Hembys löfte" in unknown and "Bortbys löfte" in unknown
    assert "<script>" not in unknown.split("</header>")[1]


def test_a_county_without_pledges_says_so(client, home, away):
    published(home)
    body = body_of(client, f"{INDEX}?county={away.county.code}")
    assert "<table" not in body.split("</header>")[1]


def test_index_is_rendered_again_when_a_pledge_changes(client, home, django_assert_num_queries):
    pledge = published(home, title="Tryggare Hemby 2026")
    assert "Tryggare Hemby 2026" in body_of(client, INDEX)
    with django_assert_num_queries(0):  # the fingerprint remembered, the page kept
        assert "Tryggare Hemby 2026" in body_of(client, INDEX)
    pledge.title = "Tryggare Hemby 2026, reviderat"
    pledge.version += 1  # as every service does (councils.concurrency)
    pledge.save()
    assert "Tryggare Hemby 2026, reviderat" in body_of(client, INDEX)
    assert "Tryggare Hemby 2026" in body_of(client, f"{INDEX}?county={home.county.code}")


def test_index_list_is_cached_per_language(client, home, settings):
    published(home, title="Tryggare Hemby 2026")
    caption = "Published citizen pledges in Hemlän, by municipality"
    assert caption not in body_of(client, INDEX)  # Swedish, and now cached
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert caption in body_of(client, INDEX)


def test_index_links_to_the_open_data(client, db):
    body = body_of(client, INDEX)
    for name in ("open-data-pledges", "open-data-activities"):
        for fmt in ("csv", "json"):
            assert reverse(name, args=[fmt]) in body


# --- municipality ------------------------------------------------------------------


def test_municipality_page_lists_its_published_pledges_in_force_first(client, home, away):
    old = published(
        home,
        title="Löfte 2024",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    today = timezone.localdate()
    current = published(
        home,
        title="Löfte i kraft",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=300),
    )
    future = published(
        home,
        title="Löfte nästa år",
        period_start=today + dt.timedelta(days=400),
        period_end=today + dt.timedelta(days=700),
    )
    f.PledgeFactory(municipality=home, title="Utkast för Hemby")
    published(away, title="Bortbys löfte")

    body = body_of(client, municipality_page(home))

    assert body.index(current.title) < body.index(future.title) < body.index(old.title)
    assert "Utkast för Hemby" not in body
    assert "Bortbys löfte" not in body
    assert body.count("tag--current") == 1


def test_municipality_page_404_for_an_unknown_code(client, db):
    assert client.get(reverse("public-municipality", args=["0000"])).status_code == 404


def test_municipality_without_published_pledges_opens(client, home):
    f.PledgeFactory(municipality=home, title="Bara ett utkast")
    body = body_of(client, municipality_page(home))
    assert "Hemby" in body and "Bara ett utkast" not in body


# --- the pledge page ---------------------------------------------------------------


@pytest.fixture
def full_pledge(home):
    pledge = published(
        home,
        title="Tryggare centrum 2026",
        area="Centrum och resecentrum",
        public_text="Vi lovar fler vuxna på stan.\nOch bättre belysning.",
    )
    f.DialogueFactory(
        pledge=pledge,
        kind=Dialogue.Kind.SAFETY_WALK,
        held_on=dt.date(2025, 10, 2),
        participants="Boende på Norra gatan",
        summary="Mörkt vid gångtunneln.",
    )
    f.ActivityFactory(
        pledge=pledge,
        title="Trygghetsvandring i centrum",
        responsible_party=Activity.Party.POLICE,
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 31),
        status=Activity.Status.DONE,
        order=1,
    )
    f.ActivityFactory(
        pledge=pledge,
        title="Nattvandring med föreningar",
        responsible_party=Activity.Party.PARTNER,
        partner_name="Nattvandrarna i Hemby",
        start_date=None,
        end_date=None,
        recurrence="Varje fredag kväll",
        type=Activity.Type.SOCIAL,
        status=Activity.Status.ONGOING,
        order=2,
    )
    return pledge


def test_pledge_page_shows_the_public_content(client, full_pledge):
    body = body_of(client, page(full_pledge))

    for text in (
        "Tryggare centrum 2026",
        "Centrum och resecentrum",
        "Vi lovar fler vuxna på stan.<br>Och bättre belysning.",
        "Boende på Norra gatan",
        "Mörkt vid gångtunneln.",
        "Trygghetsvandring i centrum",
        "Nattvandrarna i Hemby",
        "Varje fredag kväll",
        "status--done",
        "status--ongoing",
        # the signatories are public officials: names, titles and dates
        "Karin Ordförande",
        "Kommunstyrelsens ordförande",
        "Per Polischef",
        "LPO-chef",
    ):
        assert text in body, text
    assert str(Dialogue.Kind.SAFETY_WALK.label).capitalize() in body
    assert body.index("Trygghetsvandring i centrum") < body.index("Nattvandring med föreningar")
    assert 'id="follow-up"' in body
    assert f'href="{municipality_page(full_pledge.municipality)}"' in body


def test_the_follow_up_block_waits_for_the_follow_up_app(client, full_pledge):
    body = body_of(client, page(full_pledge))
    block = body.split('id="follow-up"')[1].split("</section>")[0]
    assert "The follow-up will be published here." in block or "Uppföljning" in block


@dataclass(frozen=True)
class FakeFollowUp:
    template_name: str
    text: str


def test_a_later_app_can_provide_the_latest_follow_up(client, full_pledge, settings, tmp_path):
    (tmp_path / "followup_block.html").write_text("<p>Uppföljt: {{ follow_up.text }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    seen = []

    def provider(pledge_pk, activities):
        seen.append((pledge_pk, [a.title for a in activities]))
        return FakeFollowUp("followup_block.html", "två av två genomförda")

    registered = selectors._follow_up_provider
    selectors.register_follow_up(provider)
    try:
        body = body_of(client, page(full_pledge))
    finally:
        selectors.register_follow_up(registered)

    block = body.split('id="follow-up"')[1].split("</section>")[0]
    assert "Uppföljt: två av två genomförda" in block
    assert seen == [
        (full_pledge.pk, ["Trygghetsvandring i centrum", "Nattvandring med föreningar"])
    ]


@pytest.mark.parametrize(
    "status",
    [S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED],
    ids=lambda s: s.value,
)
def test_pledge_page_404_for_anything_not_published(client, client_of, owner, home, status):
    pledge = f.PledgeFactory(
        municipality=home,
        status=status,
        # approved and signed by one party only: still not published
        municipality_signatory_name="Karin Ordförande",
        municipality_signed_on=dt.date(2026, 1, 20),
    )
    assert client.get(page(pledge)).status_code == 404
    # not even for the coordinator who owns it: the public page is the public version
    assert client_of(owner).get(page(pledge)).status_code == 404


def test_pledge_page_404_for_a_pledge_that_does_not_exist(client, db):
    assert client.get(reverse("public-pledge", args=[999_999])).status_code == 404


def test_a_replaced_version_stays_readable_and_points_to_the_newer(client, home):
    old = published(home, title="Version ett")
    newer = published(home, title="Version två", replaces=old)
    body = body_of(client, page(old))
    assert f'href="{page(newer)}"' in body
    assert f'href="{page(old)}"' not in body_of(client, page(newer))


def test_deleted_activities_are_not_part_of_the_published_plan(client, home):
    pledge = published(home)
    f.ActivityFactory(pledge=pledge, title="Kvar i planen")
    f.ActivityFactory(pledge=pledge, title="Borttagen aktivitet", deleted_at=timezone.now())
    body = body_of(client, page(pledge))
    assert "Kvar i planen" in body and "Borttagen aktivitet" not in body


def test_text_is_escaped(client, home):
    pledge = published(home, title="<script>alert(1)</script>", public_text="<b>fet</b>")
    f.ActivityFactory(pledge=pledge, title="<img src=x onerror=alert(1)>")
    for url in (page(pledge), INDEX, municipality_page(home)):
        body = body_of(client, url)
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x" not in body
    assert "&lt;b&gt;fet&lt;/b&gt;" in body_of(client, page(pledge))


def test_pages_answer_get_and_head_only(client, full_pledge):
    for url in (
        INDEX,
        municipality_page(full_pledge.municipality),
        page(full_pledge),
        reverse("open-data-pledges", args=["csv"]),
        reverse("open-data-activities", args=["json"]),
    ):
        assert client.head(url).status_code == 200, url
        assert client.post(url).status_code == 405, url


# --- structure: accessible, printable, no JavaScript needed -------------------------


class Outline(HTMLParser):
    """Collects what the structure checks need: headings, landmarks, tables."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)


def outline(body: str) -> Outline:
    parser = Outline()
    parser.feed(body)
    return parser


def test_pages_have_one_h1_landmarks_and_described_tables(client, full_pledge):
    for url in (INDEX, municipality_page(full_pledge.municipality), page(full_pledge)):
        body = body_of(client, url)
        parsed = outline(body)
        assert parsed.count("h1") == 1, url
        for landmark in ("header", "main", "footer"):
            assert parsed.count(landmark) == 1, (url, landmark)
        assert parsed.count("table") >= 1, url
        assert parsed.count("caption") == parsed.count("table"), url
        for tag, attrs in parsed.tags:
            if tag == "th":
                assert attrs.get("scope") in {"col", "row"}, (url, attrs)
        # readable without JavaScript: no content is loaded by htmx
        assert "hx-get" not in body and "hx-post" not in body, url


def test_the_header_links_to_the_public_index_for_everyone(client, client_of, owner):
    login = body_of(client, reverse("login"))
    assert f'href="{INDEX}"' in login.split("</header>")[0]
    index = body_of(client, INDEX)
    assert f'href="{INDEX}" aria-current="page"' in index
    assert f'href="{INDEX}"' in body_of(client_of(owner), reverse("home")).split("</header>")[0]


def test_the_print_stylesheet_hides_navigation_and_keeps_rows_whole(settings):
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text(encoding="utf-8")
    print_css = css.split("@media print")[1]
    for selector in (".site-nav", ".language-switch", ".site-footer a", ".site-header__user"):
        assert selector in print_css
    assert "break-inside: avoid" in print_css
    assert "background: #fff" in print_css


# --- cache headers -----------------------------------------------------------------


def test_anonymous_pages_may_be_kept_by_the_browser_signed_in_ones_not(
    client, client_of, owner, full_pledge
):
    response = client.get(page(full_pledge))
    assert "max-age=300" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    signed_in = client_of(owner).get(page(full_pledge))
    assert "no-store" in signed_in["Cache-Control"]


# --- a fixed number of queries -----------------------------------------------------


def _grow_country(counties: int = 3, municipalities: int = 3, activities: int = 4):
    def grow():
        for c in range(counties):
            county = f.CountyFactory(code=f"{70 + c}", name=f"Tillväxtlän {c}")
            for m in range(municipalities):
                municipality = f.MunicipalityFactory(
                    code=f"{70 + c}{m:02d}", name=f"Växtby {c}-{m}", county=county
                )
                pledge = published(municipality)
                f.DialogueFactory(pledge=pledge)
                for _ in range(activities):
                    f.ActivityFactory(pledge=pledge)
                f.PledgeFactory(municipality=municipality)  # a draft beside it

    return grow


def test_index_queries_do_not_grow_with_pledges(client, home):
    published(home)
    count = assert_constant_queries(client, INDEX, _grow_country())
    assert count <= 3  # counties, the fingerprint, the pledges (from the cache: not these)


def test_municipality_page_queries_do_not_grow_with_pledges(client, home):
    published(home)

    def grow():
        for year in range(2015, 2025):
            published(
                home,
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
            )

    count = assert_constant_queries(client, municipality_page(home), grow)
    assert count <= 2


def test_pledge_page_queries_do_not_grow_with_activities(client, home):
    pledge = published(home)
    f.ActivityFactory(pledge=pledge)

    def grow():
        for n in range(60):
            f.ActivityFactory(
                pledge=pledge,
                responsible_party=Activity.Party.PARTNER if n % 2 else Activity.Party.POLICE,
                partner_name="Bostadsbolaget" if n % 2 else "",
            )
        for _ in range(5):
            f.DialogueFactory(pledge=pledge)
        for _ in range(5):
            f.PledgeCommentFactory(pledge=pledge)

    count = assert_constant_queries(client, page(pledge), grow)
    # the kept page's version (pledges.public_cache), and on a miss 3 of the pledge page,
    # 2 of the follow-up app's block, 1 of the higher apps' panels
    assert count <= 7


@pytest.mark.parametrize("name", ["open-data-pledges", "open-data-activities"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_open_data_queries_do_not_grow(client, home, name, fmt):
    f.ActivityFactory(pledge=published(home))
    count = assert_constant_queries(client, reverse(name, args=[fmt]), _grow_country())
    assert count == 2  # the fingerprint and the rows; from the cache, the fingerprint alone
