""" "Att göra": what needs the signed-in user now, one part per role they hold.

- Coordinators (EDIT): changes requested and open comments; follow-ups due within their
  organisation's reminder window and overdue; signatures waiting on the municipality;
  agreements ending within 90 days; a current lägesbild that needs review; no pledge for
  next year after ``PLEDGE_NEXT_YEAR_FROM``; failed PDF reports they asked for.
- Police liaisons (REVIEW): pledges waiting for review (oldest first, with days waiting);
  agreements and pledges waiting for the police signature; police and joint activities
  whose follow-up is due or overdue.
- County officers: their county's municipalities with something missing, from the county
  dashboard's columns (``dashboard.gap_rows``).
- National readers: every county side by side, with the same counts.

Both are kept for the data's generation and the day (``dashboard.FIGURES``): read again
after a save that changes what they show, not on every visit.

Every read is scoped by ``councils.access`` (``municipalities_for``, ``visible`` with
SQL made once, ``counties_for``, ``reads_everywhere``) and each part costs a fixed
number of queries whatever the data.
The reminder rules are those of the daily job (``followup.reminders``: the window per
organisation, 90 days for agreements) and of ``followup.cadence`` (what is overdue).
Superusers may do everything but are nobody's coordinator: they see the national part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from agreements.models import Agreement, SituationalPicture
from councils import access, formats
from councils import cache as cache_keys
from councils.access import Capability
from councils.generations import Generation
from councils.http import url_maker
from councils.models import Municipality, Organisation
from councils.prepared import PreparedObjects
from followup import cadence, dashboard
from followup.models import ReminderSettings, Report
from followup.reminders import AGREEMENT_ENDING_DAYS, DEFAULT_DAYS_BEFORE
from pledges.models import Activity, Comment, Pledge
from pledges.services import next_year_from

#: failed reports older than this are no longer news
FAILED_REPORT_DAYS = 30


@dataclass(frozen=True)
class Item:
    """One thing to do, and where it is put right."""

    text: str
    url: str
    municipality: str = ""
    day: dt.date | None = None
    #: days waiting (the review queue)
    waiting: int | None = None
    overdue: bool = False


@dataclass
class Group:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)


#: what a municipality may lack, in the order the page shows them
GAPS = ("agreement", "picture", "coordination", "pledge", "overdue")


def gap_labels() -> dict[str, str]:
    return {
        "agreement": _("No agreement in force"),
        "picture": _("Lägesbild missing or due for review"),
        "coordination": _("No coordination function"),
        "pledge": _("No pledge this year"),
        "overdue": _("Overdue follow-ups"),
    }


def gaps_of(row: dashboard.Row) -> dict[str, bool]:
    """What one dashboard row lacks."""
    return {
        "agreement": row.phase != "in_force",
        "picture": row.picture_state != dashboard.UP_TO_DATE,
        "coordination": not row.coordination,
        "pledge": row.pledge_status == dashboard.NONE,
        "overdue": row.overdue > 0,
    }


@dataclass
class Area:
    """A county (or one municipality of it) and the number of municipalities lacking each
    thing; ``municipalities`` lists those with any gap (the county officer's part)."""

    name: str
    url: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GAPS, 0))
    #: (row, [(gap, missing) in the order of GAPS]) of each municipality with a gap
    municipalities: list[tuple[dashboard.Row, list[tuple[str, bool]]]] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[str, int, str]]:
        """(gap, count, dashboard link filtered to it where the dashboard has a filter)."""
        filters = {
            "agreement": "?sort=phase",
            "picture": "?picture=stale",
            "coordination": "?sort=coordination",
            "pledge": f"?pledge={dashboard.NONE}",
            "overdue": "?overdue=1",
        }
        return [(gap, self.counts[gap], self.url + filters[gap]) for gap in GAPS]

    @property
    def with_gaps(self) -> int:
        return len(self.municipalities)

    @property
    def table(self) -> list[tuple[Municipality, str, list[str]]]:
        """The county table's rows, made here rather than cell by cell in the template:
        the municipality, its page, and what each gap's cell says ("" when in order)."""
        missing = _("Missing")
        detail = url_maker("municipality-detail")
        return [
            (
                row.municipality,
                detail(row.municipality.code),
                [
                    (formats.number(row.overdue) if gap == "overdue" else missing) if lacks else ""
                    for gap, lacks in gaps
                ],
            )
            for row, gaps in self.municipalities
        ]


