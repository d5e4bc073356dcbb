"""The police review and sign-off in the browser (issue 4).

A coordinator has sent a pledge with three activities for review. The police liaison
finds it from the notifications and the review queue, comments on the pledge and on
one activity, and asks for changes (first without saying what: the error summary
takes focus). The coordinator, at a computer of their own, reads the request and the
comments, answers one, changes an activity in place and sends the pledge again. The
liaison sees what changed since the last review, resolves the comment and approves;
each party signs on its own sign page (the municipality first with a mistake) and the
pledge is published. A resident then reads the public page: the promise and the
activities with their status, and nothing internal. axe checks every page and state.

Selectors lean on ids, names, hrefs and test data, never on translated text.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from pledges import services
from pledges.models import Activity, Comment, Pledge, Review
from tests import factories as f
from tests.e2e.a11y import assert_accessible

PUBLIC_TEXT = "Vi lovar fler vuxna ute på kvällarna vid resecentrum."
PLEDGE_COMMENT = "Hur når ni ungdomarna som inte går till fritidsgården?"
ACTIVITY_COMMENT = "Vilka sträckor ska vandringen gå, och vilka kvällar?"
REQUEST = "Förtydliga trygghetsvandringens sträcka och vem som leder den."
NIGHT_DRAFT = "Utkast: vilka kvällar går nattvandringen?"
ANSWER = "Fältassistenterna söker upp dem där de är, se aktiviteten Nattvandring."
RESPONSIBLE = "Anna Ansvarig"  # an internal name: residents see only the responsible party
NEW_TITLE = "Trygghetsvandring Resecentrum–Stora torget"
NEW_DESCRIPTION = "Varannan torsdag kväll, ledd av kommunens trygghetssamordnare."


@pytest.fixture
def submitted(home, police_area, owner):
    """A pledge with three activities that the coordinator has sent for review."""
    pledge = f.PledgeFactory(
        municipality=home, title="Medborgarlöfte Hemby 2026", public_text=PUBLIC_TEXT
    )
    walk = f.ActivityFactory(
        pledge=pledge,
        title="Trygghetsvandring",
        order=1,
        responsible_party=Activity.Party.MUNICIPALITY,
        responsible_name=RESPONSIBLE,
        responsible_email="anna.ansvarig@example.se",
    )
    night = f.ActivityFactory(
        pledge=pledge,
        title="Nattvandring",
        order=2,
        type=Activity.Type.SOCIAL,
        status=Activity.Status.ONGOING,
        start_date=None,
        end_date=None,
        recurrence="Varje fredag kväll",
    )
    light = f.ActivityFactory(
        pledge=pledge,
        title="Bättre belysning i gångtunneln",
        order=3,
        responsible_party=Activity.Party.PARTNER,
        partner_name="Hembybostäder",
    )
    services.pledge_submit(user=owner, pledge=pledge)
    return pledge, [walk, night, light]


def sign_in(tab: Page, user, live_server) -> Page:
    """Give ``tab``'s browser a session for ``user`` (the login form has its own journey)."""
    client = Client()
    client.force_login(user)
    tab.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return tab


def arrive(tab: Page, path: str) -> None:
    """The browser is at ``path`` (an anchor may follow) and the page has loaded."""
    expect(tab).to_have_url(re.compile(re.escape(path) + r"(#.*)?$"))
    tab.wait_for_load_state("load")


def open_notifications(tab: Page) -> None:
    tab.locator("header a[href='/notifications/']").click()
    arrive(tab, "/notifications/")
    expect(tab.locator("main ul.notifications > li").first).to_be_visible()


def comment_box(tab: Page, key) -> Locator:
    """One comment box of the page's one form (councils.drafts)."""
    return tab.locator(f"#box-comment-{key}")


CHANGES = "#id_changes_draft-changes-message"


