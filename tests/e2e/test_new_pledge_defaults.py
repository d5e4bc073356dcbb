"""The new-pledge form in the browser proposes the right year (issue "Calendar-proof").

This year's pledge is signed, so the coordinator who opens the form is offered next
year's pledge: the whole next calendar year, titled with the municipality's official
name, with the agreement in force for that year chosen. At a desktop width and on a
phone (375 px, no sideways scrolling), axe checks the page.

The live server answers from its own thread with the real clock, so the data and the
expected values are built from the real ``councils.dates.today()`` inside the test.
Selectors lean on ids, never on translated text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from agreements.models import Agreement
from councils import dates
from pledges.models import Pledge
from tests import factories as f
from tests.e2e.a11y import assert_accessible


@pytest.fixture
def signed_this_year(home):
    """This year's pledge, signed; the agreement ending this year; the one for next year."""
    year = dates.today().year
    f.PledgeFactory(
        municipality=home,
        title=f"Medborgarlöfte Hemby {year}",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        status=Pledge.Status.PUBLISHED,
    )
    for title, start, end in (
        ("Överenskommelse som löper ut", dt.date(year - 3, 1, 1), dt.date(year, 12, 31)),
        ("Överenskommelse för nästa år", dt.date(year + 1, 1, 1), dt.date(year + 4, 12, 31)),
    ):
        f.AgreementFactory(
            municipality=home,
            title=title,
            start_date=start,
            end_date=end,
            status=Agreement.Status.SIGNED,
            signed_snapshot={},
        )
    return Agreement.objects.get(title="Överenskommelse för nästa år")


def test_the_new_pledge_form_proposes_next_years_pledge(
    page: Page, log_in, owner, home, signed_this_year
):
    next_year = dates.today().year + 1
    log_in(owner)
    page.goto(f"/municipalities/{home.code}/pledges/new/")

    expect(page.locator("#id_title")).to_have_value(f"Medborgarlöfte Hemby kommun {next_year}")
    expect(page.locator("#id_period_start")).to_have_value(f"{next_year}-01-01")
    expect(page.locator("#id_period_end")).to_have_value(f"{next_year}-12-31")
    expect(page.locator("#id_agreement")).to_have_value(str(signed_this_year.pk))
    assert_accessible(page)

    page.set_viewport_size({"width": 375, "height": 667})
    expect(page.locator("#id_title")).to_be_visible()
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= 375, f"the page scrolls sideways on a phone: {scroll_width}px wide"
    assert_accessible(page)
