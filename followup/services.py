"""Every write of the follow-up of activities and pledges: keyword-only, atomic, with
the actor.

Who records a follow-up: whoever may edit the municipality (its coordinators), and
the police liaisons who review it, for the activities the police answer for alone or
jointly. A pledge is followed up once it is published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from councils import access, dates, formats
from councils.access import Capability
from councils.concurrency import bump, save_versioned
from councils.models import User
from followup import cadence
from followup.models import FollowUp, PledgeFollowUp
from pledges.models import Activity, Pledge

#: activities a police liaison records the follow-ups of
POLICE_PARTIES = (Activity.Party.POLICE, Activity.Party.JOINT)


def may_record(user: User, activity: Activity) -> bool:
    """Coordinators of the municipality; its police liaisons for police or joint
    activities; the contacts of the partner organisation responsible for it."""
    municipality_id = activity.pledge.municipality_id
    if access.can(user, Capability.EDIT, municipality_id):
        return True
    if activity.responsible_party in POLICE_PARTIES and access.can(
        user, Capability.REVIEW, municipality_id
    ):
        return True
    return records_for_partner(user, activity)


def records_for_partner(user: User, activity: Activity) -> bool:
    """Whether ``user`` records the activity's follow-up as a contact of its responsible
    partner organisation (and not as the municipality or the police): the entry is then
    the organisation's, and only the municipality publishes it."""
    municipality_id = activity.pledge.municipality_id
    if access.can(user, Capability.EDIT, municipality_id) or access.can(
        user, Capability.REVIEW, municipality_id
    ):
        return False
    return access.responsible_for(user, activity.responsible_organisation_id, municipality_id)


def may_mark(user: User, pledge: Pledge) -> bool:
    return access.can(user, Capability.EDIT, pledge.municipality_id)


def _require_followed_up(pledge: Pledge) -> None:
    if not pledge.is_public:
        raise ValidationError(
            _("Only a signed and published pledge is followed up. This one is %(status)s.")
            % {"status": pledge.get_status_display()}
        )


def _check_period(period_start: dt.date, period_end: dt.date, pledge: Pledge) -> None:
    """Plausible dates, in order, within the pledge's period: each a Swedish error at its
    field."""
    errors = {}
    for name, day in (("period_start", period_start), ("period_end", period_end)):
        try:
            dates.PlausibleDate()(day)
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period must end after it starts.")})
    if period_start < pledge.period_start or period_end > pledge.period_end:
        message = _("The period must lie within the pledge's period %(start)s–%(end)s.") % {
            "start": formats.iso(pledge.period_start),
            "end": formats.iso(pledge.period_end),
        }
        field = "period_start" if period_start < pledge.period_start else "period_end"
        raise ValidationError({field: message})


def next_follow_up_after(activity: Activity, period_end: dt.date) -> dt.date | None:
    """The activity's next follow-up once it has entries up to ``period_end``: the end of
    the next period of its cadence, and never after the pledge's period. The last
    follow-up is the pledge's period end; once an entry reaches it nothing more is due
    (None), so a finished pledge never shows as overdue."""
    pledge_end = activity.pledge.period_end
    if period_end >= pledge_end:
        return None
    return min(cadence.next_follow_up(period_end, activity.cadence), pledge_end)


@transaction.atomic
def follow_up_record(
    *,
    user: User,
    activity: Activity,
    period_start: dt.date,
    period_end: dt.date,
    status: str,
    progress: int,
    done: str = "",
    effect: str = "",
    obstacles: str = "",
    published: bool = False,
) -> FollowUp:
    """Record what happened with ``activity`` in a period.

    The period lies within the pledge's period (dates outside 1990–2100 are refused).
    The activity takes the entry's status; residents see it only once the entry is
    published (``public_status_of``). Its next follow-up becomes the end of the
    cadence period after its latest entry (this one, unless an entry of a later period
    was recorded before: recording an earlier period never moves the date back), capped
    at the pledge's period end (``next_follow_up_after``).
    """
    if not may_record(user, activity):
        raise PermissionDenied
    activity = (
        Activity.objects.select_for_update()
        .select_related("pledge", "pledge__municipality")
        .get(pk=activity.pk)
    )
    if activity.deleted_at is not None:
        raise ValidationError(_("The activity has been removed from the plan."))
    _require_followed_up(activity.pledge)
    _check_period(period_start, period_end, activity.pledge)
    if status not in Activity.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if not 0 <= int(progress) <= 100:
        raise ValidationError({"progress": _("Progress is a share between 0 and 100 %.")})
    partner = records_for_partner(user, activity)
    entry = FollowUp(
        activity=activity,
        period_start=period_start,
        period_end=period_end,
        status=status,
        progress=progress,
        done=done,
        effect=effect,
        obstacles=obstacles,
        published=published and not partner,
        reported_by=user,
        reported_for_id=activity.responsible_organisation_id if partner else None,
    )
    save_versioned(entry, expected_version=None, user=user)
    plan_status = activity.public_status or activity.status
    activity.status = status
    activity.public_status = public_status_of(activity, plan_status=plan_status)
    # this entry's end, unless an entry of a later period was recorded before it
    entries = FollowUp.objects.filter(activity=activity)
    latest_end = entries.aggregate(latest=Max("period_end"))["latest"]
    activity.next_follow_up = next_follow_up_after(activity, latest_end)
    bump(activity, user=user)
    return entry


# --- a whole plan in one form ------------------------------------------------------------


