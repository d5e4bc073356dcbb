"""The knowledge-based chain in the browser, as people do it (issue 3).

A coordinator builds a lägesbild with two priority problems, drafts a cooperation
agreement section by section (one section edited in place with htmx), adds a focus
area and a measurable goal, sends it for signature and signs for the municipality;
the police liaison, in a browser of their own, signs for the police; the agreement is
then in force with the content exactly as signed. Everything goes through links and
forms, and axe checks every page and every in-place state on the way.

The page is in Swedish, and some strings may still render in English until the
catalogue is complete: the selectors lean on ids, names, hrefs and roles, never on
translated text.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from agreements.models import Agreement
from tests import factories as f
from tests.e2e.a11y import assert_accessible
from tests.factories import PASSWORD

HOME = "/municipalities/9101/"

#: every in-place section but the one being edited must stay exactly as it was
OTHER_SECTIONS = """(editing) => [...document.querySelectorAll("main section")]
    .filter((section) => section.id !== editing)
    .map((section) => section.outerHTML)"""


@pytest.fixture
def background(home, police_area):
    """What the municipality already has: a council that meets and a coordination function."""
    council = f.CouncilFactory(municipality=home, name="Hemby trygghetsråd")
    f.CouncilMemberFactory(council=council, person_name="Eva Ek")
    f.MeetingFactory(council=council, held_on=timezone.localdate() - datetime.timedelta(days=40))
    f.CoordinationFunctionFactory(municipality=home)
    return council


def iso(day: datetime.date) -> str:
    return day.isoformat()


def submit(page: Page) -> None:
    """Press the one submit button of the page's main form."""
    page.locator("main form[method=post] button[type=submit]").click()


def follow(page: Page, href: str) -> None:
    """Click the (first) link in the main content that leads to ``href``, and arrive."""
    page.locator(f"main a[href='{href}']").first.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    page.wait_for_load_state("load")


def expect_section_swapped_in_place(page: Page, section: Locator, others: list[str]) -> None:
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping"
    assert page.evaluate(OTHER_SECTIONS, section.get_attribute("id")) == others, (
        "a section other than the one edited changed"
    )


