"""What the search finds, kind by kind, and who may see each row.

Every kind reads through ``councils.access``: the rows of municipalities where the user
holds the capability the record's own page asks for. Drafts and internal records
(lägesbilder's problems, draft agreements and pledges and their activities) need
INTERNAL; signed agreements, published pledges and their activities, councils and
meetings need READ. Indicator definitions are no municipality's record: every
signed-in user reads them (as on the indicator list).

The fields searched are the ones the record's page shows to whoever may see the row,
never an internal one (comments, responsible persons).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, PriorityProblem
from councils import access, formats
from councils.access import Capability
from councils.models import Council, Meeting
from followup.models import Indicator
from pledges.models import Activity, Pledge

READ, INTERNAL = Capability.READ, Capability.INTERNAL


@dataclass(frozen=True)
class Hit:
    """One result as the page lists it."""

    title: str
    url: str
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    key: str
    #: the heading of the group
    label: Promise
    #: the rows the user may see (through councils.access), with what ``hit`` reads
    visible: Callable[[Any], QuerySet]
    #: the fields of the full-text document
    text: tuple[str, ...]
    #: the name fields, matched by trigram similarity too
    names: tuple[str, ...]
    hit: Callable[[Any], Hit]
    #: fields that match the whole query exactly
    exact: tuple[str, ...] = ()


def _internal_or_read(queryset: QuerySet, user, **readable) -> QuerySet:
    """Every row with INTERNAL; with READ only the rows ``readable`` selects."""
    return access.filter_visible(queryset, user, INTERNAL) | access.filter_visible(
        queryset.filter(**readable), user, READ
    )


def _municipalities(user) -> QuerySet:
    return access.municipalities_for(user, READ).select_related("county")


def _agreements(user) -> QuerySet:
    agreements = Agreement.objects.select_related("municipality")
    return _internal_or_read(agreements, user, status__in=Agreement.VISIBLE_TO_READERS)


def _problems(user) -> QuerySet:
    problems = PriorityProblem.objects.select_related("picture__municipality")
    return access.filter_visible(problems, user, INTERNAL)


def _pledges(user) -> QuerySet:
    pledges = Pledge.objects.select_related("municipality").only(
        "title", "period_start", "period_end", "status", "municipality__name"
    )
    return _internal_or_read(pledges, user, status__in=Pledge.PUBLIC_STATUSES)


def _activities(user) -> QuerySet:
    """Only the columns a hit shows: a query that finds every activity ranks them all,
    and their descriptions made its rows four times as wide."""
    activities = (
        Activity.objects.filter(deleted_at__isnull=True)
        .select_related("pledge__municipality")
        .only("title", "pledge__title", "pledge__municipality__name")
    )
    return _internal_or_read(activities, user, pledge__status__in=Pledge.PUBLIC_STATUSES)


def _councils(user) -> QuerySet:
    return access.filter_visible(Council.objects.select_related("municipality"), user, READ)


def _meetings(user) -> QuerySet:
    meetings = Meeting.objects.select_related("council__municipality")
    return access.filter_visible(meetings, user, READ)


def _indicators(user) -> QuerySet:
    signed_in = user.is_authenticated and user.is_active
    return Indicator.objects.all() if signed_in else Indicator.objects.none()


def _period(record) -> str:
    start = getattr(record, "period_start", None) or record.start_date
    end = getattr(record, "period_end", None) or record.end_date
    return formats.period(start, end)


def _linked(url_name: str, details: Callable[[Any], list[str]], name: str = "title"):
    """A row's hit: its ``name`` field, linked to its page ``url_name``, with ``details``."""
    return lambda row: Hit(getattr(row, name), reverse(url_name, args=[row.pk]), details(row))


KINDS: tuple[Kind, ...] = (
    Kind(
        "municipalities",
        _("Municipalities"),
        _municipalities,
        text=("name",),
        names=("name",),
        exact=("code",),
        hit=lambda m: Hit(
            m.name, reverse("municipality-detail", args=[m.code]), [m.county.name, m.code]
        ),
    ),
    Kind(
        "agreements",
        _("Cooperation agreements"),
        _agreements,
        text=("title", "documentation"),
        names=("title",),
        hit=_linked(
            "agreement-detail", lambda a: [a.municipality.name, _period(a), a.get_status_display()]
        ),
    ),
    Kind(
        "problems",
        _("Priority problems"),
        _problems,
        text=("title", "description", "place", "cause_analysis"),
        names=("title",),
        hit=_linked("problem-detail", lambda p: [p.picture.municipality.name, p.picture.title]),
    ),
    Kind(
        "pledges",
        _("Citizen pledges"),
        _pledges,
        text=("title", "public_text", "area"),
        names=("title",),
        hit=_linked(
            "pledge-detail", lambda p: [p.municipality.name, _period(p), p.get_status_display()]
        ),
    ),
    Kind(
        "activities",
        _("Activities"),
        _activities,
        text=("title", "description"),
        names=("title",),
        hit=lambda a: Hit(
            a.title,
            reverse("pledge-detail", args=[a.pledge_id]) + f"#activity-{a.pk}",
            [a.pledge.municipality.name, a.pledge.title],
        ),
    ),
    Kind(
        "councils",
        _("Councils"),
        _councils,
        text=("name", "mandate"),
        names=("name",),
        hit=_linked(
            "council-detail", lambda c: [c.municipality.name, c.get_kind_display()], name="name"
        ),
    ),
    Kind(
        "meetings",
        _("Meetings"),
        _meetings,
        text=("agenda", "minutes"),
        names=(),
        hit=lambda m: Hit(
            f"{m.council.name} {formats.day(m.held_on)}",
            reverse("meeting-detail", args=[m.pk]),
            [m.council.municipality.name],
        ),
    ),
    Kind(
        "indicators",
        _("Indicators"),
        _indicators,
        text=("name", "description", "code"),
        names=("name",),
        hit=_linked(
            "indicator-detail",
            lambda i: [i.get_source_display(), *filter(None, [i.code, i.unit])],
            name="name",
        ),
    ),
)

BY_KEY = {kind.key: kind for kind in KINDS}
