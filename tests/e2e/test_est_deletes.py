"""Deleting in EST, in the browser: the coordinator tries to delete a category that
reports count, is told why it is kept and takes it out of use instead, then into use
again; and deletes a place nothing is counted at. axe finds nothing on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from councils import dates
from est import services
from est.models import Category, Place, Report
from tests.e2e.a11y import assert_accessible


@pytest.mark.parametrize("width", [375, 1280])
def test_a_counted_category_is_taken_out_of_use_and_an_unused_place_deleted(
    page: Page, log_in, owner, home, home_org, live_server, width
):
    place = Place.objects.create(municipality=home, name="Stortorget", area="Centrum")
    unused = Place.objects.create(municipality=home, name="Gamla torget", area="Centrum")
    category = Category.objects.create(municipality=home, name="Glaskross")
    services.report_save(
        user=owner,
        report=Report(
            municipality=home,
            organisation=home_org,
            place=place,
            category=category,
            occurred_on=dates.today(),
            count=2,
        ),
    )
    log_in(owner)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + reverse("est-category-list", args=[home.code]))
    page.get_by_role("link", name="Radera Glaskross").click()
    expect(page.locator("main")).to_contain_text("veckosiffrorna stämmer")
    expect(page.get_by_role("button", name="Radera")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Ta kategorin ur bruk").click()
    expect(page.locator(".messages")).to_contain_text("tagen ur bruk")
    expect(page.locator("main")).to_contain_text("ej i bruk")
    assert_accessible(page)
    assert not Category.objects.get(pk=category.pk).active
    page.get_by_role("button", name="Ta i bruk igen Glaskross").click()
    expect(page.locator(".messages")).to_contain_text("används igen")
    assert Category.objects.get(pk=category.pk).active

    page.goto(live_server.url + reverse("est-place-list", args=[home.code]))
    page.get_by_role("link", name="Radera Gamla torget").click()
    expect(page.get_by_role("heading", name="Radera platsen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Radera").click()
    expect(page.locator(".messages")).to_contain_text("Raderat")
    assert not Place.objects.filter(pk=unused.pk).exists()
    if width == 375:
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    assert_accessible(page)
