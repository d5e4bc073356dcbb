"""A coordinator invites a housing company's contact, who accepts and records a
follow-up (issue 17).

The coordinator (1280 px) opens the municipality's partners, the housing company's
partnership, and invites an address as contact. The invitee (another browser, a phone
at 375 px) opens the signed link, chooses a password, finds "Våra aktiviteter" and
records a follow-up of the activity their company is responsible for: it is listed
under their own follow-ups. axe checks every page on the way.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from councils.models import Membership, Role
from councils.partners import Invitation, Partnership
from followup.models import FollowUp
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.e2e.a11y import assert_accessible

pytestmark = pytest.mark.usefixtures("eager_tasks")


@pytest.fixture
def lighting(home, housing):
    pledge = f.PledgeFactory(
        municipality=home,
        title="Medborgarlöfte Hemby 2026",
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    return f.ActivityFactory(
        pledge=pledge,
        title="Belysning i trapphusen",
        responsible_party=Activity.Party.PARTNER,
        responsible_organisation=housing,
        next_follow_up=dt.date(2026, 12, 31),
    )


def test_a_housing_company_contact_is_invited_and_follows_up(
    page: Page, open_page, log_in, owner, home, housing, lighting
):
    partnership = Partnership.objects.get(organisation=housing, municipality=home)
    log_in(owner)
    page.goto(reverse("partner-list", args=[home.code]))
    assert_accessible(page)
    page.locator(f"a[href='{reverse('partnership-detail', args=[partnership.pk])}']").click()
    expect(page.locator("#id_email")).to_be_visible()
    assert_accessible(page)
    page.fill("#id_email", "klara@hembybostader.se")
    page.select_option("#id_role", Role.CONTACT)
    page.locator("form[action$='/invite/'] button[type=submit]").click()
    expect(page.locator("table")).to_contain_text("klara@hembybostader.se")
    assert_accessible(page)

    # --- the invitee, on a phone ------------------------------------------------------
    invitation = Invitation.objects.get(email="klara@hembybostader.se")
    phone = open_page()
    phone.set_viewport_size({"width": 375, "height": 740})
    phone.goto(reverse("invitation-accept", args=[invitation.token()]))
    assert_accessible(phone)
    phone.fill("#id_first_name", "Klara")
    phone.fill("#id_last_name", "Björk")
    phone.fill("#id_password1", "trygga-trapphus-2026")
    phone.fill("#id_password2", "trygga-trapphus-2026")
    phone.locator("form:has(#id_password1) button[type=submit]").click()
    activities = reverse("partner-activities")
    phone.locator(f"main a[href='{activities}']").click()
    expect(phone.locator(f"#activity-{lighting.pk}")).to_be_visible()
    assert_accessible(phone)
    assert Membership.objects.filter(
        user__username="klara@hembybostader.se", organisation=housing, role=Role.CONTACT
    ).exists()

    create = reverse("partner-follow-up-create", args=[lighting.pk])
    phone.locator(f"a[href='{create}']").click()
    expect(phone.locator("#id_period_start")).to_be_visible()
    assert_accessible(phone)
    phone.fill("#id_period_start", "2026-09-01")
    phone.fill("#id_period_end", "2026-12-31")
    phone.select_option("#id_status", Activity.Status.DONE)
    phone.fill("#id_progress", "100")
    phone.fill("#id_done", "Ny belysning i alla trapphus.")
    phone.locator(f"form[action='{create}'] button[type=submit]").click()
    expect(phone.locator("main table").first).to_contain_text("Ny belysning i alla trapphus.")
    assert_accessible(phone)
    entry = FollowUp.objects.get()
    assert entry.reported_for == housing and not entry.published
