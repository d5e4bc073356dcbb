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
    title="",
) -> list[Page]:
    published = _pledge(published_code, Pledge.Status.PUBLISHED, title)
    in_review = _pledge(editor_code, Pledge.Status.IN_REVIEW, title)
    editor_size = in_review.activities.filter(deleted_at__isnull=True).count()
    public_size = published.activities.filter(deleted_at__isnull=True).count()
    return [
        Page("start-county", "start page, county officer", county_officer, reverse("home")),
        Page("start-coordinator", "start page, coordinator", coordinator, reverse("home")),
        Page(
            "start-liaison", "start page, police liaison", _liaison_of(editor_code), reverse("home")
        ),
        Page(
            "start-national", "start page, national reader (21 counties)", reader, reverse("home")
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
    ]


def national_pages() -> list[Page]:
    """Stockholm's pledge of 60 activities in review, Uppsala's published pledge,
    Västra Götaland's 49 municipalities on the dashboard."""
    from bench.seed_national import BENCH_PLEDGE, REVIEW_MUNICIPALITY

    return _pages(
        coordinator="coord0380",
        county_officer="county14",
        county_code="14",
        reader="national",
        editor_code=REVIEW_MUNICIPALITY,
        editor_user=f"coord{REVIEW_MUNICIPALITY}",
        published_code="0380",
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
    )


def client_for(username: str | None) -> Client:
    client = Client()
    if username is not None:
        client.force_login(User.objects.get(username=username))
    return client


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
    print(json.dumps(query_counts(demo_pages())))
