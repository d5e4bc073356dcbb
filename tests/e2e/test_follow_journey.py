"""A resident follows a municipality in the browser: the form on the public page, the
confirmation link from the e-mail (captured), and unsubscribing; axe at 375 and 1280 px."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from residents import digests
from residents.models import Follower
from tests.e2e.a11y import assert_accessible
from tests.pledges.public_helpers import published
from tests.residents.helpers import LOCMEM, link

pytestmark = pytest.mark.usefixtures("eager_tasks")


def _accessible_at_both_widths(page: Page) -> None:
    for width, height in ((375, 667), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def pledge(home):
    return published(home, title="Tryggare Hemby 2026")


def test_a_resident_follows_confirms_and_unsubscribes(page: Page, pledge, settings):
    settings.MAILERS = LOCMEM
    page.goto(f"/public/pledges/{pledge.pk}/")
    page.get_by_role("link", name="Följ medborgarlöftena i Hemby").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Följ medborgarlöftena i Hemby")
    _accessible_at_both_widths(page)

    page.get_by_label("E-postadress").fill("anna@example.se")
    page.get_by_role("button", name="Följ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrollera din e-post")
    assert_accessible(page)
    (confirmation,) = mail.outbox
    assert confirmation.to == ["anna@example.se"]

    page.goto(link(confirmation, "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekräfta att du vill följa")
    _accessible_at_both_widths(page)
    page.get_by_role("button", name="Ja, följ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du följer medborgarlöftena")
    assert_accessible(page)
    assert Follower.objects.get().confirmed_at is not None

    published(pledge.municipality, title="Tryggare Hemby 2027")
    digests.run_daily()
    digest = mail.outbox[-1]
    assert digest.subject == "Medborgarlöftena i Hemby: 1 nyhet"
    page.goto(link(digest, "unsubscribe"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sluta följa")
    _accessible_at_both_widths(page)
    page.get_by_role("button", name="Sluta följa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du följer inte längre")
    assert_accessible(page)
    follower = Follower.objects.get()
    assert follower.email == "" and follower.unsubscribed_at is not None