@dataclass
class Today:
    coordinator: list[Group] | None = None
    police: list[Group] | None = None
    county: list[Area] | None = None
    national: list[Area] | None = None
    #: what the county's or the country's part shows is kept under this (the data's
    #: generation, the day, the counties); "" when there is no such part
    figures: str = ""

    @property
    def count(self) -> int:
        """The badge: things to do, plus municipalities with a gap (county officers)."""
        items = sum(len(g.items) for part in (self.coordinator, self.police) for g in part or [])
        return items + sum(area.with_gaps for area in self.county or [])


# --- shared reads ---------------------------------------------------------------------


#: the days before a follow-up is due that it is shown, per municipality (SQL made once)
_WINDOWS = access.InScope(
    ReminderSettings.objects.values_list("organisation__municipality_id", "days_before_follow_up"),
    path="organisation__municipality",
)


def _due(parties: tuple[str, ...]) -> access.InScope:
    """The published pledges' activities due by a day (those of ``parties``, if given),
    soonest first, by SQL made once."""

    def build(horizon):
        activities = Activity.objects.filter(
            pledge__status=Pledge.Status.PUBLISHED,
            deleted_at__isnull=True,
            next_follow_up__lte=horizon,
        ).exclude(status=Activity.Status.CANCELLED)
        if parties:
            activities = activities.filter(responsible_party__in=parties)
        return activities.values_list(
            "pk", "title", "next_follow_up", "pledge__municipality_id", "pledge__municipality__name"
        ).order_by("next_follow_up", "pk")

    return access.InScope(build, dates=["horizon"])


#: the parties whose activities the police follow up
POLICE_PARTIES = (Activity.Party.POLICE, Activity.Party.JOINT)
_DUE = {(): _due(()), POLICE_PARTIES: _due(POLICE_PARTIES)}


def _follow_ups(user, capability: Capability, today: dt.date, parties=()) -> Group:
    """Follow-ups due within the municipality's reminder window, and overdue, where the
    user holds ``capability``: the daily reminder job's rule (two queries)."""
    windows = dict(access.visible(_WINDOWS, user, capability))
    horizon = today + dt.timedelta(days=max([DEFAULT_DAYS_BEFORE, *windows.values()]))
    group = Group("follow_ups", _("Follow-ups due or overdue"))
    due = access.visible(_DUE[parties], user, capability, horizon=horizon)
    for pk, title, due_on, municipality_id, name in due:
        window = windows.get(municipality_id, DEFAULT_DAYS_BEFORE)
        overdue = cadence.is_overdue(due_on, today)
        if not overdue and due_on > today + dt.timedelta(days=window):
            continue
        text = _("Follow up “%(title)s”") % {"title": title}
        url = reverse("follow-up-create", args=[pk])
        group.items.append(Item(text, url, name, due_on, overdue=overdue))
    return group


#: agreements and pledges waiting for each party's signature, oldest first, by SQL made
#: once (``access.InScope``: narrowed to the municipalities where the user holds the
#: capability the party signs with)
_UNSIGNED = {
    party: (
        access.InScope(
            Agreement.objects.filter(
                status=Agreement.Status.AWAITING_SIGNATURE, **{f"{party}_signed_on__isnull": True}
            )
            .values_list("pk", "title", "municipality__name")
            .order_by("shared_for_signature_at", "pk")
        ),
        access.InScope(
            Pledge.objects.filter(
                status=Pledge.Status.APPROVED, **{f"{party}_signed_on__isnull": True}
            )
            .values_list("pk", "title", "municipality__name")
            .order_by("reviewed_at", "pk")
        ),
    )
    for party in ("municipality", "police")
}


