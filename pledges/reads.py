"""What the pages read around a pledge, by SQL made once per process
(``councils.prepared``): the municipality page's latest pledges, and the editor's
problems, dialogues, shared versions, successor, new version and whether its police
region defines themes, and what sending it for review asks; the review page's reviews
and activities. Building these small
queries through the ORM took longer than PostgreSQL took to answer them, on pages
opened many times a day (issue 16)."""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from agreements.models import PriorityProblem
from councils.prepared import Prepared, PreparedObjects
from pledges.changes import reviewed_activities
from pledges.models import Activity, Dialogue, Pledge, RegionalTheme, Review, SharedPledge

#: a municipality's latest pledges (those residents may open, or every one), for the
#: panel of its page, by SQL made once
_LATEST = {
    True: PreparedObjects(
        lambda municipality: Pledge.objects.filter(municipality_id=municipality).order_by(
            "-period_start", "-pk"
        )[:5]
    ),
    False: PreparedObjects(
        lambda municipality: (
            Pledge.objects.filter(municipality_id=municipality)
            .public()
            .order_by("-period_start", "-pk")[:5]
        )
    ),
}


def latest_pledges(municipality_id: int, internal: bool) -> list[Pledge]:
    """The five latest pledges of a municipality: every one for those who see drafts
    (``internal``), the public ones for the others."""
    return _LATEST[internal].objects(municipality=municipality_id)


# --- the editor's ----------------------------------------------------------------------

_PROBLEMS = PreparedObjects(
    lambda pledge: (
        PriorityProblem.objects.filter(pledges=pledge)
        .select_related("picture")
        .order_by("rank", "pk")
    )
)
_DIALOGUES = PreparedObjects(lambda pledge: Dialogue.objects.filter(pledge_id=pledge))
_SHARED_VERSIONS = PreparedObjects(lambda pledge: SharedPledge.objects.filter(pledge_id=pledge))
#: the pledge that follows one (the next period's), and the new version of one
_SUCCESSOR = PreparedObjects(lambda pledge: Pledge.objects.filter(predecessor_id=pledge)[:1])
_NEW_VERSION = PreparedObjects(lambda pledge: Pledge.objects.filter(replaces_id=pledge)[:1])
_HAS_THEMES = Prepared(
    lambda region: RegionalTheme.objects.filter(police_region_id=region).values_list("pk")[:1]
)


def problems_of(pledge: Pledge) -> list[PriorityProblem]:
    """The priority problems the pledge addresses, in their rank, with their lägesbild."""
    return _PROBLEMS.objects(pledge=pledge.pk)


def dialogues_of(pledge: Pledge) -> list[Dialogue]:
    return _DIALOGUES.objects(pledge=pledge.pk, known={"pledge": pledge})


def shared_versions_of(pledge: Pledge) -> list[SharedPledge]:
    return _SHARED_VERSIONS.objects(pledge=pledge.pk, known={"pledge": pledge})


def successor_of(pledge: Pledge) -> Pledge | None:
    return _SUCCESSOR.first(pledge=pledge.pk)


def new_version_of(pledge: Pledge) -> Pledge | None:
    return _NEW_VERSION.first(pledge=pledge.pk)


def region_has_themes(police_region_id: int) -> bool:
    """Whether the police region defines themes (``services.themes_for(...).exists()``)."""
    return _HAS_THEMES.one(region=police_region_id) is not None


#: what sending a pledge for review asks of it (``services.missing_for_submit``)
_ACTIVE = Activity.objects.filter(deleted_at__isnull=True)
_HAS_ACTIVITIES = Prepared(lambda pledge: _ACTIVE.filter(pledge_id=pledge).values_list("pk")[:1])
_COVERED_THEMES = Prepared(lambda pledge: _ACTIVE.filter(pledge_id=pledge).values_list("themes"))
_REQUIRED_THEMES = PreparedObjects(
    lambda region: RegionalTheme.objects.filter(police_region_id=region, required=True)
)


def has_activities(pledge: Pledge) -> bool:
    """Whether the pledge has an activity (not removed)."""
    return _HAS_ACTIVITIES.one(pledge=pledge.pk) is not None


def uncovered_themes(pledge: Pledge) -> list[RegionalTheme]:
    """The themes its police region requires that none of its activities serves."""
    covered = {theme for (theme,) in _COVERED_THEMES.rows(pledge=pledge.pk)}
    region = pledge.municipality.county.police_region_id
    return [t for t in _REQUIRED_THEMES.objects(region=region) if t.pk not in covered]


# --- the review page's ------------------------------------------------------------------

_REVIEWS = PreparedObjects(
    lambda pledge: (
        Review.objects.filter(pledge_id=pledge)
        .select_related("reviewer")
        .order_by("-created_at", "-pk")
    )
)
#: (built from a pledge of the key: the related manager's query, without the themes,
#: which ``reviewed_activity_list`` reads for the rows)
_REVIEWED = PreparedObjects(
    lambda pledge: reviewed_activities(Pledge(pk=pledge)).prefetch_related(None)
)


def reviews_of(pledge: Pledge) -> list[Review]:
    """The pledge's reviews, the latest first, with their reviewers."""
    return _REVIEWS.objects(pledge=pledge.pk, known={"pledge": pledge})


def reviewed_activity_list(pledge: Pledge) -> list[Activity]:
    """``list(changes.reviewed_activities(pledge))``, with their themes."""
    activities = _REVIEWED.objects(pledge=pledge.pk, known={"pledge": pledge})
    prefetch_related_objects(activities, "themes")
    return activities