@dataclass(frozen=True)
class PlanEntry:
    """One row of a plan's follow-up: the activity, the version of it the user saw, and
    the entry's values (``follow_up_record``'s keywords but the period)."""

    activity: Activity
    version: int | None
    values: dict = field(default_factory=dict)


class RowsConflict(Exception):
    """Rows whose activity changed (or was removed) after the user opened the page."""

    def __init__(self, current: list[Activity]):
        super().__init__(f"{len(current)} activities changed")
        self.current = current


class RowsInvalid(Exception):
    """Rows the service refused, by activity id; nothing was saved."""

    def __init__(self, errors: dict[int, ValidationError]):
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors


@transaction.atomic
def follow_up_record_plan(
    *,
    user: User,
    period_start: dt.date,
    period_end: dt.date,
    rows: Sequence[PlanEntry],
) -> list[FollowUp]:
    """Record a follow-up of each row's activity for one period: all or none.

    Every activity is locked first; a row whose activity is no longer at the version
    the user saw (someone recorded or edited it since) or was removed is a
    ``RowsConflict`` and nothing is saved. Each row is then recorded through
    ``follow_up_record`` (the same rules and rights as one entry; the public status
    moves only with published entries); if any row is refused the whole plan is
    rolled back and ``RowsInvalid`` names each refused row's errors.
    """
    ids = [row.activity.pk for row in rows]
    locked = {
        activity.pk: activity
        for activity in Activity.objects.select_for_update()
        .select_related("pledge", "pledge__municipality")
        .filter(pk__in=ids)
    }
    stale = [
        locked.get(row.activity.pk, row.activity)
        for row in rows
        if row.activity.pk not in locked
        or locked[row.activity.pk].deleted_at is not None
        or row.version is None
        or locked[row.activity.pk].version != row.version
    ]
    if stale:
        raise RowsConflict(stale)
    entries, errors = [], {}
    for row in rows:
        try:
            entries.append(
                follow_up_record(
                    user=user,
                    activity=locked[row.activity.pk],
                    period_start=period_start,
                    period_end=period_end,
                    **row.values,
                )
            )
        except ValidationError as error:
            errors[row.activity.pk] = error
    if errors:
        raise RowsInvalid(errors)
    return entries


def public_status_of(activity: Activity, *, plan_status: str) -> str:
    """The status residents see: the latest published entry's (latest period first),
    or ``plan_status`` (the plan's) while no entry is published. What an unpublished
    entry records stays internal. Every change to an entry's ``published`` recomputes
    it with this (``follow_up_publish``)."""
    latest = (
        FollowUp.objects.filter(activity=activity, published=True)
        .order_by("-period_end", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    return latest or plan_status


@transaction.atomic
def follow_up_publish(*, user: User, entry: FollowUp, expected_version: int | None) -> FollowUp:
    """Publish an entry recorded unpublished: residents see it, and the activity's
    public status follows it if it is the latest published entry.

    ``expected_version`` is the version of the entry the user saw (the follow-up
    page's button posts it); a stale or missing one raises ``Conflict``. A partner's
    contacts do not publish: the municipality does."""
    if not may_record(user, entry.activity) or records_for_partner(user, entry.activity):
        raise PermissionDenied
    activity = Activity.objects.select_for_update().get(pk=entry.activity_id)
    if entry.published:
        return entry
    plan_status = activity.public_status or activity.status
    entry.published = True
    save_versioned(entry, expected_version=expected_version, user=user)
    activity.public_status = public_status_of(activity, plan_status=plan_status)
    bump(activity, user=user)
    return entry


def activities_without_entry(pledge: Pledge, period_end: dt.date) -> list[Activity]:
    """The pledge's activities with no follow-up whose period covers ``period_end``."""
    covered = FollowUp.objects.filter(
        activity__pledge=pledge, period_start__lte=period_end, period_end__gte=period_end
    ).values("activity_id")
    return list(
        pledge.activities.filter(deleted_at__isnull=True)
        .exclude(pk__in=covered)
        .order_by("order", "pk")
    )


@transaction.atomic
def pledge_mark_followed_up(
    *,
    user: User,
    pledge: Pledge,
    period_start: dt.date,
    period_end: dt.date,
    summary: str = "",
    publish: bool = False,
) -> PledgeFollowUp:
    """Mark the pledge followed up for a period, once every activity has an entry for it;
    with ``publish`` the summary goes to the public pledge page."""
    if not may_mark(user, pledge):
        raise PermissionDenied
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    _require_followed_up(pledge)
    _check_period(period_start, period_end, pledge)
    if missing := activities_without_entry(pledge, period_end):
        raise ValidationError(
            _(
                "Every activity needs a follow-up for the period ending %(day)s. "
                "Missing: %(titles)s."
            )
            % {"day": formats.iso(period_end), "titles": ", ".join(a.title for a in missing)}
        )
    if PledgeFollowUp.objects.filter(
        pledge=pledge, period_start=period_start, period_end=period_end
    ).exists():
        raise ValidationError(_("This period has already been marked followed up."))
    try:
        with transaction.atomic():
            marked = PledgeFollowUp.objects.create(
                pledge=pledge,
                period_start=period_start,
                period_end=period_end,
                summary=summary,
                published_at=timezone.now() if publish else None,
                marked_by=user,
            )
    except IntegrityError as error:  # marked by someone else a moment ago
        raise ValidationError(_("This period has already been marked followed up.")) from error
    pledge.status = Pledge.Status.FOLLOWED_UP
    bump(pledge, user=user)
    return marked