def _signatures(user, capability: Capability, party: str) -> Group:
    """Agreements and pledges waiting for ``party``'s signature (two queries)."""
    group = Group(f"signatures_{party}", _("Waiting for your signature"))
    agreements, pledges = _UNSIGNED[party]
    for pk, title, name in access.visible(agreements, user, capability):
        text = _("Sign the agreement “%(title)s”") % {"title": title}
        group.items.append(Item(text, reverse("agreement-sign", args=[pk, party]), name))
    for pk, title, name in access.visible(pledges, user, capability):
        text = _("Sign the citizen pledge “%(title)s”") % {"title": title}
        group.items.append(Item(text, reverse("pledge-sign", args=[pk, party]), name))
    return group


# --- the coordinator ------------------------------------------------------------------


#: pledges the police asked to change, by SQL made once (``access.InScope``)
_CHANGES = access.InScope(
    Pledge.objects.filter(status=Pledge.Status.CHANGES_REQUESTED)
    .values_list("pk", "title", "municipality__name")
    .order_by("reviewed_at", "pk")
)


#: the open comments of others, per pledge, by SQL made once (``access.InScope``)
_OPEN_COMMENTS = access.InScope(
    lambda reader: (
        Comment.objects.filter(resolved_at__isnull=True, reply_to__isnull=True)
        .exclude(author_id=reader)
        .values_list("pledge_id", "pledge__title", "pledge__municipality__name")
        .annotate(n=Count("pk"))
        .order_by("pledge_id")
    )
)


def _changes_and_comments(user) -> Group:
    group = Group("changes", _("Changes requested and comments to answer"))
    for pk, title, name in access.visible(_CHANGES, user, Capability.EDIT):
        text = _("The police asked for changes to “%(title)s”") % {"title": title}
        group.items.append(Item(text, reverse("pledge-detail", args=[pk]), name))
    for pk, title, name, n in access.visible(_OPEN_COMMENTS, user, Capability.EDIT, reader=user.pk):
        text = ngettext(
            "%(count)d open comment on “%(title)s”", "%(count)d open comments on “%(title)s”", n
        ) % {"count": n, "title": title}
        group.items.append(Item(text, reverse("pledge-detail", args=[pk]), name))
    return group


#: signed agreements ending between two days, by SQL made once (``access.InScope``)
_ENDING = access.InScope(
    lambda first, last: (
        Agreement.objects.filter(
            status=Agreement.Status.SIGNED, end_date__gte=first, end_date__lte=last
        )
        .values_list("pk", "title", "end_date", "municipality__name")
        .order_by("end_date", "pk")
    ),
    dates=["first", "last"],
)


def _agreements_ending(user, today: dt.date) -> Group:
    group = Group("ending", _("Agreements ending within 90 days"))
    last = today + dt.timedelta(days=AGREEMENT_ENDING_DAYS)
    for pk, title, end, name in access.visible(
        _ENDING, user, Capability.EDIT, first=today, last=last
    ):
        text = _("The agreement “%(title)s” ends") % {"title": title}
        group.items.append(Item(text, reverse("agreement-detail", args=[pk]), name, end))
    return group


#: each municipality's current lägesbild, by SQL made once (``access.InScope``)
_CURRENT_PICTURES = access.InScope(
    SituationalPicture.objects.filter(is_current=True)
    .select_related("municipality")
    .order_by("municipality__name", "pk")
)


def _pictures(user, today: dt.date) -> Group:
    group = Group("pictures", _("Lägesbild due for review"))
    for picture in access.visible(_CURRENT_PICTURES, user, Capability.EDIT):
        staleness = picture.staleness(today)
        if staleness is not None:
            text = f"{picture.title}: {staleness.detail}"
            url = reverse("picture-detail", args=[picture.pk])
            group.items.append(Item(text, url, picture.municipality.name))
    return group


#: municipalities without a pledge starting between two days, by SQL made once
_WITHOUT_PLEDGE = access.InScope(
    lambda first, last: (
        Municipality.objects.filter(
            ~Exists(
                Pledge._base_manager.filter(
                    municipality=OuterRef("pk"), period_start__gte=first, period_start__lte=last
                )
            )
        )
        .order_by("name", "code")
        .values_list("code", "name")
    ),
    dates=["first", "last"],
    path="pk",
)


