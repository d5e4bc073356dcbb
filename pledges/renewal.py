"""New versions and next year's pledge: a published pledge is changed through a new
draft version, and renewed into next year's draft with what was not carried out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Agreement, Goal
from agreements.selectors import CurrentProblems, agreement_in_force, same_text
from councils import access, dates, formats
from councils.access import Capability
from councils.models import User
from councils.notes import keep_notes, sentences
from councils.selectors import values_of
from pledges.models import Activity, Dialogue, Pledge
from pledges.services import _locked, activity_date_errors, period_label


def _copy(pledge: Pledge, *, user: User, **changes) -> Pledge:
    kept = values_of(
        pledge,
        "municipality",
        "area",
        "vulnerable_area",
        "agreement",
        "title",
        "period_start",
        "period_end",
        "public_text",
        "municipality_signatory_name",
        "municipality_signatory_title",
        "police_signatory_name",
        "police_signatory_title",
    )
    copy = Pledge.objects.create(**{**kept, **changes})
    copy.problems.set(pledge.problems.all())
    for dialogue in pledge.dialogues.all():
        Dialogue.objects.create(
            pledge=copy, **values_of(dialogue, "kind", "held_on", "participants", "summary")
        )
    return copy


def _copy_activity(activity: Activity, pledge: Pledge, **changes) -> Activity:
    fields = {
        f.name: getattr(activity, f.name)
        for f in Activity._meta.concrete_fields
        if f.name not in ("id", "pledge", "version", "deleted_at")
    }
    fields.update(changes)
    copy = Activity.objects.create(pledge=pledge, **fields)
    copy.themes.set(activity.themes.all())
    return copy


@transaction.atomic
def pledge_new_version(*, user: User, pledge: Pledge) -> Pledge:
    """A published pledge is changed through a new draft version that is reviewed again."""
    access.require(user, Capability.EDIT, pledge.municipality_id)
    pledge = _locked(pledge)
    if not pledge.is_public:
        raise ValidationError(_("Only a published pledge gets a new version."))
    if Pledge.objects.filter(replaces=pledge).exists():
        raise ValidationError(_("A new version of this pledge already exists."))
    copy = _copy(pledge, user=user, replaces=pledge)
    for activity in pledge.activities.filter(deleted_at__isnull=True):
        _copy_activity(activity, copy)
    return copy


def _next_period(pledge: Pledge) -> tuple[dt.date, dt.date]:
    """Next year's period: moved by the period's length in whole years (one year for a
    period that is not a whole number of years). Outside the dates the service
    accepts, a ValidationError that says so."""
    years = dates.whole_years(pledge.period_start, pledge.period_end) or 1
    refused = ValidationError(
        _(
            "The pledge runs %(period)s: next year's period would fall outside the dates "
            "the service accepts (%(earliest)s–%(latest)s). Correct the pledge's period "
            "first."
        )
        % {
            "period": period_label(pledge),
            "earliest": formats.iso(dates.EARLIEST),
            "latest": formats.iso(dates.LATEST),
        },
        code="period_out_of_range",
    )
    return dates.moved_period(
        lambda: (
            dates.add_years(pledge.period_start, years),
            dates.add_years(pledge.period_end, years),
        ),
        refused,
    )


def _goal_in(agreement: Agreement | None, goal: Goal) -> Goal | None:
    """The goal of ``agreement`` that ``goal`` (of another agreement) became: the
    same text (a renewed agreement copies its goals)."""
    if agreement is None or goal.agreement_id == agreement.pk:
        return goal
    return next((g for g in agreement.goals.all() if same_text(g.text, goal.text)), None)


@transaction.atomic
def pledge_renew(*, user: User, pledge: Pledge) -> Pledge:
    """Next year's pledge: a draft with the activities that were not carried out.

    Everything dated moves with the period (the activities' dates and next
    follow-ups, by the same whole years); the years of the old period written in the
    title and the public text become the new ones; problems are relinked to the
    current lägesbild, goals to the agreement in force for the new period. What could
    not be carried over by itself is kept as it was and listed in ``renewal_notes``
    for the coordinator to check.
    """
    access.require(user, Capability.EDIT, pledge.municipality_id)
    pledge = _locked(pledge)
    if Pledge.objects.filter(predecessor=pledge).exists():
        raise ValidationError(_("Next year's pledge has already been created."))
    start, end = _next_period(pledge)
    years = start.year - pledge.period_start.year
    first, last = pledge.period_start.year, pledge.period_end.year

    def moved_years(text: str) -> str:
        return dates.shift_years_in(text, first=first, last=last, years=years)

    def moved(day: dt.date | None) -> dt.date | None:
        return None if day is None else dates.add_years(day, years)

    notes: list[dict[str, str]] = []

    def kept(found, old, note: dict[str, str]):
        """``found`` (the counterpart in force), or ``old`` with a note that it stays."""
        if found is None:
            notes.append(note)
        return found or old

    agreement = agreement_in_force(pledge.municipality_id, start, end)
    if agreement is None and pledge.agreement_id:
        agreement = pledge.agreement
        notes.append({"kind": "agreement", "name": agreement.title})
    public_text = moved_years(pledge.public_text)
    if public_text != pledge.public_text:
        notes.append({"kind": "public_text"})
    copy = _copy(
        pledge,
        user=user,
        title=moved_years(pledge.title),
        period_start=start,
        period_end=end,
        public_text=public_text,
        agreement=agreement,
        predecessor=pledge,
    )
    to_current = CurrentProblems(pledge.municipality_id)
    problems = list(pledge.problems.select_related("picture").order_by("rank", "pk"))
    if problems and to_current.picture is None:
        notes.append({"kind": "no_picture"})
    copy.problems.set(
        [kept(to_current(p), p, {"kind": "problem", "name": p.title}) for p in problems]
    )

    carried = (
        pledge.activities.filter(deleted_at__isnull=True)
        .exclude(status__in=[Activity.Status.DONE, Activity.Status.CANCELLED])
        .select_related("problem", "goal", "action_plan")
        .order_by("order", "pk")
    )
    for activity in carried:
        changes: dict[str, Any] = {
            "status": Activity.Status.PLANNED
            if activity.status == Activity.Status.NOT_DONE
            else activity.status,
            "start_date": moved(activity.start_date),
            "end_date": moved(activity.end_date),
            "next_follow_up": moved(activity.next_follow_up),
        }
        if activity.problem_id:
            changes["problem"] = kept(
                to_current(activity.problem),
                activity.problem,
                {
                    "kind": "activity_problem",
                    "activity": activity.title,
                    "name": activity.problem.title,
                },
            )
        if activity.goal_id and agreement is not None:
            changes["goal"] = kept(
                _goal_in(agreement, activity.goal),
                activity.goal,
                {"kind": "activity_goal", "activity": activity.title, "name": activity.goal.text},
            )
        plan = activity.action_plan
        if plan is not None and not (plan.valid_from <= end and plan.valid_until >= start):
            notes.append(
                {"kind": "activity_action_plan", "activity": activity.title, "name": plan.title}
            )
        if activity_date_errors(
            copy,
            start_date=changes["start_date"],
            end_date=changes["end_date"],
            next_follow_up=changes["next_follow_up"],
        ):
            notes.append({"kind": "activity_dates", "activity": activity.title})
        _copy_activity(activity, copy, **changes)
    keep_notes(copy, notes)
    return copy


def renewal_notices(pledge: Pledge) -> list[str]:
    """The renewal's notes, as sentences in the reader's language."""
    messages = {
        "agreement": _(
            "No signed agreement covers %(period)s: the pledge still points at “%(name)s”."
        ),
        "public_text": _(
            "The years in the public text have been moved to the new period: read it through."
        ),
        "no_picture": _(
            "The municipality has no current lägesbild: the problems are those of last "
            "year's pledge."
        ),
        "problem": CurrentProblems.NOT_CURRENT,
        "activity_problem": _(
            "The activity “%(activity)s” serves the problem “%(name)s”, which is not in "
            "the current lägesbild."
        ),
        "activity_goal": _(
            "The activity “%(activity)s” serves the goal “%(name)s”, which the agreement "
            "in force has no match for."
        ),
        "activity_action_plan": _(
            "The activity “%(activity)s” belongs to the action plan “%(name)s”, which is "
            "not valid in %(period)s."
        ),
        "activity_dates": _(
            "The activity “%(activity)s” is dated outside %(period)s: correct its dates."
        ),
    }
    return sentences(pledge.renewal_notes, messages, period=period_label(pledge))
