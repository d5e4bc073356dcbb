"""The benchmark's main pages, found in whichever data set this process runs on.

The same pages exist in the national data set (``bench.seed_national``) and in the
small demo one (``manage.py seed_demo``), opened by the same kind of user, so their
query counts can be compared: they must be equal.

``python -m bench.pages`` prints the query counts of the database that
``DATABASE_URL`` names as JSON; ``bench.run`` runs it on the demo database.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from councils.models import Role, User  # noqa: E402
from pledges.models import Pledge  # noqa: E402

#: what the search pages look for: an inflected form of a word of the activities' titles
SEARCH_QUERY = "trygghetsvandringar"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    #: who opens it; None for an anonymous resident
    username: str | None
    url: str


def _pledge(code: str, status: str, title: str = "") -> Pledge:
    return (
        Pledge.objects.filter(municipality__code=code, status=status, title__startswith=title)
        .order_by("-period_start", "-pk")
        .first()
    )


def _liaison_of(code: str) -> str:
    return (
        User.objects.filter(
            memberships__role=Role.POLICE_LIAISON,
            memberships__organisation__local_police_area__municipalities__code=code,
        )
        .order_by("username")
        .values_list("username", flat=True)
        .first()
    )


def _pages(
    *,
    coordinator,
    county_officer,
    county_code,
    reader,
    editor_code,
    editor_user,
    published_code,
    draft_code,
    draft_user,
    partner_reporter,
    partner_contact,
    est_code,
    est_user,
    title="",
) -> list[Page]:
    published = _pledge(published_code, Pledge.Status.PUBLISHED, title)
    in_review = _pledge(editor_code, Pledge.Status.IN_REVIEW, title)
    draft = _pledge(draft_code, Pledge.Status.DRAFT, title)
    editor_size = in_review.activities.filter(deleted_at__isnull=True).count()
    draft_size = draft.activities.filter(deleted_at__isnull=True).count()
    public_size = published.activities.filter(deleted_at__isnull=True).count()
    return [
        # the lightest signed-in page there is: a template and the layout, no data of its own
        Page(
            "empty-signed-in",
            "empty signed-in page (password changed), coordinator",
            coordinator,
            reverse("password_change_done"),
        ),
        # a signed-in request and nothing else: what the middleware costs
        Page(
            "signed-in-ping",
            "signed-in request, no page (/accounts/ping/), coordinator",
            coordinator,
            reverse("account-ping"),
        ),
        Page("start-county", "start page, county officer", county_officer, reverse("home")),
        Page("start-coordinator", "start page, coordinator", coordinator, reverse("home")),
        Page(
            "start-liaison", "start page, police liaison", _liaison_of(editor_code), reverse("home")
        ),
        Page(
            "start-national", "start page, national reader (21 counties)", reader, reverse("home")
        ),
        Page("start-reporter", "start page, partner reporter", partner_reporter, reverse("home")),
        Page(
            "start-contact",
            "start page, partner contact and administrator",
            partner_contact,
            reverse("home"),
        ),
        Page(
            "municipality-list",
            "municipality list, national reader",
            reader,
            reverse("municipality-list"),
        ),
        Page(
            "municipality-page",
            "municipality page, coordinator",
            coordinator,
            reverse("municipality-detail", args=[published_code]),
        ),
        Page(
            "editor",
            f"pledge editor ({editor_size} activities), coordinator",
            editor_user,
            reverse("pledge-detail", args=[in_review.pk]),
        ),
        Page(
            "editor-draft",
            f"pledge editor, editable draft ({draft_size} activities), coordinator",
            draft_user,
            reverse("pledge-detail", args=[draft.pk]),
        ),
        Page(
            "review-queue",
            "review queue, police liaison",
            _liaison_of(editor_code),
            reverse("review-queue"),
        ),
        Page(
            "review-page",
            f"pledge review page ({editor_size} activities), police liaison",
            _liaison_of(editor_code),
            reverse("pledge-review", args=[in_review.pk]),
        ),
        Page(
            "public-pledge",
            f"public pledge page ({public_size} activities), anonymous",
            None,
            reverse("public-pledge", args=[published.pk]),
        ),
        Page("public-index", "public index, anonymous", None, reverse("public-index")),
        Page(
            "open-data-activities",
            "open data: activities CSV, anonymous",
            None,
            reverse("open-data-activities", args=["csv"]),
        ),
        Page(
            "county-dashboard",
            "county dashboard, county officer",
            county_officer,
            reverse("county-dashboard", args=[county_code]),
        ),
        Page(
            "follow-up",
            f"pledge follow-up view ({public_size} activities), coordinator",
            coordinator,
            reverse("pledge-follow-up", args=[published.pk]),
        ),
        Page(
            "search",
            "search “Uppsala”, national reader",
            reader,
            f"{reverse('search')}?q=Uppsala",
        ),
        # the worst case: every activity of the national data says "trygghetsvandring",
        # so the search ranks all 53 000 and shows the first of each kind
        Page(
            "search-everything",
            f"search “{SEARCH_QUERY}” (every activity), national reader",
            reader,
            f"{reverse('search')}?q={SEARCH_QUERY}",
        ),
        Page(
            "public-search",
            f"public search “{SEARCH_QUERY}”, anonymous",
            None,
            f"{reverse('public-search')}?q={SEARCH_QUERY}",
        ),
        Page(
            "est-picture",
            "EST weekly picture, big municipality, coordinator",
            est_user,
            reverse("est-picture", args=[est_code]),
        ),
    ]


def national_pages() -> list[Page]:
    """Stockholm's pledge of 60 activities in review, Uppsala's published pledge,
    Västra Götaland's 49 municipalities on the dashboard."""
    from bench.seed_est import EST_MUNICIPALITY, contact_username, partner_username
    from bench.seed_national import BENCH_PLEDGE, EDITOR_DRAFT_MUNICIPALITY, REVIEW_MUNICIPALITY

    return _pages(
        coordinator="coord0380",
        county_officer="county14",
        county_code="14",
        reader="national",
        editor_code=REVIEW_MUNICIPALITY,
        editor_user=f"coord{REVIEW_MUNICIPALITY}",
        published_code="0380",
        draft_code=EDITOR_DRAFT_MUNICIPALITY,
        draft_user=f"coord{EDITOR_DRAFT_MUNICIPALITY}",
        partner_reporter=partner_username(EST_MUNICIPALITY, 1),
        partner_contact=contact_username(EST_MUNICIPALITY),
        est_code=EST_MUNICIPALITY,
        est_user=f"coord{EST_MUNICIPALITY}",
        title=BENCH_PLEDGE,
    )