def _next_year_pledges(user, today: dt.date) -> Group:
    group = Group("next_year", _("No pledge for next year"))
    if today < next_year_from(today.year):
        return group
    coming = today.year + 1
    first, last = dt.date(coming, 1, 1), dt.date(coming, 12, 31)
    for code, name in access.visible(
        _WITHOUT_PLEDGE, user, Capability.EDIT, first=first, last=last
    ):
        text = _("There is no citizen pledge for %(year)s yet.") % {"year": coming}
        group.items.append(Item(text, reverse("pledge-list", args=[code]), name))
    return group


#: reports a user asked for that failed since a time, unless a later one of the same
#: report exists, by SQL made once
_FAILED = PreparedObjects(
    lambda user, since: (
        Report.objects.filter(
            requested_by_id=user, status=Report.Status.FAILED, created_at__gte=since
        )
        .exclude(
            Exists(
                Report.objects.filter(
                    kind=OuterRef("kind"),
                    object_id=OuterRef("object_id"),
                    parameters=OuterRef("parameters"),
                ).filter(
                    Q(created_at__gt=OuterRef("created_at"))
                    | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
                )
            )
        )
        .order_by("-created_at", "-pk")
    ),
    times=["since"],
)


def _failed_reports(user) -> Group:
    """Reports the user asked for that failed lately, unless a later one of the same
    report exists (one query)."""
    group = Group("reports", _("Reports that could not be made"))
    since = timezone.now() - dt.timedelta(days=FAILED_REPORT_DAYS)
    for report in _FAILED.objects(user=user.pk, since=since):
        text = _("The report “%(kind)s” could not be made") % {"kind": report.get_kind_display()}
        day = timezone.localdate(report.created_at)
        group.items.append(Item(text, reverse("report-detail", args=[report.pk]), "", day))
    return group


def coordinator_part(user, today: dt.date) -> list[Group]:
    return [
        _changes_and_comments(user),
        _follow_ups(user, Capability.EDIT, today),
        _signatures(user, Capability.EDIT, "municipality"),
        _agreements_ending(user, today),
        _pictures(user, today),
        _next_year_pledges(user, today),
    ]


# --- the police liaison ---------------------------------------------------------------


#: pledges waiting for review, oldest first, by SQL made once (``access.InScope``)
_IN_REVIEW = access.InScope(
    Pledge.objects.filter(status=Pledge.Status.IN_REVIEW)
    .values_list("pk", "title", "submitted_at", "municipality__name")
    .order_by("submitted_at", "pk")
)


def _review_queue(user, today: dt.date) -> Group:
    group = Group("review", _("Pledges waiting for your review"))
    for pk, title, submitted, name in access.visible(_IN_REVIEW, user, Capability.REVIEW):
        since = timezone.localdate(submitted) if submitted else today
        text = _("Review “%(title)s”") % {"title": title}
        url = reverse("pledge-review", args=[pk])
        group.items.append(Item(text, url, name, since, waiting=(today - since).days))
    return group


def police_part(user, today: dt.date) -> list[Group]:
    return [
        _review_queue(user, today),
        _signatures(user, Capability.REVIEW, "police"),
        _follow_ups(user, Capability.REVIEW, today, parties=POLICE_PARTIES),
    ]


# --- the county and the country -------------------------------------------------------


def _areas(rows: list[dashboard.Row], counties, keep_municipalities: bool) -> list[Area]:
    areas: dict[int, Area] = {
        county.pk: Area(county.name, reverse("county-dashboard", args=[county.code]))
        for county in counties
    }
    for row in rows:
        area = areas.get(row.municipality.county_id)
        if area is None:
            continue
        gaps = gaps_of(row)
        area.total += 1
        for gap, missing in gaps.items():
            area.counts[gap] += missing
        if keep_municipalities and any(gaps.values()):
            area.municipalities.append((row, [(gap, gaps[gap]) for gap in GAPS]))
    return list(areas.values())


