"""The accessibility statement in a browser (issue 21): reached from the footer, read
at 375 and 1280 px without sideways scrolling, axe finds nothing (nor on the form's
error state), and a report sent without logging in is confirmed in Swedish."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accessibility.models import Feedback
from tests.e2e.a11y import assert_accessible

pytestmark = pytest.mark.usefixtures("eager_tasks")


def test_a_visitor_reads_the_statement_and_reports_a_problem(page: Page, settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = ["tillganglighet@example.se"]
    page.goto("/public/pledges/")
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse")
    expect(page.locator("#digg-link")).to_have_attribute("href", "https://www.digg.se/tdosanmalan")

    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"sideways scrolling at {width}px: {scroll_width}px"
        assert_accessible(page)

    page.get_by_role("button", name="Skicka").click()  # nothing written: the error summary
    expect(page.locator(".error-summary")).to_contain_text("Skriv vad som inte fungerade.")
    assert_accessible(page)

    page.get_by_label("Vad fungerade inte?").fill("Diagrammet går inte att läsa med skärmläsare.")
    page.get_by_label("Vilken sida eller vilket dokument?").fill("Länsöversikten")
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("status")).to_contain_text("Tack! Vi har tagit emot din synpunkt")
    assert Feedback.objects.get().page == "Länsöversikten"
