"""Swedish pages say nothing in English: Django's own strings included. And every page
that answers GET answers HEAD.

Every page of the isolation registry (tests/isolation.py: every URL of the site, so
every page a browser journey visits) is opened in Swedish by the user the registry
names, and its text, and the labels a screen reader reads (``aria-label``, ``title``,
``placeholder``, ``alt``, a button's ``value``), are searched for English interface
phrases: Django's blank choice ("- Select an option -"), buttons, form errors, pager
words, month and day names. tests/test_translations.py keeps the other half: no
msgid without a Swedish translation.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from councils.models import CouncilMember, User
from tests.isolation import CASES, Kind

pytestmark = pytest.mark.django_db

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Wed Thu Fri Sat Sun"
SHORT_MONTHS = "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
PHRASES = [
    "Select an option",
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Save",
    "Delete",
    "Cancel",
    "Submit",
    "Next",
    "Previous",
    "Search",
    "Edit",
    "Close",
    "Back",
    "Yes",
    "Log in",
    "Log out",
    "Page",
    "Choose",
    "Download",
    "Skip to main content",
    *MONTHS,
    *DAYS.split(),
    *SHORT_MONTHS.split(),
]
ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, PHRASES)) + r")(?![\w-])")
READ_ALOUD = {"aria-label", "title", "placeholder", "alt"}
#: pages that are not ours to translate or are not pages for people
NOT_PAGES = {"admin:*", "set_language", "logout", "healthz", "bench-hello"}


class _Text(HTMLParser):
    """What a person reads or hears: text, and the attributes read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        values = dict(attrs)
        self.parts += [v for k, v in attrs if k in READ_ALOUD and v]
        if tag in {"input", "button"} and values.get("type") in {"submit", "button", "reset"}:
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_in(html: str) -> list[str]:
    """The English phrases in a page's text, once each, in order of appearance."""
    parser = _Text()
    parser.feed(html)
    found = ENGLISH.findall("\n".join(parser.parts))
    return list(dict.fromkeys(found))


def _pages():
    return [
        pytest.param(name, case, id=name)
        for name, case in CASES.items()
        if name not in NOT_PAGES and case.kind != Kind.ADMIN
    ]


@pytest.mark.parametrize(("name", "case"), _pages())
def test_every_page_in_swedish_says_nothing_in_english(client, cast, settings, name, case):
    settings.LANGUAGE_CODE = "sv"
    url = reverse(name, kwargs=case.build(cast))
    # Faker's Swedish names include August and May: people keep names that are no month
    User.objects.update(first_name="Karin", last_name="Berg")
    CouncilMember.objects.update(person_name="Karin Berg")
    if case.kind in {Kind.OBJECT, Kind.LOGIN}:
        client.force_login(getattr(cast, case.viewer))
    with translation.override("sv"):
        response = client.get(url, headers={"Accept-Language": "sv"})
    if response.status_code == 200:  # a page that answers GET answers HEAD alike
        assert client.head(url).status_code == 200, f"HEAD {url}"
    if "text/html" not in response.get("Content-Type", "") or response.status_code >= 300:
        return  # a download, a redirect onwards, a page that only answers POST
    found = english_in(response.content.decode())
    assert not found, f"{url} shows English in Swedish: {found}"


# --- the gate catches English ------------------------------------------------------------


def test_the_gate_finds_django_strings_buttons_and_months():
    html = (
        '<select><option value="">- Select an option -</option></select>'
        '<button type="submit">Save</button><input type="submit" value="Delete">'
        '<a href="?page=2" aria-label="Next">›</a><p>31 Oct 2026, 1 January 2026</p>'
        "<script>var Save = 1;</script>"
    )
    assert english_in(html) == ["Select an option", "Save", "Delete", "Next", "Oct", "January"]


def test_the_gate_lets_swedish_through():
    html = (
        '<select><option value="">– Välj –</option></select><button>Spara</button>'
        "<p>30 nov. 2026, 1 januari 2026. Nästa sida. Sparad-filter, Mars-gruppen</p>"
        '<span lang="en">English</span>'
    )
    assert english_in(html) == []
