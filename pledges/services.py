"""Every write that matters for citizen pledges: keyword-only, atomic, with the actor."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.selectors import agreement_in_force
from councils import access, dates, formats, sharing, signing
from councils.access import Capability
from councils.acting import acting_organisation
from councils.concurrency import bump, delete_tracked, move, save_tracked, save_versioned
from councils.models import LocalPoliceArea, Municipality, User
from councils.partners import Partnership
from councils.signing import PARTIES as PARTIES  # the views ask services for both
from councils.signing import may_sign as may_sign
from councils.signing import record_signature
from pledges import reads
from pledges.changes import diff as diff  # the review page and tests ask services
from pledges.changes import snapshot
from pledges.models import (
    Activity,
    Comment,
    Dialogue,
    Notification,
    Pledge,
    RegionalTheme,
    Review,
    SharedPledge,
)
from pledges.notifications import editors_of, notify, reviewers_of

S = Pledge.Status
#: how far back ``notifications_resend`` looks for unsent e-mails


def _require_editable(pledge: Pledge) -> None:
    if not pledge.editable:
        raise ValidationError(
            _(
                "The pledge is %(status)s and cannot be changed now. A published pledge is "
                "changed through a new version; one in review waits for the police's answer."
            )
            % {"status": pledge.get_status_display()}
        )


def _require_editing(user: User, pledge: Pledge) -> None:
    """``user`` may edit the pledge's municipality, and the pledge (locked) is editable."""
    access.require(user, Capability.EDIT, pledge.municipality_id)
    _require_editable(_locked(pledge))