def test_coordinator_and_police_build_and_sign_an_agreement(
    page: Page, open_page, log_in, live_server, owner, liaison, background
):
    today = timezone.localdate()
    last_year = today.year - 1
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year + 3, 12, 31)
    log_in(owner)

    # --- the municipality page, its councils and its coordination function ----------
    page.goto(HOME)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hemby")
    assert_accessible(page)

    follow(page, f"{HOME}councils/")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table tbody th")).to_have_text("Hemby trygghetsråd")
    assert_accessible(page)

    follow(page, f"{HOME}coordination/")
    expect(page.locator("main dl.facts")).to_contain_text("trygghet@example.se")
    assert_accessible(page)
    follow(page, HOME)

    # --- a lägesbild, marked current, with two priority problems -------------------
    follow(page, f"{HOME}situational-pictures/")
    assert_accessible(page)

    follow(page, f"{HOME}situational-pictures/new/")
    assert_accessible(page)
    page.fill("#id_title", f"Lägesbild {last_year}")
    page.select_option("#id_owner", "joint")
    page.fill("#id_period_start", iso(datetime.date(last_year, 1, 1)))
    page.fill("#id_period_end", iso(datetime.date(last_year, 12, 31)))
    page.fill("#id_mapping", "Anmälda våldsbrott i centrum ökade under året, mest helgkvällar.")
    page.fill("#id_other_information", "Trygghetsmätningen visar oro kring resecentrum.")
    page.fill("#id_analysis", "Troliga orsaker: dålig belysning och få vuxna ute kvällstid.")
    page.fill("#id_decided_by", "Kommunstyrelsen")
    page.fill("#id_decided_on", iso(today - datetime.timedelta(days=14)))
    page.fill("#id_next_review", iso(today + datetime.timedelta(days=365)))
    page.check("#id_is_current")
    submit(page)

    expect(page).to_have_url(re.compile(r"/situational-pictures/\d+/$"))
    picture_url = page.url.removeprefix(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lägesbild {last_year}")
    expect(page.locator("main .lead .tag--current")).to_be_visible()
    for section_text in ("mest helgkvällar", "oro kring resecentrum", "dålig belysning"):
        expect(page.locator("main")).to_contain_text(section_text)
    assert_accessible(page)

    problems = [
        ("Våld i centrum helgkvällar", "situational", "Stora torget"),
        ("Unga som rekryteras till kriminalitet", "social", "Norrby"),
    ]
    for title, perspective, place in problems:
        follow(page, f"{picture_url}problems/new/")
        assert_accessible(page)
        page.fill("#id_title", title)
        page.select_option("#id_perspective", perspective)
        page.fill("#id_description", f"{title}: beskrivning från kartläggningen.")
        page.fill("#id_place", place)
        page.fill("#id_cause_analysis", "Få vuxna ute, brist på meningsfull fritid.")
        submit(page)
        expect(page).to_have_url(re.compile(r"/problems/\d+/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        assert_accessible(page)
        page.locator(f"nav.breadcrumbs a[href='{picture_url}']").click()

    rows = page.locator("#problem-list tbody tr")
    expect(rows).to_have_count(2)
    for row, (title, _perspective, place) in zip(rows.all(), problems, strict=True):
        expect(row.get_by_role("rowheader")).to_have_text(title)
        expect(row).to_contain_text(place)
    assert_accessible(page)

    # --- a draft agreement --------------------------------------------------------
    page.locator(f"nav.breadcrumbs a[href='{HOME}']").click()
    expect(page.locator("main .compliance")).to_contain_text(f"Lägesbild {last_year}")
    assert_accessible(page)
    follow(page, f"{HOME}agreements/")
    assert_accessible(page)
    follow(page, f"{HOME}agreements/new/")
    assert_accessible(page)
    page.fill("#id_title", "Samverkansöverenskommelse Hemby")
    page.fill("#id_start_date", iso(start))
    page.fill("#id_end_date", iso(end))
    submit(page)

    expect(page).to_have_url(re.compile(r"/agreements/\d+/$"))
    agreement_url = page.url.removeprefix(live_server.url)
    agreement_pk = int(agreement_url.strip("/").split("/")[-1])
    expect(page.locator("main .status--draft")).to_be_visible()
    # The police area and the current lägesbild's problems are filled in for you.
    expect(page.locator("#section-basics")).to_contain_text("Lokalpolisområde Hemby")
    expect(page.locator("#section-problems li")).to_have_count(2)
    assert_accessible(page)

    # --- in place with htmx: documentation and follow-up --------------------------
    section = page.locator("#section-follow-up")
    page.evaluate("window.__marker = 1")
    others = page.evaluate(OTHER_SECTIONS, "section-follow-up")
    heading = section.get_by_role("heading", level=2).inner_text()

    section.locator("a.edit-link").click()
    expect(section.locator("form")).to_be_visible()
    # The form says which section it edits, and focus is in its first field.
    expect(section.get_by_role("heading", level=2)).to_contain_text(heading)
    expect(page.locator("#id_documentation")).to_be_focused()
    expect_section_swapped_in_place(page, section, others)
    assert_accessible(page)

    page.fill("#id_documentation", "Aktiviteterna förs in i Samverkan med datum och resultat.")
    page.fill("#id_follow_up_by", "Rådets beredningsgrupp")
    page.select_option("#id_follow_up_frequency", "tertial")
    section.locator("button[type=submit]").click()

    expect(section.locator("form")).to_have_count(0)
    expect(section.locator(".message--success[role=status]")).to_be_visible()
    expect(section.locator("dl.facts")).to_contain_text("förs in i Samverkan")
    expect(section.locator("dl.facts")).to_contain_text("Rådets beredningsgrupp")
    expect(section.get_by_role("heading", level=2)).to_be_focused()
    expect_section_swapped_in_place(page, section, others)
    assert_accessible(page)

    # --- in place, with a mistake: the period ends before it starts ---------------
    section = page.locator("#section-basics")
    others = page.evaluate(OTHER_SECTIONS, "section-basics")
    section.locator("a.edit-link").click()
    expect(page.locator("#id_end_date")).to_be_visible()
    page.fill("#id_end_date", iso(start - datetime.timedelta(days=1)))
    section.locator("button[type=submit]").click()

    summary = section.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_end_date']")).to_be_visible()
    expect(page.locator("#id_end_date_error")).to_be_visible()
    expect(page.locator("#id_end_date")).to_have_attribute("aria-invalid", "true")
    expect_section_swapped_in_place(page, section, others)
    assert_accessible(page)

    summary.locator("a[href='#id_end_date']").click()
    expect(page.locator("#id_end_date")).to_be_focused()
    page.fill("#id_end_date", iso(end))
    section.locator("button[type=submit]").click()
    expect(section.locator(".message--success[role=status]")).to_be_visible()
    expect(section.locator("[data-error-summary]")).to_have_count(0)
    expect_section_swapped_in_place(page, section, others)
    assert_accessible(page)

    # --- in place once more: the signatories -------------------------------------
    section = page.locator("#section-signatories")
    others = page.evaluate(OTHER_SECTIONS, "section-signatories")
    section.locator("a.edit-link").click()
    expect(page.locator("#id_municipality_signatory_name")).to_be_focused()
    page.fill("#id_municipality_signatory_name", "Karin Lind")
    page.fill("#id_municipality_signatory_title", "Kommunstyrelsens ordförande")
    page.fill("#id_police_signatory_name", "Johan Berg")
    page.fill("#id_police_signatory_title", "Lokalpolisområdeschef")
    section.locator("button[type=submit]").click()
    expect(section.locator(".message--success[role=status]")).to_be_visible()
    expect(section.locator("dl.facts")).to_contain_text("Karin Lind, Kommunstyrelsens ordförande")
    expect(section.locator("dl.facts")).to_contain_text("Johan Berg, Lokalpolisområdeschef")
    expect_section_swapped_in_place(page, section, others)
    assert_accessible(page)

    # --- a focus area and a measurable goal ---------------------------------------
    follow(page, f"{agreement_url}focus-areas/new/")
    assert_accessible(page)
    page.fill("#id_title", "Trygg stadskärna")
    page.fill("#id_description", "Centrum kvällstid, särskilt helger.")
    submit(page)
    expect(page.locator("#section-focus-areas")).to_contain_text("Trygg stadskärna")

    follow(page, f"{agreement_url}goals/new/")
    assert_accessible(page)
    page.fill("#id_text", "Färre upplever otrygghet i centrum")
    page.fill("#id_target_value", "2.0")
    page.fill("#id_target_year", str(end.year))
    submit(page)

    # A target without an indicator: said at the top, focused, linked to the field.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    link = summary.locator("a[href='#id_indicator_name']")
    expect(link).to_be_visible()
    expect(page.locator("#id_indicator_name_error")).to_be_visible()
    expect(page.locator("#id_target_value")).to_have_value("2.0")
    assert_accessible(page)
    link.click()
    expect(page.locator("#id_indicator_name")).to_be_focused()

    page.select_option("#id_focus_area", label="Trygg stadskärna")
    page.fill("#id_indicator_name", "Problemindex, polisens trygghetsmätning")
    page.fill("#id_indicator_source", "Polisens trygghetsmätning")
    page.fill("#id_indicator_unit", "index 0–6")
    page.fill("#id_baseline_value", "2.4")
    page.fill("#id_baseline_year", str(last_year))
    submit(page)

    goals = page.locator("#section-goals tbody tr")
    expect(goals).to_have_count(1)
    expect(goals.get_by_role("rowheader")).to_contain_text("Färre upplever otrygghet i centrum")
    expect(goals).to_contain_text(f"({last_year})")
    expect(goals).to_contain_text(f"({end.year})")
    assert_accessible(page)

    # --- send for signature, sign for the municipality ----------------------------
    page.locator(f"main form[action='{agreement_url}submit/'] button").click()
    expect(page.locator("main .status--awaiting_signature")).to_be_visible()
    expect(page.locator("main a.edit-link")).to_have_count(0)
    expect(page.locator(f"main a[href='{agreement_url}sign/police/']")).to_have_count(0)
    assert_accessible(page)

    follow(page, f"{agreement_url}sign/municipality/")
    assert_accessible(page)
    expect(page.locator("#id_name")).to_have_value("Karin Lind")
    page.fill("#id_signed_on", iso(today))
    submit(page)
    expect(page).to_have_url(f"{live_server.url}{agreement_url}")
    expect(page.locator("main .status--awaiting_signature")).to_be_visible()
    expect(page.locator(f"main a[href='{agreement_url}sign/municipality/']")).to_have_count(0)
    assert_accessible(page)

    # --- the police liaison, at their own computer, signs for the police ----------
    police = open_page()
    police.goto("/accounts/login/")
    police.fill("#id_username", liaison.username)
    police.fill("#id_password", PASSWORD)
    police.locator("main form button[type=submit]").click()
    police.locator(f"main a[href='{HOME}']").click()
    follow(police, f"{HOME}agreements/")
    expect(police.locator("main table .status--awaiting_signature")).to_be_visible()
    assert_accessible(police)
    follow(police, agreement_url)
    expect(police.locator("main a.edit-link")).to_have_count(0)
    assert_accessible(police)

    follow(police, f"{agreement_url}sign/police/")
    assert_accessible(police)
    expect(police.locator("#id_name")).to_have_value("Johan Berg")
    police.fill("#id_signed_on", iso(today))
    submit(police)

    # --- in force, exactly as signed ----------------------------------------------
    expect(police).to_have_url(f"{live_server.url}{agreement_url}")
    expect(police.locator("main .status--in_force")).to_be_visible()
    signed = police.locator("main")
    for text in (
        "Lokalpolisområde Hemby",
        *(title for title, _perspective, _place in problems),
        "Trygg stadskärna",
        "Färre upplever otrygghet i centrum",
        "Problemindex, polisens trygghetsmätning",
        "förs in i Samverkan",
        "Rådets beredningsgrupp",
        "Karin Lind",
        "Johan Berg",
    ):
        expect(signed).to_contain_text(text)
    assert_accessible(police)

    page.reload()
    expect(page.locator("main .status--in_force")).to_be_visible()
    expect(page.locator("main a.edit-link")).to_have_count(0)
    assert_accessible(page)
    agreement = Agreement.objects.get(pk=agreement_pk)
    assert agreement.status == Agreement.Status.SIGNED
    assert agreement.signed_snapshot["goals"][0]["indicator_name"] == (
        "Problemindex, polisens trygghetsmätning"
    )

    follow(page, f"{HOME}agreements/")
    expect(page.locator("main table .status--in_force")).to_be_visible()
    follow(page, agreement_url)

    # --- who changed what, and when -----------------------------------------------
    follow(page, f"/history/agreements.agreement/{agreement_pk}/")
    entries = page.locator("main ol.history > li")
    # created, three sections saved, sent, signed twice (the failed save left no trace)
    expect(entries).to_have_count(7)
    expect(entries.first).to_contain_text(str(liaison))
    expect(entries.first).to_contain_text("Lokalpolisområde Hemby")
    expect(entries.last).to_contain_text(str(owner))
    expect(entries.last).to_contain_text("Hemby kommun")
    assert_accessible(page)