#: the municipalities a user reads, by name, by SQL made once (``access.InScope``)
_MUNICIPALITIES = access.InScope(Municipality.objects.order_by("name", "code"), path="pk")


def county_part(user, today: dt.date, generation: str) -> tuple[list[Area], str]:
    """The user's counties (their county board's), each with its municipalities that
    lack something, and the name they are kept under for the data's ``generation``
    (``dashboard.FIGURES``): the day and the counties."""
    counties = list(access.counties_for(user).order_by("name"))
    ids = {county.pk for county in counties}
    # READ on a county is READ on each of its municipalities: the counties and the data
    # (its municipalities are watched) say which are listed
    name = cache_keys.key("today-county:2", today.isoformat(), sorted(ids))[0]

    def compute() -> list[Area]:
        readable = access.visible(_MUNICIPALITIES, user, Capability.READ)
        municipalities = [m for m in readable if m.county_id in ids]
        rows = dashboard.gap_rows(municipalities, today)
        return _areas(rows, counties, keep_municipalities=True)

    return dashboard.FIGURES.remembered(name, compute, generation=generation), name


def national_part(user, today: dt.date, generation: str) -> tuple[list[Area], str]:
    """Every county side by side, and the name they are kept under for the data's
    ``generation``: the day. The same for every reader of everything (``for_user`` asks
    it for those only; anyone else's is made for them, not kept)."""

    def compute() -> list[Area]:
        counties = list(access.counties_for(user).order_by("name"))
        rows = dashboard.gap_rows(access.visible(_MUNICIPALITIES, user, Capability.READ), today)
        return _areas(rows, counties, keep_municipalities=False)

    if not access.reads_everywhere(user):
        return compute(), ""
    name = f"today-national:{today.isoformat()}"
    return dashboard.FIGURES.remembered(name, compute, generation=generation), name


def for_user(user, today: dt.date, generation: str | None = None) -> Today:
    """Each part the user's roles call for; ``generation``, the data's
    (``dashboard.FIGURES``) when the caller has read it."""
    result = Today()
    if access.reads_everywhere(user):
        generation = generation or dashboard.FIGURES.current()
        result.national, name = national_part(user, today, generation)
        result.figures = f"{generation}:{name}" if name else ""
    elif access.follows_counties(user):
        generation = generation or dashboard.FIGURES.current()
        result.county, name = county_part(user, today, generation)
        result.figures = f"{generation}:{name}"
    if not user.is_superuser:
        edits = access.holds_anywhere(user, Capability.EDIT)
        reviews = access.holds_anywhere(user, Capability.REVIEW)
        if edits or reviews:
            result.coordinator, result.police = _own_parts(user, today, edits, reviews)
        if edits:  # read each time: a report's failure is written without a signal
            result.coordinator = [*result.coordinator, _failed_reports(user)]
    return result


# --- the user's own parts, kept -------------------------------------------------------

#: what the coordinator's and the liaison's parts read, but for the user's grants (in
#: the key) and the failed reports (read each time): every save of one of these begins
#: a new generation of the kept parts (``councils.generations``)
OWN = Generation("to-do", seconds=300)


def watch_own() -> None:
    """Called once the models are loaded (``FollowupConfig.ready``)."""
    OWN.watch(
        Activity,
        Agreement,
        Comment,
        Municipality,
        Organisation,
        Pledge,
        ReminderSettings,
        SituationalPicture,
    )


def _own_parts(user, today: dt.date, edits: bool, reviews: bool):
    """The coordinator's part (without the failed reports) and the liaison's, kept for
    the data's generation, the user, the day, the language (the items' texts) and the
    municipalities where the user edits and reviews (their grants)."""
    name = cache_keys.key(
        "today-own:1",
        user.pk,
        today.isoformat(),
        get_language(),
        edits and access.scope_ids(user, Capability.EDIT),
        reviews and access.scope_ids(user, Capability.REVIEW),
    )[0]

    def compute() -> tuple[list[Group] | None, list[Group] | None]:
        return (
            coordinator_part(user, today) if edits else None,
            police_part(user, today) if reviews else None,
        )

    return OWN.remembered(name, compute)
