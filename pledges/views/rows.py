"""The pledge page's activity plan as rows: read (one made query, and one for the
themes), each with its addresses, and the fingerprint the page keeps the rendered rows
under (``pledges/editor.html``). The pledge page, the moves of a row and the review page
(``shown_values``) read them here."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import translation

from councils import cache as cache_keys
from councils.http import url_maker
from councils.prepared import Prepared, PreparedObjects
from pledges.models import Activity, Pledge, RegionalTheme

EDITOR = "pledges/editor.html"

#: the open (unresolved) comment threads on an activity, for its row
OPEN_COMMENTS = Count(
    "comments", filter=Q(comments__reply_to__isnull=True, comments__resolved_at__isnull=True)
)

#: a pledge's activities, removed ones too, with what their rows show (made once)
_PLAN = PreparedObjects(
    lambda pledge: (
        Activity.objects.filter(pledge_id=pledge)
        .select_related(
            "problem",
            "goal",
            "action_plan",
            "decision",
            "responsible_user",
            "responsible_organisation",
        )
        .annotate(open_comment_count=OPEN_COMMENTS)
        .order_by("order", "pk")
    )
)


#: the titles of the themes of a pledge's activities, as an activity's ``themes`` orders them
_THEME_TITLES = Prepared(
    lambda pledge: (
        Activity.themes.through.objects.filter(activity__pledge_id=pledge)
        .order_by(*(f"regionaltheme__{name}" for name in RegionalTheme._meta.ordering))
        .values_list("activity_id", "regionaltheme__title")
    )
)


def activity_rows(pledge: Pledge, *, themes: bool = True) -> tuple[list[Activity], list[Activity]]:
    """The activity plan (in order, each knowing whether it is first or last) and the
    removed activities that can still be restored, in one query (and one for themes).

    With ``themes=False`` the rows carry their themes' titles only (``theme_titles``,
    for the fingerprint of the kept rows); ``with_themes`` reads the themes for a table
    that is rendered after all."""
    rows = _PLAN.objects(pledge=pledge.pk, known={"pledge": pledge})
    if themes:
        with_themes(rows)
    else:
        titles: dict[int, list[str]] = defaultdict(list)
        for activity_id, title in _THEME_TITLES.rows(pledge=pledge.pk):
            titles[activity_id].append(title)
        for activity in rows:
            activity.theme_titles = titles.get(activity.pk, [])
    active = [a for a in rows if a.deleted_at is None]
    for position, activity in enumerate(active):
        activity.is_first = position == 0
        activity.is_last = position == len(active) - 1
    return with_row_urls(active), [a for a in rows if a.deleted_at is not None]


def with_themes(activities: list[Activity]) -> None:
    prefetch_related_objects(activities, "themes")


def with_row_urls(activities: list[Activity]) -> list[Activity]:
    """Give each activity row its addresses (``activity.urls.edit`` …), each kind of
    address reversed once for the whole plan rather than once per row."""
    makers = {
        "edit": url_maker("activity-edit"),
        "delete": url_maker("activity-delete"),
        "move": url_maker("activity-move"),
        "history": url_maker("record-history", "pledges.activity"),
    }
    pledge_urls: dict[int, str] = {}
    for activity in activities:
        activity.urls = {kind: make(activity.pk) for kind, make in makers.items()}
        if activity.pledge_id not in pledge_urls:
            pledge_urls[activity.pledge_id] = reverse("pledge-detail", args=[activity.pledge_id])
        activity.urls["pledge"] = pledge_urls[activity.pledge_id]
    return activities


def shown_values(activity: Activity) -> tuple:
    """Every value an activity's row shows, its own and its related rows' (the titles
    of its problem, goal and themes, the names of its people and partner): part of the
    fingerprint of a page that keeps its rows rendered (the pledge page, the review)."""
    user = activity.responsible_user
    return (
        activity.pk,
        activity.version,
        activity.title,
        activity.description,
        activity.responsible_party,
        activity.partner_display,
        activity.responsible_name,
        user.pk if user else None,
        str(user) if user else "",
        activity.start_date,
        activity.end_date,
        activity.recurrence,
        activity.type,
        activity.status,
        activity.problem.title if activity.problem else None,
        activity.goal.text if activity.goal else None,
        _theme_titles(activity),
    )


def _theme_titles(activity: Activity) -> list[str]:
    titles = getattr(activity, "theme_titles", None)
    return titles if titles is not None else [theme.title for theme in activity.themes.all()]


def rows_digest(flags: dict, activities: list[Activity]) -> str:
    """The fingerprint of the activity table as the pledge page shows it, from the rows
    already read: every value a row shows (the activity's fields and version, the titles
    of its problem, goal and themes, the names of its people and partner, its open
    comments, its place in the order), the pledge's state, what the user may do there
    (``internal``, ``editable``: which links and buttons the rows carry) and the
    language. The page keeps its rendered rows under it (``pledges/editor.html``), so a
    save shows at once and no user is served rows made for other rights."""
    pledge = flags["pledge"]
    parts: list[object] = [
        cache_keys.template_version(EDITOR),
        pledge.pk,
        pledge.version,
        pledge.status,
        translation.get_language(),
        flags["internal"],
        flags["editable"],
        flags["has_themes"],
    ]
    for activity in activities:
        parts.append(
            (
                *shown_values(activity),
                activity.open_comment_count,
                activity.is_first,
                activity.is_last,
            )
        )
    return cache_keys.key("pledge-activity-rows:1", *parts)[1]


def kept_rows(digest: str) -> str | None:
    """The table's rows as the page kept them under ``digest`` (``{% cache %}`` in
    ``pledges/editor.html``), or None."""
    return cache_keys.kept_fragment("pledge-activity-rows", digest)
