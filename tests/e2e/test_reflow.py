"""Reflow (WCAG 1.4.10): no page the journeys visit scrolls sideways at 320 px or at
200 % zoom. Wide tables scroll inside their own region; nothing else may widen the page.

How the sizes are made:

- 320 px: a viewport 320 CSS px wide (WCAG's own measure, a 1280 px window at 400 %).
- 200 % zoom: browser zoom divides the CSS viewport by the zoom factor, so a 1280 px
  wide window at 200 % lays the page out exactly as a 640 CSS px viewport does; the
  test sets 640 × 400 (the device pixel ratio changes sharpness only, not layout).

At each size the test compares ``document.documentElement.scrollWidth`` with the
viewport's width and names the elements that reach past it. The pages are opened
through ``open_page``, so any console error or CSP violation on them fails too.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from pledges import services
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.e2e.a11y import assert_accessible

#: (name, width, height) of the sizes every page must fit
SIZES = [("320 px", 320, 640), ("200 % zoom", 640, 400)]
LONG = "Trygghetsvandring längs Resecentrum–Stora torget–Gamla kyrkogatan med fältassistenter"

#: the elements that reach past the right edge of the viewport, outermost first
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    // an element past the edge, or text running out of its own box (a long word)
    const spills = getComputedStyle(el).overflowX === 'visible' &&
                   box.left + el.scrollWidth > width + 1;
    if ((box.right > width + 1 || spills) && !el.closest('.table-wrap')) {
      const classes = typeof el.className === 'string' ? el.className.trim() : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                   (classes ? '.' + classes.split(/\\s+/).join('.') : '');
      found.push(`${name} (${Math.round(box.right)} px)`);
    }
  }
  return found.slice(0, 8);
}"""


def assert_fits(page: Page, path: str) -> None:
    for name, width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(path)
        page.wait_for_load_state("load")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        client_width = page.evaluate("document.documentElement.clientWidth")
        assert scroll_width <= client_width, (
            f"{path} scrolls sideways at {name}: {scroll_width} px wide in {client_width} px; "
            f"reaching past the edge: {page.evaluate(OVERFLOWING)}"
        )


def assert_captions_in_view(page: Page, path: str) -> None:
    """A visible caption of a table in a scroll region wraps within the region."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap caption:not(.visually-hidden)')]
          .filter(c => c.getBoundingClientRect().right >
                       c.closest('.table-wrap').getBoundingClientRect().right + 1)
          .map(c => c.textContent.trim())"""
    )
    assert not cut, f"{path}: captions cut off inside their scroll region at 320 px: {cut}"


@pytest.fixture
def world(home, police_area, owner, liaison, region):
    """A draft with long activity titles, a pledge in review, a published pledge."""
    f.RegionalThemeFactory(police_region=region, title="Färre unga i riskzon", required=False)
    today = timezone.localdate()
    draft = f.PledgeFactory(municipality=home, title="Medborgarlöfte Hemby " + str(today.year))
    for order in range(1, 4):
        f.ActivityFactory(
            pledge=draft,
            title=f"{LONG} {order}",
            order=order,
            responsible_party=Activity.Party.PARTNER,
            partner_name="Hembybostäder och Räddningstjänsten Storhemby",
        )
    review = f.PledgeFactory(municipality=home, title="Medborgarlöfte i granskning")
    f.ActivityFactory(pledge=review, title=LONG, order=1)
    services.pledge_submit(user=owner, pledge=review)
    public = f.PledgeFactory(
        municipality=home,
        title="Tryggare centrum",
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
        municipality_signatory_name="Karin Ordförande",
        municipality_signatory_title="Kommunstyrelsens ordförande",
        municipality_signed_on=dt.date(today.year, 1, 20),
        police_signatory_name="Per Polischef",
        police_signatory_title="LPO-chef",
        police_signed_on=dt.date(today.year, 1, 22),
    )
    f.ActivityFactory(pledge=public, title=LONG, order=1, status=Activity.Status.ONGOING)
    f.DialogueFactory(pledge=public)
    return {"draft": draft, "review": review, "public": public}


def test_the_coordinators_pages_fit_320_px_and_200_percent(log_in, owner, world, home):
    page = log_in(owner)
    for path in (
        reverse("home"),
        reverse("pledge-detail", args=[world["draft"].pk]),
        reverse("municipality-detail", args=[home.code]),
    ):
        assert_fits(page, path)
    assert_accessible(page)


def test_the_review_page_fits_320_px_and_200_percent(log_in, liaison, world):
    page = log_in(liaison)
    assert_fits(page, reverse("pledge-review", args=[world["review"].pk]))
    assert_accessible(page)


def test_the_public_pages_fit_and_keep_their_captions_in_view(page: Page, world, home):
    for path in (
        reverse("public-index"),
        reverse("public-municipality", args=[home.code]),
        reverse("public-pledge", args=[world["public"].pk]),
    ):
        assert_fits(page, path)
        assert_captions_in_view(page, path)
    assert_accessible(page)


def test_the_county_dashboard_fits_320_px_and_200_percent(log_in, county_officer, world, home):
    page = log_in(county_officer)
    assert_fits(page, reverse("county-dashboard", args=[home.county.code]))
    assert_accessible(page)


def test_the_hidden_labels_of_the_activity_table_stay_in_its_scroll_region(log_in, owner, world):
    """The "Flytta ned …" and "Historik …" labels once made the editor 828 px wide."""
    page = log_in(owner)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("pledge-detail", args=[world["draft"].pk]))
    region = page.locator(".table-wrap:has(.activity-table)")
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("tabindex") == "0"
    label = page.evaluate(
        "id => document.getElementById(id).textContent",
        region.get_attribute("aria-labelledby"),
    )
    assert label.strip()
    escaped = page.evaluate(
        """() => [...document.querySelectorAll('.activity-table .visually-hidden')]
          .filter(s => s.getBoundingClientRect().right >
                       document.documentElement.clientWidth + 1).length"""
    )
    assert escaped == 0


def test_the_history_links_are_targets_of_at_least_24_px(log_in, owner, world):
    """WCAG 2.2, 2.5.8: the editor's "Historik" links beside the move buttons."""
    page = log_in(owner)
    page.goto(reverse("pledge-detail", args=[world["draft"].pk]))
    boxes = page.evaluate(
        """() => [...document.querySelectorAll(
            '.activity-table td:last-child a, .activity-table td:last-child button')]
          .map(el => {
            const b = el.getBoundingClientRect();
            return [el.textContent.trim(), b.width, b.height];
          })"""
    )
    assert boxes
    small = [box for box in boxes if box[1] < 24 or box[2] < 24]
    assert not small, f"targets smaller than 24 × 24 px: {small}"


def test_a_long_compound_word_in_a_heading_wraps(log_in, owner, home):
    """ "Samverkansöverenskommelse" in the agreement's h1 once made the page 427 px wide
    on a 375 px phone: a word longer than the line breaks rather than widen the page."""
    agreement = f.AgreementFactory(
        municipality=home, title="Samverkansöverenskommelse Hemby 2027–2030"
    )
    page = log_in(owner)
    assert_fits(page, reverse("agreement-detail", args=[agreement.pk]))
    assert_accessible(page)
