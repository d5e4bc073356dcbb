"""EST in the browser (issue 17): a housing company's reporter fills the weekly
checklist on a phone (375 px), and the coordinator turns a cluster of the weekly
picture into an activity of the citizen pledge at the EST meeting (1280 px). axe finds
nothing on the way; the phone never scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from councils import access, dates
from councils.models import Organisation, Role
from est import services
from est.models import Category, Place, Report
from est.usual import put_usual_categories
from pledges.models import Activity
from tests import factories as f
from tests.e2e.a11y import assert_accessible


def _category(code: str) -> Category:
    """A seeded category (a live server's test flushes the migration's rows)."""
    return put_usual_categories(Category)[code]


@pytest.fixture
def housing_reporter(monkeypatch, region, home):
    """A reporter of a housing company working in Hemby (REPORT and PICTURE only)."""
    monkeypatch.setitem(
        access.GRANTS,
        (Organisation.Kind.POLICE_AREA, Role.READER),
        frozenset({access.READ, access.REPORT, access.PICTURE}),
    )
    area = f.LocalPoliceAreaFactory(name="Hembygårdar", police_region=region, municipalities=[home])
    org = f.OrganisationFactory(
        name="Hembygårdar AB",
        kind=Organisation.Kind.POLICE_AREA,
        municipality=None,
        local_police_area=area,
    )
    user = f.UserFactory(username="fastighetsvard")
    f.MembershipFactory(user=user, organisation=org, role=Role.READER)
    return user


def test_a_reporter_fills_the_weekly_checklist_on_a_phone(
    page: Page, log_in, housing_reporter, home, live_server
):
    stairwell = Place.objects.create(municipality=home, name="Bäckvägen 4", area="Gottsunda")
    Place.objects.create(municipality=home, name="Skolgården", area="Gottsunda")
    klotter = _category("klotter")
    log_in(housing_reporter)
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(live_server.url + reverse("est-checklist", args=[home.code]))
    assert_accessible(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    page.locator(f"#id_cell-{stairwell.pk}-{klotter.pk}").fill("3")
    page.get_by_role("button", name="Spara veckan").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("checklista")
    assert_accessible(page)
    report = Report.objects.get()
    assert (report.place, report.category, report.count) == (stairwell, klotter, 3)
    assert report.organisation.name == "Hembygårdar AB"
    expect(page.locator(f"#id_cell-{stairwell.pk}-{klotter.pk}")).to_have_value("3")


def test_the_coordinator_turns_a_cluster_into_an_activity(
    page: Page, log_in, owner, home, home_org, live_server
):
    today = dates.today()
    pledge = f.PledgeFactory(
        municipality=home,
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
    )
    place = Place.objects.create(municipality=home, name="Bäckvägen 4", area="Gottsunda")
    brand = _category("anlagd-brand")
    last_week = services.week_of(today) - dt.timedelta(weeks=1)
    services.report_save(
        user=owner,
        report=Report(
            municipality=home,
            organisation=home_org,
            place=place,
            category=brand,
            occurred_on=last_week,
            count=4,
        ),
    )
    log_in(owner)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + reverse("est-picture", args=[home.code]) + "?week=")
    assert_accessible(page)
    page.goto(live_server.url + reverse("est-meeting-create", args=[home.code]))
    page.get_by_label("Analys").fill("Bränder vid Bäckvägen 4 kvällstid.")
    page.get_by_label("Hemby kommun").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#clusters-heading")).to_be_visible()
    assert_accessible(page)
    page.locator("main a", has_text="Besluta en åtgärd").first.click()
    page.get_by_label("en aktivitet i medborgarlöftet").check()
    page.get_by_label("Åtgärd", exact=True).fill("Bättre belysning vid Bäckvägen 4")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#measures-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Bättre belysning vid Bäckvägen 4")
    assert_accessible(page)
    activity = Activity.objects.get(title="Bättre belysning vid Bäckvägen 4")
    assert activity.pledge == pledge