def _locked(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update().select_related("municipality").get(pk=pledge.pk)


def may_review(user: User, pledge: Pledge) -> bool:
    """Police liaisons of the local police areas that cover the municipality."""
    return access.can(user, Capability.REVIEW, pledge.municipality_id)


# --- pledge ------------------------------------------------------------------------


def _check_links(pledge: Pledge) -> None:
    errors = {}
    if pledge.agreement_id and pledge.agreement.municipality_id != pledge.municipality_id:
        errors["agreement"] = _("Choose an agreement of the same municipality.")
    area = pledge.vulnerable_area
    if area is not None and area.municipality_id != pledge.municipality_id:
        errors["vulnerable_area"] = _("The vulnerable area must lie in the same municipality.")
    if pledge.period_start and pledge.period_end and pledge.period_end < pledge.period_start:
        errors["period_end"] = _("The period must end after it starts.")
    if errors:
        raise ValidationError(errors)


def period_label(pledge: Pledge) -> str:
    return formats.iso_period(pledge.period_start, pledge.period_end)


def next_year_from(year: int) -> dt.date:
    """The day of ``year`` from which a new pledge is for next year (a setting)."""
    month, day = settings.PLEDGE_NEXT_YEAR_FROM
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def new_pledge_defaults(municipality: Municipality, today: dt.date | None = None) -> dict:
    """What the new-pledge form proposes: this year's pledge, or next year's once the
    year is far gone (``PLEDGE_NEXT_YEAR_FROM``) or this year's pledge already exists;
    the whole calendar year, titled with the municipality's official name, and the
    signed agreement in force for that year (if one covers it)."""
    today = today or dates.today()
    this_years = (
        Pledge.objects.filter(
            municipality=municipality, period_start__lte=today, period_end__gte=today
        )
        .exclude(replaced_by__status__in=Pledge.PUBLIC_STATUSES)
        .exists()
    )
    year = today.year + 1 if this_years or today >= next_year_from(today.year) else today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    agreement = agreement_in_force(municipality.pk, start, end)
    return {
        "title": _("Citizen pledge %(name)s %(year)s")
        % {"name": municipality.official_name, "year": year},
        "period_start": start,
        "period_end": end,
        "agreement": agreement.pk if agreement else None,
    }


def activity_date_errors(
    pledge: Pledge,
    *,
    start_date: dt.date | None,
    end_date: dt.date | None,
    next_follow_up: dt.date | None,
) -> dict[str, str]:
    """An activity's dates lie within its pledge's period; its next follow-up does not
    fall after the pledge's end."""
    if not (pledge.period_start and pledge.period_end):
        return {}
    errors = {}
    for name, day in (("start_date", start_date), ("end_date", end_date)):
        if day and not pledge.period_start <= day <= pledge.period_end:
            errors[name] = _("The date must lie within the pledge's period %(period)s.") % {
                "period": period_label(pledge)
            }
    if next_follow_up and next_follow_up > pledge.period_end:
        errors["next_follow_up"] = _(
            "The next follow-up must not fall after the pledge's end, %(end)s."
        ) % {"end": formats.iso(pledge.period_end)}
    return errors


def _check_period_keeps_activities(pledge: Pledge) -> None:
    """A new period must still hold every activity's dates: refused with the list of
    the activities to move first (nothing is moved silently)."""
    outside = [
        activity.title
        for activity in pledge.activities.filter(deleted_at__isnull=True).order_by("order", "pk")
        if activity_date_errors(
            pledge,
            start_date=activity.start_date,
            end_date=activity.end_date,
            next_follow_up=activity.next_follow_up,
        )
    ]
    if outside:
        raise ValidationError(
            _(
                "These activities would be dated outside the period %(period)s: "
                "%(activities)s. Change their dates first, or choose a period that holds them."
            )
            % {"period": period_label(pledge), "activities": "; ".join(outside)},
            code="activities_outside_period",
        )


@transaction.atomic
def pledge_create(
    *,
    user: User,
    municipality: Municipality,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    agreement=None,
) -> Pledge:
    access.require(user, Capability.EDIT, municipality.pk)
    pledge = Pledge(
        municipality=municipality,
        title=title,
        period_start=period_start,
        period_end=period_end,
        agreement=agreement,
    )
    _check_links(pledge)
    save_versioned(pledge, expected_version=None, user=user)
    return pledge


@transaction.atomic
def pledge_save(
    *, user: User, pledge: Pledge, expected_version: int | None, problems=None
) -> Pledge:
    """Save the pledge's own fields (a form has set them)."""
    access.require(user, Capability.EDIT, pledge.municipality_id)
    stored = _locked(pledge)
    _require_editable(stored)
    _check_links(pledge)
    if (stored.period_start, stored.period_end) != (pledge.period_start, pledge.period_end):
        _check_period_keeps_activities(pledge)
    if problems is not None:
        foreign = [p for p in problems if p.picture.municipality_id != pledge.municipality_id]
        if foreign:
            raise ValidationError({"problems": _("Choose problems of the same municipality.")})
    save_versioned(pledge, expected_version=expected_version, user=user)
    if problems is not None:
        pledge.problems.set(problems)
    return pledge


@transaction.atomic
def dialogue_save(*, user: User, dialogue: Dialogue) -> Dialogue:
    _require_editing(user, dialogue.pledge)
    save_tracked(dialogue, user=user)
    return dialogue


@transaction.atomic
def dialogue_delete(*, user: User, dialogue: Dialogue) -> None:
    """A dialogue is never edited, so it carries no version: what was shown is what goes."""
    _require_editing(user, dialogue.pledge)
    delete_tracked(dialogue, user=user)


# --- activities --------------------------------------------------------------------


def _check_activity(activity: Activity) -> None:
    """Links must stay inside the pledge's municipality (hidden fields can be tampered);
    dates inside the pledge's period."""
    municipality_id = activity.pledge.municipality_id
    errors = {}
    if activity.problem_id and activity.problem.picture.municipality_id != municipality_id:
        errors["problem"] = _("Choose a problem of the same municipality.")
    if activity.goal_id and activity.goal.agreement.municipality_id != municipality_id:
        errors["goal"] = _("Choose a goal of the same municipality.")
    if activity.action_plan_id and activity.action_plan.municipality_id != municipality_id:
        errors["action_plan"] = _("Choose an action plan of the same municipality.")
    if (
        activity.decision_id
        and activity.decision.meeting.council.municipality_id != municipality_id
    ):
        errors["decision"] = _("Choose a decision of the same municipality.")
    if activity.start_date and activity.end_date and activity.end_date < activity.start_date:
        errors["end_date"] = _("The activity must end after it starts.")
    if (
        activity.responsible_party == Activity.Party.PARTNER
        and not activity.partner_display.strip()
    ):
        errors["partner_name"] = _("Name the partner organisation that is responsible.")
    partner = Partnership.objects.filter(municipality_id=municipality_id)
    if activity.responsible_organisation_id and not partner.filter(
        organisation_id=activity.responsible_organisation_id
    ):
        errors["responsible_organisation"] = _("Choose a partner of the same municipality.")
    if not (activity.start_date or activity.recurrence.strip()):
        errors["start_date"] = _("Give a start date or describe how often the activity recurs.")
    for name, message in activity_date_errors(
        activity.pledge,
        start_date=activity.start_date,
        end_date=activity.end_date,
        next_follow_up=activity.next_follow_up,
    ).items():
        errors.setdefault(name, message)
    if errors:
        raise ValidationError(errors)


def themes_for(pledge: Pledge):
    return RegionalTheme.objects.filter(police_region=pledge.municipality.county.police_region_id)


@transaction.atomic
def activity_save(
    *, user: User, activity: Activity, expected_version: int | None = None, themes=None
) -> Activity:
    _require_editing(user, activity.pledge)
    _check_activity(activity)
    if themes is not None:
        allowed = set(themes_for(activity.pledge).values_list("pk", flat=True))
        if any(theme.pk not in allowed for theme in themes):
            raise ValidationError({"themes": _("Choose themes of the pledge's police region.")})
    if activity.pk is None:
        top = activity.pledge.activities.aggregate(top=Max("order"))["top"] or 0
        activity.order = top + 1
    save_versioned(activity, expected_version=expected_version, user=user)
    if themes is not None:
        activity.themes.set(themes)
    return activity


@transaction.atomic
def activity_delete(*, user: User, activity: Activity, expected_version: int | None) -> Activity:
    """Delete an activity (at the version the user saw); it can be restored until the
    pledge is submitted."""
    _require_editing(user, activity.pledge)
    activity.deleted_at = timezone.now()
    save_versioned(activity, expected_version=expected_version, user=user)
    return activity


@transaction.atomic
def activity_restore(*, user: User, activity: Activity) -> Activity:
    _require_editing(user, activity.pledge)
    if activity.deleted_at is None:
        return activity
    activity.deleted_at = None
    bump(activity, user=user)
    return activity


@transaction.atomic
def activity_move(*, user: User, activity: Activity, direction: str) -> None:
    """Move an activity one place up or down; each changed order is a saved version."""
    _require_editing(user, activity.pledge)
    ordered = list(
        activity.pledge.activities.select_for_update()
        .filter(deleted_at__isnull=True)
        .order_by("order", "pk")
    )
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an activity up or down."))
    move(ordered, activity, direction, "order", user=user)


# --- submit, review, sign ----------------------------------------------------------


def missing_themes(pledge: Pledge) -> list[RegionalTheme]:
    return reads.uncovered_themes(pledge)


def missing_for_submit(pledge: Pledge) -> list[str]:
    missing = []
    if not pledge.public_text.strip():
        missing.append(_("Write the public text: what you promise residents."))
    if not reads.has_activities(pledge):
        missing.append(_("Add at least one activity."))
    themes = missing_themes(pledge)
    if themes:
        missing.append(
            _("The police region requires activities for these themes: %(themes)s.")
            % {"themes": "; ".join(t.title for t in themes)}
        )
    return missing


def last_review(pledge: Pledge) -> Review | None:
    return pledge.reviews.order_by("-created_at", "-pk").first()


@transaction.atomic
def pledge_submit(*, user: User, pledge: Pledge) -> Pledge:
    access.require(user, Capability.EDIT, pledge.municipality_id)
    pledge = _locked(pledge)
    _require_editable(pledge)
    if missing := missing_for_submit(pledge):
        raise ValidationError(missing)
    pledge.status = S.IN_REVIEW
    pledge.submitted_at = timezone.now()
    pledge.submitted_by = user
    pledge.shared_with = sharing.receivers(
        LocalPoliceArea.objects.filter(municipalities=pledge.municipality_id)
    )
    bump(pledge, user=user)
    # shared with the police: it may now be an official record, kept as it was shared
    sharing.record(
        SharedPledge,
        user=user,
        shared_at=pledge.submitted_at,
        shared_with=pledge.shared_with,
        snapshot=snapshot(pledge),
        pledge=pledge,
    )
    notify(
        kind=Notification.Kind.SUBMITTED,
        pledge=pledge,
        users=reviewers_of(pledge),
        message=_("%(title)s has been submitted for your review.") % {"title": pledge.title},
    )
    return pledge


def _review(user: User, pledge: Pledge, outcome: str, message: str) -> Pledge:
    if not may_review(user, pledge):
        raise PermissionDenied
    pledge = _locked(pledge)
    if pledge.status != S.IN_REVIEW:
        raise ValidationError(_("Only a pledge in review can be approved or sent back."))
    if pledge.submitted_by_id == user.pk:
        raise ValidationError(_("You submitted this pledge: someone else must review it."))
    Review.objects.create(
        pledge=pledge, reviewer=user, outcome=outcome, message=message, snapshot=snapshot(pledge)
    )
    pledge.status = S.APPROVED if outcome == Review.Outcome.APPROVED else S.CHANGES_REQUESTED
    pledge.reviewed_at = timezone.now()
    bump(pledge, user=user)
    return pledge


@transaction.atomic
def pledge_request_changes(*, user: User, pledge: Pledge, message: str) -> Pledge:
    if not message.strip():
        raise ValidationError({"message": _("Say what should be changed.")})
    pledge = _review(user, pledge, Review.Outcome.CHANGES_REQUESTED, message)
    notify(
        kind=Notification.Kind.CHANGES_REQUESTED,
        pledge=pledge,
        users=editors_of(pledge),
        message=message,
    )
    return pledge


@transaction.atomic
def pledge_approve(*, user: User, pledge: Pledge, message: str = "") -> Pledge:
    pledge = _review(user, pledge, Review.Outcome.APPROVED, message)
    notify(
        kind=Notification.Kind.APPROVED,
        pledge=pledge,
        users=editors_of(pledge),
        message=message or _("%(title)s has been approved.") % {"title": pledge.title},
    )
    return pledge


@transaction.atomic
def pledge_sign(
    *, user: User, pledge: Pledge, party: str, name: str, title: str, signed_on: dt.date
) -> Pledge:
    """Record one party's signature; when both have signed, the pledge is published."""
    signing.require_signer(user, pledge, party)
    pledge = _locked(pledge)
    if pledge.status != S.APPROVED:
        raise ValidationError(_("The pledge must be approved by the police before it is signed."))
    if record_signature(pledge, party=party, name=name, title=title, signed_on=signed_on):
        pledge.status = S.PUBLISHED
        pledge.published_at = timezone.now()
    bump(pledge, user=user)
    if pledge.status == S.PUBLISHED:
        notify(
            kind=Notification.Kind.PUBLISHED,
            pledge=pledge,
            users=[*editors_of(pledge), *reviewers_of(pledge)],
            message=_("%(title)s is signed and published.") % {"title": pledge.title},
        )
    return pledge


# --- comments ----------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, user: User, pledge: Pledge, text: str, activity: Activity | None = None, reply_to=None
) -> Comment:
    if not (access.can(user, Capability.EDIT, pledge.municipality_id) or may_review(user, pledge)):
        raise PermissionDenied
    if activity is not None and activity.pledge_id != pledge.pk:
        raise ValidationError({"activity": _("Choose an activity of this pledge.")})
    if reply_to is not None and reply_to.pledge_id != pledge.pk:
        raise ValidationError(_("Answer a comment on this pledge."))
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    if reply_to is not None and reply_to.resolved_at is not None:
        # an answer to a resolved comment opens it again: there is more to say
        reply_to.resolved_at, reply_to.resolved_by = None, None
        reply_to.save(update_fields=["resolved_at", "resolved_by"])
    comment = Comment.objects.create(
        pledge=pledge,
        activity=activity if reply_to is None else reply_to.activity,
        reply_to=reply_to,
        author=user,
        organisation_name=acting_organisation(user, pledge.municipality_id)[:200],
        text=text,
    )
    others = [u for u in (*editors_of(pledge), *reviewers_of(pledge)) if u.pk != user.pk]
    notify(
        kind=Notification.Kind.COMMENT, pledge=pledge, users=others, message=text[:500], email=False
    )
    return comment


@transaction.atomic
def comment_resolve(*, user: User, comment: Comment) -> Comment:
    pledge = comment.pledge
    if not (access.can(user, Capability.EDIT, pledge.municipality_id) or may_review(user, pledge)):
        raise PermissionDenied
    if comment.resolved_at is None:
        comment.resolved_at = timezone.now()
        comment.resolved_by = user
        comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment
