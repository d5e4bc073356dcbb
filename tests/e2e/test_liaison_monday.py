"""A police liaison's Monday in the browser (issue 14), on a desktop and on a phone.

The liaison logs in and lands on the start page, "Att göra": an agreement waits for
the police signature and a pledge for review. They follow the agreement item to its
signing form, which starts from their name, title and today's date, and sign; back on
the start page the item is gone. They follow the pledge item to the review page, type
what should be changed, comment on an activity and send the comment (the message they
typed is still there: no reload lost it), then send the pledge back with the message.
axe checks every page and state on the way; on the phone no page scrolls sideways.

The data is built from today (``councils.dates.today``) through the services: the
browser talks to a live server, whose clock the test does not stop.

Selectors lean on ids, names and hrefs, never on translated text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from agreements import services as agreement_services
from agreements.models import Agreement
from councils import dates
from pledges import services as pledge_services
from pledges.models import Comment, Pledge, Review
from tests import factories as f
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_pledge_review_journey import CHANGES, arrive, comment_box
from tests.e2e.test_reflow import OVERFLOWING

NAME, SURNAME, TITLE = "Johan", "Berg", "Lokalpolisområdeschef"
REQUEST = "Beskriv vilka kvällar trygghetsvandringen går och vem som leder den."
COMMENT = "Vilken sträcka ska vandringen gå?"


@pytest.fixture
def officer(liaison):
    """The liaison, with the name and job title their account carries."""
    liaison.first_name, liaison.last_name, liaison.title = NAME, SURNAME, TITLE
    liaison.save(update_fields=["first_name", "last_name", "title"])
    return liaison


@pytest.fixture
def agreement(owner, home, police_area, officer) -> Agreement:
    """An agreement for the coming years, naming the liaison as the police's signatory,
    that the coordinator has sent for signature."""
    year = dates.today().year
    picture = f.SituationalPictureFactory(
        municipality=home,
        is_current=True,
        period_start=dt.date(year - 1, 1, 1),
        period_end=dt.date(year - 1, 12, 31),
        decided_by="Kommunstyrelsen",
        decided_on=dates.today() - dt.timedelta(days=30),
    )
    f.PriorityProblemFactory(picture=picture, title="Otrygghet i centrum", rank=1)
    agreement = agreement_services.agreement_create(
        user=owner,
        municipality=home,
        title=f"Samverkansöverenskommelse Hemby {year + 1}–{year + 4}",
        start_date=dt.date(year + 1, 1, 1),
        end_date=dt.date(year + 4, 12, 31),
    )
    area = f.FocusAreaFactory(agreement=agreement, title="Trygg stadskärna")
    f.GoalFactory(agreement=agreement, focus_area=area, baseline_year=year, target_year=year + 4)
    Agreement.objects.filter(pk=agreement.pk).update(
        documentation="Aktiviteterna dokumenteras i Samverkan och följs upp i BRÅ-rådet.",
        follow_up_by="Brottsförebyggande rådet i Hemby",
        follow_up_frequency=Agreement.Frequency.TERTIAL,
        municipality_signatory_name="Karin Lind",
        municipality_signatory_title="Kommunstyrelsens ordförande",
        police_signatory_name=officer.get_full_name(),
        police_signatory_title=officer.title,
    )
    agreement.refresh_from_db()
    return agreement_services.agreement_submit_for_signature(user=owner, agreement=agreement)


@pytest.fixture
def pledge(owner, home, police_area):
    """Next year's pledge with two activities, sent for review by the coordinator."""
    year = dates.today().year + 1
    pledge = f.PledgeFactory(
        municipality=home,
        title=f"Medborgarlöfte Hemby {year}",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
    )
    for order, title in enumerate(("Trygghetsvandring", "Nattvandring"), start=1):
        f.ActivityFactory(
            pledge=pledge,
            title=title,
            order=order,
            start_date=dt.date(year, 2, 1),
            end_date=dt.date(year, 11, 30),
        )
    return pledge_services.pledge_submit(user=owner, pledge=pledge)


def checked(page: Page, width: int) -> None:
    """axe finds nothing on the page as it is now, and it does not scroll sideways."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{page.url} scrolls sideways at {width} px: {scroll_width} px wide; "
        f"reaching past the edge: {page.evaluate(OVERFLOWING)}"
    )
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_liaisons_monday(page: Page, log_in, officer, agreement, pledge, width):
    today = dates.today()
    start = reverse("home")
    sign = reverse("agreement-sign", args=[agreement.pk, "police"])
    review = reverse("pledge-review", args=[pledge.pk])
    walk = pledge.activities.get(title="Trygghetsvandring")
    page.set_viewport_size({"width": width, "height": 800})
    log_in(officer)

    # --- the start page: an agreement to sign and a pledge to review ---------------------
    page.goto(start)
    arrive(page, start)
    police = page.locator("section[aria-labelledby='police-heading']")
    expect(police.locator("#todo-signatures_police + ul a")).to_have_attribute("href", sign)
    expect(police.locator("#todo-review + ul a")).to_have_attribute("href", review)
    expect(page.locator("nav.site-nav a[href='/'] .tag")).to_contain_text("2")
    checked(page, width)

    # --- the agreement: the form starts from the liaison's name, title and today ---------
    police.locator(f"a[href='{sign}']").click()
    arrive(page, sign)
    expect(page.locator("#id_name")).to_have_value(f"{NAME} {SURNAME}")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_signed_on")).to_have_value(today.isoformat())
    checked(page, width)
    page.locator("main form[method=post] button[type=submit]").click()
    detail = reverse("agreement-detail", args=[agreement.pk])
    arrive(page, detail)
    expect(page.locator("main .status--awaiting_signature")).to_be_visible()
    expect(page.locator(f"main a[href='{sign}']")).to_have_count(0)
    checked(page, width)
    agreement.refresh_from_db()
    assert (agreement.police_signatory_name, agreement.police_signatory_title) == (
        f"{NAME} {SURNAME}",
        TITLE,
    )
    assert agreement.police_signed_on == today and agreement.police_signed_by == officer

    # --- back on the start page the signature is no longer to do -------------------------
    page.locator(f"nav.site-nav a[href='{start}']").click()
    arrive(page, start)
    expect(police.locator(f"a[href='{sign}']")).to_have_count(0)
    expect(police.locator("#todo-signatures_police + ul")).to_have_count(0)
    expect(page.locator("nav.site-nav a[href='/'] .tag")).to_contain_text("1")
    checked(page, width)

    # --- the pledge: a message typed, a comment on an activity sent ----------------------
    police.locator(f"a[href='{review}']").click()
    arrive(page, review)
    expect(page.locator("main .status--in_review")).to_be_visible()
    checked(page, width)
    page.evaluate("window.__marker = 1")
    page.fill(CHANGES, REQUEST)
    page.fill(f"#comment-text-{walk.pk}", COMMENT)
    comment_box(page, walk.pk).locator("button[type=submit]").click()
    expect(page.locator(f"#activity-{walk.pk} article.comment")).to_contain_text(COMMENT)
    expect(page.locator(f"#comment-text-{walk.pk}")).to_have_value("")
    expect(page.locator(CHANGES)).to_have_value(REQUEST)
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping"
    checked(page, width)

    # --- the pledge goes back with the message ---------------------------------------------
    page.locator("#box-changes button[type=submit]").click()
    expect(page.locator("main .status--changes_requested")).to_be_visible()
    arrive(page, review)
    expect(page.locator("#decision")).to_have_count(0)
    expect(page.locator("#reviews tbody")).to_contain_text(REQUEST)
    checked(page, width)

    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CHANGES_REQUESTED
    assert list(pledge.reviews.values_list("outcome", "message")) == [
        (Review.Outcome.CHANGES_REQUESTED, REQUEST)
    ]
    assert Comment.objects.get(activity=walk).text == COMMENT

    # --- and the start page has nothing left for the police --------------------------------
    page.locator(f"nav.site-nav a[href='{start}']").click()
    arrive(page, start)
    expect(police.locator("ul.todo-list")).to_have_count(0)
    expect(page.locator("nav.site-nav a[href='/'] .tag")).to_have_count(0)
    checked(page, width)