def demo_pages() -> list[Page]:
    """The same pages in the demo data (Uppsala län): Enköping's pledge in review,
    Uppsala's published one."""
    return _pages(
        coordinator="samordnare",
        county_officer="lansstyrelsen",
        county_code="03",
        reader="bra",
        editor_code="0381",
        editor_user="samordnare.enkoping",
        published_code="0380",
        draft_code="0305",
        draft_user=habo_coordinator(),
        partner_reporter="bostadsbolag.rapportor",
        partner_contact="bostadsbolag.kontakt",
        est_code="0380",
        est_user="samordnare",
    )


def habo_coordinator() -> str:
    """The demo's Håbo draft has no coordinator (its author is the superuser): the
    bench's own demo database gets one, so the draft editor is opened as in the
    national data."""
    from councils.models import Membership, Organisation

    user, _created = User.objects.get_or_create(
        username="bench.samordnare.habo", defaults={"email": "bench.habo@example.se"}
    )
    Membership.objects.get_or_create(
        user=user,
        organisation=Organisation.objects.get(municipality__code="0305"),
        role=Role.COORDINATOR,
    )
    return user.username


def client_for(username: str | None) -> Client:
    client = Client()
    if username is not None:
        client.force_login(User.objects.get(username=username))
    return client


@dataclass(frozen=True)
class Post:
    """A form saved by POST (a redirect on success), as ``username`` sends it."""

    key: str
    label: str
    username: str
    url: str
    data: dict


def est_report_post(username: str, code: str) -> Post:
    """A partner reporter's incident report on the report form: a place and category
    of the municipality, today, two incidents of graffiti."""
    from councils import access, dates
    from councils.models import Municipality
    from est.models import Category, Place

    user = User.objects.get(username=username)
    municipality = Municipality.objects.get(code=code)
    place = Place.objects.filter(municipality=municipality, active=True).order_by("pk").first()
    category = Category.objects.get(municipality=None, code="klotter")
    data = {
        "organisation": access.reporting_organisations(user, municipality)[0],
        "occurred_on": dates.today().isoformat(),
        "time_band": "evening",
        "occurred_at": "",
        "place": place.pk,
        "category": category.pk,
        "count": 2,
        "cost": 1500,
        "description": "",
        "version": "",
    }
    return Post(
        "est-report-save",
        "EST report form: save (POST), partner reporter",
        username,
        reverse("est-report-create", args=[code]),
        {k: str(v) for k, v in data.items()},
    )


def national_posts() -> list[Post]:
    from bench.seed_est import EST_MUNICIPALITY, partner_username

    return [est_report_post(partner_username(EST_MUNICIPALITY, 1), EST_MUNICIPALITY)]


def demo_posts() -> list[Post]:
    return [est_report_post("bostadsbolag.rapportor", "0380")]


def post_counts(posts: list[Post]) -> dict[str, int]:
    """Queries of each form's save (its redirect), with an empty cache."""
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    counts = {}
    for post in posts:
        client = client_for(post.username)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(post.url, post.data)
        assert response.status_code == 302, (post.url, response.status_code)
        counts[post.key] = len(captured)
    return counts


def query_counts(pages: list[Page]) -> dict[str, int]:
    """Queries of each page's first request, with an empty cache."""
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    counts = {}
    for page in pages:
        client = client_for(page.username)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url)
        assert response.status_code == 200, (page.url, response.status_code)
        counts[page.key] = len(captured)
    return counts


if __name__ == "__main__":
    print(json.dumps(query_counts(demo_pages()) | post_counts(demo_posts())))
