"""Words a person reads, and what every page carries (issue 15, words and numbers):
one word for one thing, the public title, a description per public page, no htmx
where nothing uses it, a favicon, ``HEAD``, Swedish text marked as Swedish on an
English page, and named scroll regions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from agreements.selectors import picture_age
from tests import factories as f
from tests.pledges.public_helpers import published

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def meta_description(html: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert match, "no meta description"
    return match.group(1)


# --- one word for one thing --------------------------------------------------------------


def test_a_lagesbild_younger_than_a_month_is_less_than_a_month_old():
    with translation.override("sv"):
        assert picture_age(0) == "mindre än en månad gammal"
        assert picture_age(1) == "1 månad gammal"
        assert picture_age(5) == "5 månader gammal"


def test_the_catalogue_says_ladda_ned_never_ladda_ner():
    catalogue = (ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po").read_text()
    assert "Ladda ned" in catalogue
    assert "Ladda ner" not in catalogue


def test_the_public_pledge_is_from_the_police_and_the_municipality_by_its_official_name(
    client, home
):
    pledge = published(home)
    page = client.get(reverse("public-pledge", args=[pledge.pk])).content.decode()
    assert "Medborgarlöfte från polisen och Hemby kommun" in page


def test_the_chips_say_what_a_coordinator_may_do_in_their_words(client_of, owner, home):
    page = client_of(owner).get(reverse("municipality-detail", args=[home.code]))
    text = page.content.decode()
    assert "Du kan redigera" in text and "Du ser utkast" in text
    assert "Redigerar" not in text and "Ser utkast" not in text


def test_the_themes_column_only_where_the_region_has_themes(client_of, owner, pledge, region):
    f.ActivityFactory(pledge=pledge, title="Trygghetsvandring")
    url = reverse("pledge-detail", args=[pledge.pk])
    assert ">Teman</th>" not in client_of(owner).get(url).content.decode()
    f.RegionalThemeFactory(police_region=region, title="Färre unga i riskzon")
    assert ">Teman</th>" in client_of(owner).get(url).content.decode()


# --- what every page carries ---------------------------------------------------------------


def test_every_public_page_has_a_description_of_its_own_and_no_htmx(client, home):
    pledge = published(home, public_text="Vi lovar fler vuxna ute på kvällarna i centrum.")
    pages = [
        reverse("public-index"),
        reverse("public-municipality", args=[home.code]),
        reverse("public-pledge", args=[pledge.pk]),
    ]
    descriptions = []
    for url in pages:
        html = client.get(url).content.decode()
        descriptions.append(meta_description(html))
        assert "htmx" not in html, f"{url} loads htmx but uses none"
        assert ' hx-get="' not in html and ' hx-post="' not in html
        assert 'rel="icon"' in html and "img/favicon.svg" in html
    assert len(set(descriptions)) == len(pages), descriptions
    assert "Hemby kommun" in descriptions[1]
    assert "Vi lovar fler vuxna ute" in descriptions[2]


def test_pages_that_use_htmx_still_load_it(client_of, owner, pledge):
    html = client_of(owner).get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert "htmx" in html and 'name="htmx-config"' in html
    assert '"includeIndicatorStyles": false' in html


def test_the_favicon_files_exist():
    for name in ("favicon.svg", "favicon.png", "favicon.ico", "apple-touch-icon.png"):
        assert (ROOT / "static" / "img" / name).stat().st_size > 100


def test_our_stylesheet_styles_the_htmx_indicator():
    css = (ROOT / "static" / "css" / "app.css").read_text()
    assert ".htmx-indicator" in css and ".htmx-request .htmx-indicator" in css


def test_head_answers_on_the_start_page_like_the_others(client, owner):
    assert client.head(reverse("home")).status_code == 302  # to the login page
    client.force_login(owner)
    assert client.head(reverse("home")).status_code == 200
    assert client.head(reverse("public-index")).status_code == 200
    assert client.head(reverse("healthz")).status_code == 200


def test_swedish_text_users_wrote_is_marked_swedish_on_an_english_page(client, home):
    pledge = published(home, title="Tryggare centrum", public_text="Vi lovar belysning.")
    f.ActivityFactory(pledge=pledge, title="Trygghetsvandring")
    url = reverse("public-pledge", args=[pledge.pk])
    page = english(client).get(url).content.decode()
    assert '<html lang="en">' in page
    assert '<h1 lang="sv">Tryggare centrum</h1>' in page
    assert '<div lang="sv"><p>Vi lovar belysning.</p></div>' in page
    assert '<th scope="row" lang="sv">Trygghetsvandring' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    swedish = client.get(url).content.decode()
    assert '<html lang="sv">' in swedish and 'lang="sv">Tryggare' not in swedish


def test_the_editor_marks_titles_and_texts_as_swedish_in_english(client_of, owner, pledge):
    f.ActivityFactory(pledge=pledge, title="Trygghetsvandring", description="Varje fredag.")
    page = english(client_of(owner)).get(reverse("pledge-detail", args=[pledge.pk]))
    html = page.content.decode()
    assert f'<h1 lang="sv">{pledge.title}</h1>' in html
    assert '<span lang="sv">Trygghetsvandring</span>' in html
    assert '<span class="muted" lang="sv">Varje fredag.</span>' in html


# --- scroll regions ---------------------------------------------------------------------


def test_every_table_scroll_region_is_named_focusable_and_a_region():
    """A region that scrolls is a Tab stop: it needs a role and a name (the caption)."""
    offences = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for match in re.finditer(r'<div class="table-wrap"[^>]*>', text):
            tag = match.group(0)
            wanted = ('role="region"', 'tabindex="0"', 'aria-labelledby="{{ table_id }}"')
            if not all(part in tag for part in wanted):
                offences.append(f"{path.relative_to(ROOT)}: {tag}")
            caption = text.find("<caption", match.end())
            if not text.startswith('<caption id="{{ table_id }}"', caption):
                offences.append(f"{path.relative_to(ROOT)}: the caption names no region")
    assert not offences, "\n".join(offences)


def test_a_scroll_region_is_named_by_its_own_caption(client, home):
    published(home)
    html = client.get(reverse("public-municipality", args=[home.code])).content.decode()
    region = re.search(r'role="region" tabindex="0" aria-labelledby="(table-[0-9a-f]{8})"', html)
    assert region
    assert f'<caption id="{region.group(1)}">' in html
