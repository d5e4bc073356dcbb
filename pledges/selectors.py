"""Reads for the residents' pages and the open data: what the public may see of pledges.

The public is one audience with no user: nothing here takes a user, and nothing here
returns a model instance. Every read selects named columns (``values()``) into frozen
dataclasses that hold only public fields, so a template or an export cannot reach an
internal field (a responsible person, an e-mail, a comment, a draft) even by mistake:
it was never fetched.

Published means: the status is published or followed up. A published pledge that a
newer published version replaces stays readable at its own address (it was a public
document) but leaves the index, the municipality's list and the open data.

Each read is a fixed number of queries, whatever the number of pledges and activities.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Protocol

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import translation

from councils import access, dates
from councils.access import Capability
from councils.models import County, Municipality
from councils.prepared import Prepared, PreparedObjects, figures
from councils.selectors import values_of
from pledges.models import Activity, Comment, Dialogue, Notification, Pledge
from pledges.services import may_review

# --- what the public sees ------------------------------------------------------------


@functools.cache
def _label(choices: type[models.Choices], value: str, language: str | None) -> str:
    with translation.override(language):
        return str(choices(value).label)


def label(choices: type[models.Choices], value: str) -> str:
    """The label of a choice in the active language, translated once per language and
    value (the open data asks for four labels on each of 50 000 rows)."""
    return _label(choices, value, translation.get_language())


def label_of(attribute: str, choices: type[models.Choices]) -> property:
    """A property: the label (see ``label``) of the value of ``attribute`` in ``choices``."""
    return property(lambda self: label(choices, getattr(self, attribute)))


@dataclass(frozen=True)
class PublicMunicipality:
    code: str
    name: str
    county_code: str
    county_name: str

    @property
    def official_name(self) -> str:
        """The name it signs with, "Uppsala kommun" (``Municipality.official_name``)."""
        return Municipality(name=self.name).official_name


@dataclass(frozen=True)
class PublicDialogue:
    kind: str
    held_on: dt.date
    participants: str
    summary: str

    kind_label = label_of("kind", Dialogue.Kind)


@dataclass(frozen=True)
class PublicActivity:
    """An activity as residents see it: the responsible party, never a person; the
    status of its latest published follow-up (``Activity.public_status``), never one
    that an unpublished follow-up recorded."""

    pk: int
    pledge_pk: int
    title: str
    description: str
    party: str
    partner_name: str
    type: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    recurrence: str

    party_label = label_of("party", Activity.Party)

    @property
    def responsible(self) -> str:
        """Who answers for it: the police, the municipality, jointly, or the partner (the
        responsible organisation's name)."""
        if self.party == Activity.Party.PARTNER and self.partner_name:
            return self.partner_name
        return self.party_label

    type_label = label_of("type", Activity.Type)

    status_label = label_of("status", Activity.Status)


@dataclass(frozen=True)
class Signature:
    """A signatory is a public official acting in office: name, title and date are public."""

    name: str
    title: str
    signed_on: dt.date | None


class PublicFollowUp(Protocol):
    """What the follow-up app hands back for a pledge page (see ``register_follow_up``)."""

    #: the template that renders it inside the page's follow-up section
    template_name: str


@dataclass(frozen=True)
class PublicPledge:
    pk: int
    title: str
    municipality: PublicMunicipality
    area: str
    period_start: dt.date
    period_end: dt.date
    public_text: str
    status: str
    published_at: dt.datetime | None
    #: the newer published version that replaces this one, if there is one
    replaced_by_pk: int | None = None
    municipality_signature: Signature | None = None
    police_signature: Signature | None = None
    dialogues: Sequence[PublicDialogue] = ()
    activities: Sequence[PublicActivity] = ()
    #: the latest published follow-up; None until the follow-up app provides one
    follow_up: PublicFollowUp | None = None

    status_label = label_of("status", Pledge.Status)

    def is_current(self, today: dt.date | None = None) -> bool:
        today = today or dates.today()
        return self.period_start <= today <= self.period_end


@dataclass(frozen=True)
class MunicipalityGroup:
    municipality: PublicMunicipality
    pledges: list[PublicPledge] = field(default_factory=list)


@dataclass(frozen=True)
class CountyGroup:
    code: str
    name: str
    municipalities: list[MunicipalityGroup] = field(default_factory=list)


# --- the follow-up hook --------------------------------------------------------------

#: ``provider(pledge_pk, activities)`` returns the latest *published* follow-up of the
#: pledge or None, in a fixed number of queries. Imports run councils ← agreements ←
#: pledges ← followup, so the follow-up app calls down: it registers its provider in
#: its ``AppConfig.ready()``.
FollowUpProvider = Callable[[int, Sequence[PublicActivity]], PublicFollowUp | None]
_follow_up_provider: FollowUpProvider | None = None


def register_follow_up(provider: FollowUpProvider | None) -> None:
    """Let the follow-up app show the latest published follow-up on the pledge page."""
    global _follow_up_provider  # one registration, at start-up
    _follow_up_provider = provider


# --- querysets -----------------------------------------------------------------------

_MUNICIPALITY_COLUMNS = (
    "municipality__code",
    "municipality__name",
    "municipality__county__code",
    "municipality__county__name",
)
#: the columns a PublicPledge takes as they are
_PLEDGE_FIELDS = (
    "pk",
    "title",
    "area",
    "period_start",
    "period_end",
    "public_text",
    "status",
    "published_at",
)
_PLEDGE_COLUMNS = (*_PLEDGE_FIELDS, *_MUNICIPALITY_COLUMNS)
_SIGNATURE_COLUMNS = (
    "municipality_signatory_name",
    "municipality_signatory_title",
    "municipality_signed_on",
    "police_signatory_name",
    "police_signatory_title",
    "police_signed_on",
)
#: the columns a PublicActivity takes as they are
_ACTIVITY_FIELDS = (
    "pk",
    "title",
    "description",
    "type",
    "start_date",
    "end_date",
    "recurrence",
)
_ACTIVITY_COLUMNS = (
    *_ACTIVITY_FIELDS,
    "partner_name",
    "responsible_organisation__name",
    "pledge_id",
    "responsible_party",
    "status",
    "public_status",
)


def published_pledges() -> QuerySet[Pledge]:
    """Every pledge residents may open, replaced versions included."""
    return Pledge.objects.public()


def current_published_pledges() -> QuerySet[Pledge]:
    """Published pledges that no newer published version replaces."""
    return published_pledges().exclude(replaced_by__status__in=Pledge.PUBLIC_STATUSES)


def public_activities_of(pledges: QuerySet[Pledge]) -> QuerySet[Activity]:
    """The activities of ``pledges`` that are part of the plan (not deleted ones)."""
    return Activity.objects.filter(pledge__in=pledges, deleted_at__isnull=True)


def _municipality(row: dict[str, Any], prefix: str = "municipality__") -> PublicMunicipality:
    return PublicMunicipality(
        code=row[f"{prefix}code"],
        name=row[f"{prefix}name"],
        county_code=row[f"{prefix}county__code"],
        county_name=row[f"{prefix}county__name"],
    )


def _pledge(row: dict[str, Any], **extra: Any) -> PublicPledge:
    return PublicPledge(
        **values_of(row, *_PLEDGE_FIELDS),
        municipality=_municipality(row),
        **extra,
    )


def _activity(row: dict[str, Any]) -> PublicActivity:
    return PublicActivity(
        **values_of(row, *_ACTIVITY_FIELDS),
        pledge_pk=row["pledge_id"],
        party=row["responsible_party"],
        # the responsible partner organisation's name, or the name typed in
        partner_name=row["responsible_organisation__name"] or row["partner_name"],
        # residents see only published follow-ups: the internal status may run ahead
        status=row["public_status"] or row["status"],
    )


def _current_first(pledges: QuerySet[Pledge], today: dt.date) -> QuerySet[Pledge]:
    return pledges.annotate(
        current=Case(
            When(Q(period_start__lte=today, period_end__gte=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by("-current", "-period_start", "-pk")


# --- the pages -----------------------------------------------------------------------


def public_counties() -> list[County]:
    """Every county, for the index's filter (a county without pledges says so)."""
    return list(County.objects.only("code", "name").order_by("name"))


def public_index(*, county_code: str | None = None) -> list[CountyGroup]:
    """Current published pledges by county and municipality; two queries at most."""
    pledges = current_published_pledges()
    if county_code:
        pledges = pledges.filter(municipality__county__code=county_code)
    rows = pledges.order_by(
        "municipality__county__name", "municipality__name", "-period_start", "-pk"
    ).values(*_PLEDGE_COLUMNS)
    groups: list[CountyGroup] = []
    for (county_code_, county_name), county_rows in groupby(
        rows, key=lambda r: (r["municipality__county__code"], r["municipality__county__name"])
    ):
        county = CountyGroup(code=county_code_, name=county_name)
        for _code, municipality_rows in groupby(county_rows, key=lambda r: r["municipality__code"]):
            items = [_pledge(row) for row in municipality_rows]
            county.municipalities.append(MunicipalityGroup(items[0].municipality, items))
        groups.append(county)
    return groups


def is_municipality(code: str) -> bool:
    """Whether ``code`` is a municipality's (every municipality is public knowledge)."""
    return len(code) == 4 and Municipality.objects.filter(code=code).exists()


def public_municipality(code: str) -> tuple[PublicMunicipality, list[PublicPledge]]:
    """A municipality and its current published pledges, the ones in force today first.

    404 for a code that is no municipality; a municipality without pledges is shown
    as such (every municipality is public knowledge).
    """
    row = (
        Municipality.objects.filter(code=code)
        .values("code", "name", "county__code", "county__name")
        .first()
    )
    if row is None:
        raise Http404
    municipality = _municipality(row, prefix="")
    today = dates.today()
    rows = _current_first(
        current_published_pledges().filter(municipality__code=code), today
    ).values(*_PLEDGE_COLUMNS)
    return municipality, [_pledge(r) for r in rows]


def public_pledge(pk: int) -> PublicPledge:
    """The pledge page: 404 for anything not published (drafts, in review, unsigned).

    Three queries (the pledge, its dialogues, its activities) plus the follow-up
    provider's own fixed number.
    """
    newer = published_pledges().filter(replaces=OuterRef("pk")).values("pk")[:1]
    row = (
        published_pledges()
        .filter(pk=pk)
        .annotate(replaced_by_pk=Subquery(newer))
        .values(*_PLEDGE_COLUMNS, *_SIGNATURE_COLUMNS, "replaced_by_pk")
        .first()
    )
    if row is None:
        raise Http404
    dialogues = [
        PublicDialogue(**d)
        for d in Dialogue.objects.filter(pledge_id=pk)
        .order_by("held_on", "pk")
        .values("kind", "held_on", "participants", "summary")
    ]
    activities = [
        _activity(a)
        for a in public_activities_of(Pledge.objects.filter(pk=pk))
        .order_by("order", "pk")
        .values(*_ACTIVITY_COLUMNS)
    ]
    provider = _follow_up_provider
    return _pledge(
        row,
        replaced_by_pk=row["replaced_by_pk"],
        municipality_signature=Signature(
            row["municipality_signatory_name"],
            row["municipality_signatory_title"],
            row["municipality_signed_on"],
        ),
        police_signature=Signature(
            row["police_signatory_name"],
            row["police_signatory_title"],
            row["police_signed_on"],
        ),
        dialogues=dialogues,
        activities=activities,
        follow_up=provider(pk, activities) if provider else None,
    )


# --- open data -----------------------------------------------------------------------


def open_data_pledges() -> list[PublicPledge]:
    """Every current published pledge, in a stable order: county, municipality, period."""
    rows = (
        current_published_pledges()
        .order_by("municipality__county__code", "municipality__code", "period_start", "pk")
        .values(*_PLEDGE_COLUMNS)
    )
    return [_pledge(row) for row in rows]


def open_data_activities() -> list[tuple[PublicPledge, PublicActivity]]:
    """The activities of every current published pledge, each with its pledge."""
    pledge_columns = [f"pledge__{name}" for name in _PLEDGE_COLUMNS if name != "pk"]
    rows = (
        public_activities_of(current_published_pledges())
        .order_by(
            "pledge__municipality__county__code",
            "pledge__municipality__code",
            "pledge__period_start",
            "pledge_id",
            "order",
            "pk",
        )
        .values(*_ACTIVITY_COLUMNS, *pledge_columns)
    )
    pledges: dict[int, PublicPledge] = {}  # one per pledge, not one per activity
    result = []
    for row in rows:
        pledge = pledges.get(row["pledge_id"])
        if pledge is None:
            pledge_row = {name.removeprefix("pledge__"): row[name] for name in pledge_columns}
            pledge_row["pk"] = row["pledge_id"]
            pledge = pledges[row["pledge_id"]] = _pledge(pledge_row)
        result.append((pledge, _activity(row)))
    return result


#: the fingerprints' queries, made once per process (``councils.prepared``)
_FINGERPRINTS: dict[str, Prepared] = {}


def _fingerprint(name: str, rows: Callable[[], QuerySet], **more: str) -> str:
    """One aggregate query whose answer changes whenever the rows' content does: every
    write bumps the record's version (``councils.concurrency``), and a row that enters
    or leaves (published, replaced, removed) changes the count and the sums. ``more``:
    name → "FUNCTION field" of further figures."""
    if name not in _FINGERPRINTS:
        specs = {"n": "COUNT pk", "ids": "SUM pk", "versions": "SUM version", **more}
        _FINGERPRINTS[name] = Prepared(lambda: figures(rows(), **specs))
    return "-".join(str(value) for value in _FINGERPRINTS[name].one())


def current_pledges_fingerprint() -> str:
    """Changes whenever ``open_data_pledges()`` or ``public_index()`` would answer
    differently."""
    return _fingerprint("current-pledges", current_published_pledges, published="MAX published_at")


def open_data_activities_fingerprint() -> str:
    """Changes whenever ``open_data_activities()`` would answer differently."""
    return _fingerprint(
        "open-data-activities",
        lambda: public_activities_of(current_published_pledges()),
        pledge_versions="SUM pledge__version",
        published="MAX pledge__published_at",
    )


# --- notifications ---------------------------------------------------------------------

#: counted on every signed-in page (the header's badge): made once
_UNREAD = Prepared(
    lambda user: figures(
        Notification.objects.filter(user_id=user, read_at__isnull=True), n="COUNT pk"
    )
)


def unread_notifications(user) -> int:
    """How many of ``user``'s notifications are unread."""
    return _UNREAD.one(user=user.pk)[0]


# --- comments, as threads (the review page and the editor's) --------------------------


@dataclass
class Thread:
    """A comment and every answer to it, oldest first; resolving the first resolves it."""

    root: Comment
    replies: list[Comment] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.root.resolved_at is not None


#: every comment of a pledge, with its author, who resolved it and its activity (the
#: review page and the editor's comments: made once)
_COMMENTS = PreparedObjects(
    lambda pledge: (
        Comment.objects.filter(pledge_id=pledge)
        .select_related("author", "resolved_by", "activity")
        .order_by("created_at", "pk")
    )
)


def _threads(pledge: Pledge) -> list[Thread]:
    """Every comment of the pledge in one query, grouped under the comment that began it."""
    comments = _COMMENTS.objects(pledge=pledge.pk, known={"pledge": pledge})
    by_pk = {comment.pk: comment for comment in comments}

    def first_of(comment: Comment) -> Comment:
        seen = {comment.pk}
        while comment.reply_to_id in by_pk and comment.reply_to_id not in seen:
            comment = by_pk[comment.reply_to_id]
            seen.add(comment.pk)
        return comment

    threads: dict[int, Thread] = {}
    for comment in comments:
        root = first_of(comment)
        thread = threads.setdefault(root.pk, Thread(root=root))
        if comment is not root:
            thread.replies.append(comment)
    return list(threads.values())


def comment_context(user, pledge: Pledge, *, next_url: str = "") -> dict:
    """The context ``templates/pledges/_comments.html`` needs (also for the editor's page).

    - ``pledge``
    - ``comment_threads``: the threads on the pledge as a whole
    - ``activity_threads``: ``(activity, threads)`` for each activity with comments,
      in the activity plan's order (deleted activities included: comments stay)
    - ``open_comments``: how many threads are not resolved
    - ``may_comment``: whether the user may write, answer and resolve
    - ``comment_next``: the page to come back to after posting (default: the review page)
    """
    threads = _threads(pledge)
    by_activity: dict[int, list[Thread]] = defaultdict(list)
    activities: dict[int, Activity] = {}
    for thread in threads:
        if thread.root.activity_id is not None:
            by_activity[thread.root.activity_id].append(thread)
            activities[thread.root.activity_id] = thread.root.activity
    ordered = sorted(activities.values(), key=lambda a: (a.order, a.pk))
    return {
        "pledge": pledge,
        "comment_threads": [t for t in threads if t.root.activity_id is None],
        "activity_threads": [(a, by_activity[a.pk]) for a in ordered],
        "threads_by_activity": by_activity,
        "open_comments": sum(1 for t in threads if not t.resolved),
        "may_comment": may_comment(user, pledge),
        "comment_next": next_url,
    }


def may_comment(user, pledge: Pledge) -> bool:
    """The municipality's coordinators and the police liaisons: the same rule as the services."""
    return access.can(user, Capability.EDIT, pledge.municipality_id) or may_review(user, pledge)


def thread_of(pledge: Pledge, comment: Comment) -> Thread:
    """The thread ``comment`` belongs to (for the part of a page htmx swaps)."""
    for thread in _threads(pledge):
        if comment.pk in {thread.root.pk, *(reply.pk for reply in thread.replies)}:
            return thread
    return Thread(root=comment)