def contrast(element: Locator) -> float:
    """WCAG contrast ratio of an element's text against its own background colour.

    axe leaves a one-character text (a count in a badge) as "needs review", not as a
    violation: this checks it.
    """
    colours = element.evaluate(
        "(e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
    )

    def luminance(css: str) -> float:
        red, green, blue = (int(n) / 255 for n in re.findall(r"[\d.]+", css)[:3])
        linear = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted(map(luminance, colours), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def thread_of(tab: Page, text: str):
    """The comment thread (an article) that begins with ``text``."""
    return tab.locator("article.comment", has=tab.locator("p", has_text=text))


def test_liaison_reviews_coordinator_answers_both_sign_and_residents_read_it(
    page: Page, open_page, log_in, live_server, owner, liaison, submitted
):
    pledge, (walk, night, light) = submitted
    detail = f"/pledges/{pledge.pk}/"
    review = f"{detail}review/"
    today = timezone.localdate()

    # --- the liaison: from the header's notifications to the review queue ------------
    police = log_in(liaison)
    police.goto("/")
    badge = police.locator("header a[href='/notifications/'] .tag")
    expect(badge).to_contain_text("1")
    assert contrast(badge) >= 4.5, "the count of unread notifications is not readable"
    assert_accessible(police)
    open_notifications(police)
    expect(police.locator(f"main ul.notifications a[href='{review}']")).to_have_count(1)
    assert_accessible(police)

    police.locator("main a[href='/review/']").click()
    arrive(police, "/review/")
    queue = police.locator("main table").first
    expect(queue.get_by_role("rowheader")).to_have_text([pledge.title])
    expect(queue).to_contain_text(str(owner))
    assert_accessible(police)

    queue.locator(f"a[href='{review}']").click()
    arrive(police, review)
    expect(police.locator("main .status--in_review")).to_be_visible()
    # the first review: every activity is new to the police
    expect(police.locator("#changes li")).to_have_count(3)
    for activity in (walk, night, light):
        expect(police.locator(f"#activity-{activity.pk} h3")).to_have_text(activity.title)
    expect(police.locator("#decision")).to_be_visible()
    assert_accessible(police)

    # --- a comment on the pledge, first empty: the error in its own box (htmx) ---------
    police.evaluate("window.__marker = 1")
    comment_box(police, "pledge").locator("button[type=submit]").click()
    expect(police.locator("#comment-text-pledge")).to_have_attribute("aria-invalid", "true")
    expect(police.locator("#comment-text-pledge_error")).to_be_visible()
    assert_accessible(police)
    police.fill("#comment-text-pledge", PLEDGE_COMMENT)
    comment_box(police, "pledge").locator("button[type=submit]").click()
    expect(thread_of(police, PLEDGE_COMMENT)).to_be_visible()
    expect(police.locator("#comment-text-pledge")).to_have_value("")
    assert_accessible(police)

    # --- two drafts typed, a third box sent: the drafts stay as typed -----------------
    police.fill(CHANGES, REQUEST)
    police.fill(f"#comment-text-{night.pk}", NIGHT_DRAFT)
    police.fill(f"#comment-text-{walk.pk}", ACTIVITY_COMMENT)
    comment_box(police, walk.pk).locator("button[type=submit]").click()
    expect(police.locator(f"#activity-{walk.pk} article.comment")).to_contain_text(ACTIVITY_COMMENT)
    expect(police.locator(f"#comment-text-{walk.pk}")).to_have_value("")
    expect(police.locator(CHANGES)).to_have_value(REQUEST)
    expect(police.locator(f"#comment-text-{night.pk}")).to_have_value(NIGHT_DRAFT)
    expect(police.locator(f"#activity-{night.pk} article.comment")).to_have_count(0)
    assert police.evaluate("window.__marker") == 1, "the page reloaded instead of swapping"
    assert_accessible(police)

    # --- ask for changes: first without saying what -----------------------------------
    police.fill(CHANGES, "")
    police.locator("#box-changes button[type=submit]").click()
    summary = police.locator("#box-changes [data-error-summary]")
    expect(summary).to_be_focused()
    link = summary.locator(f"a[href='{CHANGES}']")
    expect(link).to_be_visible()
    expect(police.locator(f"{CHANGES}_error")).to_be_visible()
    expect(police.locator(CHANGES)).to_have_attribute("aria-invalid", "true")
    expect(police.locator("main .status--in_review")).to_be_visible()
    expect(police.locator(f"#comment-text-{night.pk}")).to_have_value(NIGHT_DRAFT)
    assert_accessible(police)
    link.click()
    expect(police.locator(CHANGES)).to_be_focused()
    police.fill(CHANGES, REQUEST)
    police.locator("#box-changes button[type=submit]").click()
    expect(police.locator("main .status--changes_requested")).to_be_visible()
    arrive(police, review)
    # the page changed with the decision; the draft in another box came back with it
    expect(police.locator(f"#comment-text-{night.pk}")).to_have_value(NIGHT_DRAFT)
    expect(police.locator("#review-state")).to_contain_text("begärt ändringar")
    expect(police.locator("#decision")).to_have_count(0)
    expect(police.locator("#reviews tbody tr")).to_have_count(1)
    expect(police.locator("#reviews tbody")).to_contain_text(REQUEST)
    assert_accessible(police)

    # --- the coordinator, at their own computer, reads the request and the comments ---
    town = sign_in(open_page(), owner, live_server)
    town.goto("/")
    open_notifications(town)
    notices = town.locator("main ul.notifications > li")
    expect(notices).to_have_count(3)  # two comments and the request
    for text in (REQUEST, PLEDGE_COMMENT, ACTIVITY_COMMENT):
        expect(town.locator("main ul.notifications")).to_contain_text(text)
    assert_accessible(town)

    notices.filter(has_text=REQUEST).locator(f"a[href='{detail}']").click()
    arrive(town, detail)
    expect(town.locator("main .status--changes_requested")).to_be_visible()
    expect(town.locator("main .message--error")).to_contain_text(REQUEST)
    comments = town.locator("#comments")
    expect(comments).to_contain_text(PLEDGE_COMMENT)
    expect(comments).to_contain_text(ACTIVITY_COMMENT)
    assert_accessible(town)

    # --- answers the comment on the pledge --------------------------------------------
    root = Comment.objects.get(text=PLEDGE_COMMENT)
    thread = town.locator(f"#comment-{root.pk}")
    thread.locator("details > summary").click()
    expect(town.locator(f"#comment-text-reply-{root.pk}")).to_be_visible()
    assert_accessible(town)
    town.fill(f"#comment-text-reply-{root.pk}", ANSWER)
    thread.locator("details button[type=submit]").click()
    expect(thread.locator("div.comment")).to_contain_text(ANSWER)
    assert_accessible(town)

    # --- changes the activity in place (htmx), then sends the pledge again ------------
    town.evaluate("window.__marker = 1")
    row = town.locator(f"#activity-{walk.pk}")
    row.locator("a[href$='/edit/']").click()
    expect(town.locator(f"#id_activity-{walk.pk}-title")).to_be_focused()
    assert_accessible(town)
    town.fill(f"#id_activity-{walk.pk}-title", NEW_TITLE)
    town.fill(f"#id_activity-{walk.pk}-description", NEW_DESCRIPTION)
    row.locator("button[type=submit]").click()
    expect(row.get_by_role("rowheader")).to_contain_text(NEW_TITLE)
    expect(row.locator("form[action$='/edit/']")).to_have_count(0)
    # focus stays with the saved row, not on the submit panel swapped beside it
    expect(row).to_be_focused()
    assert town.evaluate("window.__marker") == 1, "the page reloaded instead of swapping"
    assert_accessible(town)

    town.locator("#submit-panel button[type=submit]").click()
    arrive(town, detail)
    expect(town.locator("main .status--in_review")).to_be_visible()
    expect(town.locator("#activities a[href$='/edit/']")).to_have_count(0)
    assert_accessible(town)

    # --- the liaison reads the notices, then sees what changed since the last review ---
    open_notifications(police)
    expect(police.locator("main ul.notifications > li")).to_have_count(3)
    expect(police.locator("main ul.notifications")).to_contain_text(ANSWER)
    police.locator("main form[action='/notifications/read/'] button").click()
    arrive(police, "/notifications/")
    expect(police.locator("header a[href='/notifications/'] .tag")).to_have_count(0)
    expect(police.locator("main .notification--unread")).to_have_count(0)
    assert_accessible(police)
    police.locator(f"main ul.notifications a[href='{review}']").first.click()
    arrive(police, review)
    changes = police.locator("#changes")
    # one activity changed, nothing else: no field of the pledge, none added or removed
    expect(changes.locator("table")).to_have_count(1)
    expect(changes.locator("ins, del")).to_have_count(4)
    changed = changes.locator("table", has=police.locator("caption", has_text=NEW_TITLE))
    expect(changed.locator("del")).to_contain_text(["Trygghetsvandring", walk.description])
    expect(changed.locator("ins")).to_contain_text([NEW_TITLE, NEW_DESCRIPTION])
    expect(changes).not_to_contain_text(night.title)
    expect(police.locator(f"#comment-{root.pk}")).to_contain_text(ANSWER)
    assert_accessible(police)

    # --- resolves the answered comment, then approves ---------------------------------
    police.locator(f"button[formaction='/comments/{root.pk}/resolve/']").click()
    resolved = police.locator(f"#comment-{root.pk}")
    expect(resolved.locator(".tag")).to_be_visible()
    expect(resolved.locator("button[formaction$='/resolve/']")).to_have_count(0)
    expect(resolved).to_contain_text(ANSWER)  # resolved comments stay in the history
    assert_accessible(police)

    police.locator("#box-approve button[type=submit]").click()
    expect(police.locator("main .status--approved")).to_be_visible()
    arrive(police, review)
    expect(police.locator("#review-state")).to_contain_text("godkänt")
    expect(police.locator("#signing")).to_be_visible()
    expect(police.locator("#reviews tbody tr")).to_have_count(2)
    assert_accessible(police)

    # --- the coordinator signs for the municipality, first with a date to come --------
    town.reload()
    expect(town.locator("main .status--approved")).to_be_visible()
    expect(town.locator(f"main a[href='{detail}sign/police/']")).to_have_count(0)
    assert_accessible(town)
    town.locator(f"main a[href='{detail}sign/municipality/']").click()
    arrive(town, f"{detail}sign/municipality/")
    assert_accessible(town)
    town.fill("#id_name", "Karin Lind")
    town.fill("#id_title", "Kommunstyrelsens ordförande")
    town.fill("#id_signed_on", (today + datetime.timedelta(days=1)).isoformat())
    town.locator("main form[method=post] button[type=submit]").click()
    summary = town.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_signed_on']")).to_be_visible()
    expect(town.locator("#id_signed_on")).to_have_attribute("aria-invalid", "true")
    expect(town.locator("#id_name")).to_have_value("Karin Lind")
    assert_accessible(town)
    town.fill("#id_signed_on", today.isoformat())
    town.locator("main form[method=post] button[type=submit]").click()
    arrive(town, detail)  # the coordinator's own page, not the police's review page
    signing = town.locator("#signing")
    expect(signing).to_contain_text("Karin Lind")
    expect(signing.locator(f"a[href='{detail}sign/municipality/']")).to_have_count(0)
    expect(town.locator("main .status--approved")).to_be_visible()
    assert_accessible(town)

    # --- the liaison, back in the queue, signs for the police: the pledge is published -
    police.locator("nav.breadcrumbs a[href='/review/']").click()
    arrive(police, "/review/")
    expect(police.locator("#h-in-review ~ .table-wrap")).to_have_count(0)
    awaiting = police.locator("section[aria-labelledby='h-awaiting'] table")
    expect(awaiting.get_by_role("rowheader")).to_have_text([pledge.title])
    assert_accessible(police)
    awaiting.locator(f"a[href='{detail}sign/police/']").click()
    arrive(police, f"{detail}sign/police/")
    assert_accessible(police)
    police.fill("#id_name", "Johan Berg")
    police.fill("#id_title", "Lokalpolisområdeschef")
    police.fill("#id_signed_on", today.isoformat())
    police.locator("main form[method=post] button[type=submit]").click()
    arrive(police, review)
    expect(police.locator("main .status--published")).to_be_visible()
    expect(police.locator("#signing")).to_contain_text("Karin Lind")
    expect(police.locator("#signing")).to_contain_text("Johan Berg")
    assert_accessible(police)

    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED
    assert list(pledge.reviews.values_list("outcome", flat=True)) == [
        Review.Outcome.APPROVED,
        Review.Outcome.CHANGES_REQUESTED,
    ]
    assert Comment.objects.get(pk=root.pk).resolved_by == liaison

    # --- a resident reads the published pledge ----------------------------------------
    resident = open_page()
    resident.goto("/public/pledges/")
    assert_accessible(resident)
    resident.locator(f"main a[href='/public/pledges/{pledge.pk}/']").click()
    arrive(resident, f"/public/pledges/{pledge.pk}/")
    main = resident.locator("main")
    expect(resident.get_by_role("heading", level=1)).to_have_text(pledge.title)
    expect(main).to_contain_text(PUBLIC_TEXT)
    rows = resident.locator("main table.public-activities tbody tr")
    expect(rows.get_by_role("rowheader")).to_contain_text([NEW_TITLE, night.title, light.title])
    expect(rows.nth(0).locator(".status--planned")).to_be_visible()
    expect(rows.nth(1).locator(".status--ongoing")).to_be_visible()
    expect(rows.nth(2)).to_contain_text("Hembybostäder")
    expect(main).to_contain_text("Karin Lind")
    expect(main).to_contain_text("Johan Berg")
    for internal in (
        PLEDGE_COMMENT,
        ACTIVITY_COMMENT,
        ANSWER,
        REQUEST,
        RESPONSIBLE,
        "anna.ansvarig@example.se",
        str(owner),
        str(liaison),
    ):
        expect(resident.locator("body")).not_to_contain_text(internal)
    assert "anna.ansvarig" not in resident.content()
    assert_accessible(resident)
