"""The start page, "Att göra", and the calendar address in the browser (issue 14).

A user who is coordinator, police liaison and county officer at once sees each part at
1280 and 375 px (no sideways scrolling on a phone), follows an item to where it is put
right, and axe finds nothing; on the account page they make a calendar address, the
feed answers, and once turned off it answers 404. Selectors lean on ids and hrefs."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from councils.feeds import CalendarFeed
from councils.models import Role
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.e2e.a11y import assert_accessible


def _work(home) -> dict:
    today = timezone.localdate()
    changes = f.PledgeFactory(
        municipality=home, title="Hemby ändras", status=Pledge.Status.CHANGES_REQUESTED
    )
    in_review = f.PledgeFactory(
        municipality=home,
        title="Hemby granskas",
        status=Pledge.Status.IN_REVIEW,
        submitted_at=timezone.now() - dt.timedelta(days=6),
    )
    published = f.PledgeFactory(municipality=home, status=Pledge.Status.PUBLISHED)
    f.ActivityFactory(
        pledge=published,
        title="Hemby trygghetsvandring",
        responsible_party=Activity.Party.JOINT,
        next_follow_up=today - dt.timedelta(days=2),
    )
    return {"changes": changes, "in_review": in_review}


def test_a_user_of_three_roles_sees_each_part_on_a_phone_and_a_desktop(
    page: Page, log_in, owner, police_org, county_board, home, live_server
):
    f.MembershipFactory(user=owner, organisation=police_org, role=Role.POLICE_LIAISON)
    f.MembershipFactory(user=owner, organisation=county_board, role=Role.COUNTY_OFFICER)
    work = _work(home)
    log_in(owner)
    for width, height in ((1280, 800), (375, 667)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + reverse("home"))
        for heading in ("coordinator-heading", "police-heading", "county-heading"):
            expect(page.locator(f"#{heading}")).to_be_visible()
        expect(page.locator("#todo-follow_ups").first).to_be_visible()
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        assert scroll_width <= width, f"the page scrolls sideways at {width}px: {scroll_width}"
        assert_accessible(page)
    # the badge in the navigation counts what is to do
    expect(page.locator("nav.site-nav a[href='/'] .tag")).to_be_visible()

    review = reverse("pledge-review", args=[work["in_review"].pk])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator(f"main a[href='{review}']").click()
    expect(page).to_have_url(live_server.url + review)


def test_the_calendar_address_is_made_read_and_turned_off(
    page: Page, log_in, owner, home, live_server
):
    _work(home)
    f.MeetingFactory(
        council=f.CouncilFactory(municipality=home, name="Hemby trygghetsråd"),
        held_on=timezone.localdate() + dt.timedelta(days=3),
    )
    log_in(owner)
    page.goto(live_server.url + reverse("my-organisations"))
    assert_accessible(page)
    page.locator(f"#calendar form[action='{reverse('calendar-feed-renew')}'] button").click()
    address = page.locator("#calendar-url")
    expect(address).to_be_visible()
    assert_accessible(page)
    token = CalendarFeed.objects.get(user=owner, revoked_at__isnull=True).token
    feed = reverse("calendar-feed", args=[token])
    assert address.input_value().endswith(feed)

    anonymous = Client()
    body = anonymous.get(feed).content.decode()
    assert "SUMMARY:Möte: Hemby trygghetsråd" in body

    page.locator(f"#calendar form[action='{reverse('calendar-feed-revoke')}'] button").click()
    expect(page.locator("#calendar-url")).to_have_count(0)
    assert anonymous.get(feed).status_code == 404
    assert_accessible(page)
