"""Every write that matters in the agreements app: keyword-only, atomic, with the actor.

Views check access before calling (and answer 404); services check it again and the
state rules, raising ValidationError with a Swedish message for what the user can
put right, and PermissionDenied for what they may not do.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import (
    ActionPlan,
    Agreement,
    Comment,
    FocusArea,
    Goal,
    PriorityProblem,
    SharedAgreement,
    SituationalPicture,
    Source,
)
from agreements.selectors import CurrentProblems
from agreements.signals import agreement_signed, agreement_submitted
from agreements.snapshots import agreement_snapshot
from councils import access, dates, formats, sharing, signing
from councils.access import Capability
from councils.acting import acting_organisation
from councils.concurrency import (
    bump,
    delete_tracked,
    delete_versioned,
    move,
    renumber,
    save_tracked,
    save_versioned,
)
from councils.models import Municipality, User
from councils.notes import keep_notes, sentences
from councils.selectors import values_of
from councils.signing import PARTIES as PARTIES  # the views ask services for both
from councils.signing import may_sign, record_signature

# --- Situational picture -----------------------------------------------------------


def check_single_current(picture: SituationalPicture) -> None:
    if not picture.is_current:
        return
    other = (
        SituationalPicture.objects.filter(municipality_id=picture.municipality_id, is_current=True)
        .exclude(pk=picture.pk)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "is_current": _(
                    "“%(title)s” is already the current lägesbild. Confirm the switch to make "
                    "this one current; the other one then stops being current."
                )
                % {"title": other.title}
            }
        )


@transaction.atomic
def situational_picture_save(
    *,
    user: User,
    picture: SituationalPicture,
    expected_version: int | None = None,
    replace_current: bool = False,
) -> SituationalPicture:
    """Create or update a lägesbild (the form has set its fields). A current one takes
    the place of the municipality's current lägesbild if ``replace_current`` (the user
    confirmed the switch); else another current one is a ValidationError."""
    access.require(user, Capability.EDIT, picture.municipality_id)
    if replace_current and picture.is_current:
        _stop_current(user, picture)
    check_single_current(picture)
    save_versioned(picture, expected_version=expected_version, user=user)
    return picture


def _stop_current(user: User, picture: SituationalPicture) -> None:
    """The municipality's other current lägesbild stops being current (locked)."""
    for other in (
        SituationalPicture.objects.select_for_update()
        .filter(municipality_id=picture.municipality_id, is_current=True)
        .exclude(pk=picture.pk)
    ):
        other.is_current = False
        bump(other, user=user)


@transaction.atomic
def situational_picture_make_current(*, user: User, picture: SituationalPicture) -> None:
    access.require(user, Capability.EDIT, picture.municipality_id)
    _stop_current(user, picture)
    picture.refresh_from_db()
    picture.is_current = True
    bump(picture, user=user)


@transaction.atomic
def source_save(*, user: User, source: Source) -> Source:
    access.require(user, Capability.EDIT, source.picture.municipality_id)
    save_tracked(source, user=user)
    return source


@transaction.atomic
def source_delete(*, user: User, source: Source) -> None:
    """A source is never edited, so it carries no version: what was shown is what goes."""
    access.require(user, Capability.EDIT, source.picture.municipality_id)
    delete_tracked(source, user=user)


# --- Priority problems -------------------------------------------------------------


def _check_problem_area(problem: PriorityProblem) -> None:
    area = problem.vulnerable_area
    if area is not None and area.municipality_id != problem.picture.municipality_id:
        raise ValidationError(
            {"vulnerable_area": _("The vulnerable area must lie in the same municipality.")}
        )


@transaction.atomic
def problem_save(
    *, user: User, problem: PriorityProblem, expected_version: int | None = None
) -> PriorityProblem:
    access.require(user, Capability.EDIT, problem.picture.municipality_id)
    _check_problem_area(problem)
    if problem.pk is None:
        highest = problem.picture.problems.aggregate(top=Max("rank"))["top"] or 0
        problem.rank = highest + 1
    save_versioned(problem, expected_version=expected_version, user=user)
    return problem


def _ranked(picture: SituationalPicture, user: User) -> list[PriorityProblem]:
    """The picture's problems, locked, numbered 1, 2, 3 … without gaps."""
    ranked = list(picture.problems.select_for_update().order_by("rank", "pk"))
    renumber(ranked, "rank", user=user)
    return ranked


@transaction.atomic
def problem_delete(*, user: User, problem: PriorityProblem, expected_version: int | None) -> None:
    access.require(user, Capability.EDIT, problem.picture.municipality_id)
    if problem.agreements.exclude(status=Agreement.Status.DRAFT).exists():
        raise ValidationError(
            _("The problem is part of a signed agreement or one awaiting signature: it stays.")
        )
    picture = problem.picture
    delete_versioned(problem, expected_version=expected_version, user=user)
    _ranked(picture, user)


@transaction.atomic
def problem_move(*, user: User, problem: PriorityProblem, direction: str) -> None:
    """Move a problem one place up or down in the ranking."""
    access.require(user, Capability.EDIT, problem.picture.municipality_id)
    move(_ranked(problem.picture, user), problem, direction, "rank", user=user)


# --- Action plan -------------------------------------------------------------------


@transaction.atomic
def action_plan_save(
    *, user: User, plan: ActionPlan, problems=None, expected_version: int | None = None
) -> ActionPlan:
    access.require(user, Capability.EDIT, plan.municipality_id)
    if plan.picture_id and plan.picture.municipality_id != plan.municipality_id:
        raise ValidationError({"picture": _("Choose a lägesbild of the same municipality.")})
    save_versioned(plan, expected_version=expected_version, user=user)
    if problems is not None:
        plan.problems.set(problems)
    return plan


# --- Cooperation agreement ---------------------------------------------------------


def _require_draft(agreement: Agreement) -> None:
    if not agreement.editable:
        raise ValidationError(
            _(
                "The agreement is %(status)s and cannot be changed. A signed agreement is "
                "changed by creating a new version; one awaiting signature is first taken "
                "back to draft."
            )
            % {"status": agreement.get_status_display()}
        )


@transaction.atomic
def agreement_create(
    *, user: User, municipality: Municipality, title: str, start_date: date, end_date: date
) -> Agreement:
    access.require(user, Capability.EDIT, municipality.pk)
    agreement = Agreement(
        municipality=municipality, title=title, start_date=start_date, end_date=end_date
    )
    save_versioned(agreement, expected_version=None, user=user)
    agreement.police_areas.set(municipality.local_police_areas.all())
    current = municipality.situational_pictures.filter(is_current=True).first()
    if current is not None:
        agreement.problems.set(current.problems.all())
    return agreement


@transaction.atomic
def agreement_save(
    *, user: User, agreement: Agreement, expected_version: int | None, m2m: dict | None = None
) -> Agreement:
    """Save one edited section of a draft agreement (the form has set its fields)."""
    access.require(user, Capability.EDIT, agreement.municipality_id)
    stored = Agreement.objects.get(pk=agreement.pk)
    _require_draft(stored)
    save_versioned(agreement, expected_version=expected_version, user=user)
    for name, values in (m2m or {}).items():
        getattr(agreement, name).set(values)
    return agreement


def _check_goal(goal: Goal) -> None:
    errors = {}
    if goal.target_value is not None and not goal.indicator_name:
        errors["indicator_name"] = _("A goal with a target needs an indicator.")
    if (goal.baseline_value is None) != (goal.baseline_year is None):
        errors["baseline_year"] = _("Give both the baseline value and its year, or neither.")
    if (goal.target_value is None) != (goal.target_year is None):
        errors["target_year"] = _("Give both the target value and its year, or neither.")
    if goal.baseline_year and goal.target_year and goal.target_year < goal.baseline_year:
        errors["target_year"] = _("The target year cannot come before the baseline year.")
    if goal.focus_area_id and goal.focus_area.agreement_id != goal.agreement_id:
        errors["focus_area"] = _("Choose a focus area of this agreement.")
    if errors:
        raise ValidationError(errors)


def _save_part(user: User, part, siblings, expected_version: int | None, check=None):
    """A goal or focus area of a draft agreement; a new one goes after its ``siblings``."""
    access.require(user, Capability.EDIT, part.agreement.municipality_id)
    _require_draft(part.agreement)
    if check is not None:
        check(part)
    if part.pk is None:
        part.order = (siblings.aggregate(top=Max("order"))["top"] or 0) + 1
    save_versioned(part, expected_version=expected_version, user=user)
    return part


def _delete_part(user: User, part, expected_version: int | None) -> None:
    access.require(user, Capability.EDIT, part.agreement.municipality_id)
    _require_draft(part.agreement)
    delete_versioned(part, expected_version=expected_version, user=user)


@transaction.atomic
def goal_save(*, user: User, goal: Goal, expected_version: int | None = None) -> Goal:
    return _save_part(user, goal, goal.agreement.goals, expected_version, check=_check_goal)


@transaction.atomic
def goal_delete(*, user: User, goal: Goal, expected_version: int | None) -> None:
    _delete_part(user, goal, expected_version)


@transaction.atomic
def focus_area_save(
    *, user: User, focus_area: FocusArea, expected_version: int | None = None
) -> FocusArea:
    return _save_part(user, focus_area, focus_area.agreement.focus_areas, expected_version)


@transaction.atomic
def focus_area_delete(*, user: User, focus_area: FocusArea, expected_version: int | None) -> None:
    _delete_part(user, focus_area, expected_version)


def agreement_missing_for_signature(agreement: Agreement) -> list[str]:
    """What must be filled in before the agreement can go for signature, in Swedish."""
    missing = []
    if not agreement.police_areas.exists():
        missing.append(_("Choose the local police area(s) the agreement is with."))
    if not agreement.problems.exists():
        missing.append(_("Choose the problems in focus."))
    if not agreement.focus_areas.exists():
        missing.append(_("Add at least one focus area."))
    goals = list(agreement.goals.all())
    if not goals:
        missing.append(_("Add at least one goal."))
    for goal in goals:
        if not goal.measurable:
            missing.append(
                _("The goal “%(goal)s” needs an indicator, a baseline and a target with years.")
                % {"goal": goal.text}
            )
    if not agreement.documentation.strip():
        missing.append(_("Describe how the work is documented."))
    if not (agreement.follow_up_by.strip() and agreement.follow_up_frequency):
        missing.append(_("Say who follows up the work and how often."))
    if not (agreement.municipality_signatory_name and agreement.municipality_signatory_title):
        missing.append(_("Name the municipality's signatory and their title."))
    if not (agreement.police_signatory_name and agreement.police_signatory_title):
        missing.append(_("Name the police signatory and their title."))
    return missing


def _locked(agreement: Agreement, status: str, refusal: str) -> Agreement:
    """The agreement, locked for the change, if it is in ``status``; else ``refusal``."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != status:
        raise ValidationError(refusal)
    return agreement


@transaction.atomic
def agreement_submit_for_signature(*, user: User, agreement: Agreement) -> Agreement:
    access.require(user, Capability.EDIT, agreement.municipality_id)
    agreement = _locked(
        agreement, Agreement.Status.DRAFT, _("Only a draft can be sent for signature.")
    )
    if missing := agreement_missing_for_signature(agreement):
        raise ValidationError(missing)
    agreement.status = Agreement.Status.AWAITING_SIGNATURE
    agreement.shared_for_signature_at = timezone.now()
    agreement.shared_with = sharing.receivers(agreement.police_areas.all())
    bump(agreement, user=user)
    # shared with the police: it may now be an official record, kept as it was shared
    sharing.record(
        SharedAgreement,
        user=user,
        shared_at=agreement.shared_for_signature_at,
        shared_with=agreement.shared_with,
        snapshot=agreement_snapshot(agreement),
        agreement=agreement,
    )
    agreement_submitted.send(sender=Agreement, agreement=agreement, user=user)
    return agreement


@transaction.atomic
def agreement_reopen(*, user: User, agreement: Agreement) -> Agreement:
    """Take an agreement awaiting signature back to draft; signatures given are void."""
    access.require(user, Capability.EDIT, agreement.municipality_id)
    agreement = _locked(
        agreement,
        Agreement.Status.AWAITING_SIGNATURE,
        _("Only an agreement awaiting signature can be taken back."),
    )
    agreement.status = Agreement.Status.DRAFT
    agreement.municipality_signed_on = agreement.police_signed_on = None
    agreement.municipality_signed_by = agreement.police_signed_by = None
    bump(agreement, user=user)
    return agreement


@transaction.atomic
def agreement_sign(
    *, user: User, agreement: Agreement, party: str, name: str, title: str, signed_on: date
) -> Agreement:
    """Record one party's signature; when both have signed, freeze the content."""
    signing.require_signer(user, agreement, party)
    agreement = _locked(
        agreement,
        Agreement.Status.AWAITING_SIGNATURE,
        _("The agreement must be sent for signature before it is signed."),
    )
    both = record_signature(agreement, party=party, name=name, title=title, signed_on=signed_on)
    setattr(agreement, f"{party}_signed_by", user)
    if both:
        agreement.status = Agreement.Status.SIGNED
        agreement.signed_at = timezone.now()
        agreement.signed_snapshot = agreement_snapshot(agreement)
        predecessor = agreement.predecessor
        if predecessor is not None and predecessor.status == Agreement.Status.SIGNED:
            predecessor.status = Agreement.Status.REPLACED
            bump(predecessor, user=user)
    bump(agreement, user=user)
    agreement_signed.send(
        sender=Agreement, agreement=agreement, user=user, party=party, complete=both
    )
    return agreement


def next_period(agreement: Agreement) -> tuple[date, date]:
    """The period after the agreement's: from the day after it ends, as long as it.
    A period of whole years stays whole years (2026–2029 → 2030–2033, leap days or
    not); any other length is kept in days. A period that would fall outside the
    dates the service accepts is a ValidationError, never an OverflowError."""
    refused = ValidationError(
        _(
            "The agreement runs %(start)s–%(end)s: the next period would fall outside "
            "the dates the service accepts (%(earliest)s–%(latest)s). Correct the "
            "agreement's dates in a new version first."
        )
        % {
            "start": formats.iso(agreement.start_date),
            "end": formats.iso(agreement.end_date),
            "earliest": formats.iso(dates.EARLIEST),
            "latest": formats.iso(dates.LATEST),
        },
        code="period_out_of_range",
    )

    def move() -> tuple[date, date]:
        start = dates.shift(agreement.end_date, timedelta(days=1))
        years = dates.whole_years(agreement.start_date, agreement.end_date)
        if years is not None:
            return start, dates.shift(dates.add_years(start, years), timedelta(days=-1))
        return start, dates.shift(start, agreement.end_date - agreement.start_date)

    return dates.moved_period(move, refused)


def _copy(agreement: Agreement, *, user: User, renewal: bool) -> Agreement:
    access.require(user, Capability.EDIT, agreement.municipality_id)
    agreement = _locked(
        agreement,
        Agreement.Status.SIGNED,
        _("Only a signed agreement in its latest version can be followed."),
    )
    if Agreement.objects.filter(predecessor=agreement).exists():
        raise ValidationError(_("This agreement already has a successor."))
    if renewal:
        start, end = next_period(agreement)
        years = start.year - agreement.start_date.year
        title = dates.shift_years_in(
            agreement.title,
            first=agreement.start_date.year,
            last=agreement.end_date.year,
            years=years,
        )
    else:
        start, end, title = agreement.start_date, agreement.end_date, agreement.title
        years = 0
    copy = Agreement.objects.create(
        **values_of(
            agreement,
            "municipality",
            "documentation",
            "follow_up_by",
            "follow_up_frequency",
            "municipality_signatory_name",
            "municipality_signatory_title",
            "police_signatory_name",
            "police_signatory_title",
        ),
        title=title,
        start_date=start,
        end_date=end,
        predecessor=agreement,
    )
    copy.police_areas.set(agreement.police_areas.all())
    problems = list(agreement.problems.order_by("rank", "pk"))
    if renewal:
        problems = _relink_problems(copy, problems)
    copy.problems.set(problems)
    areas = {}
    for area in agreement.focus_areas.order_by("order", "pk"):
        areas[area.pk] = FocusArea.objects.create(
            agreement=copy, title=area.title, description=area.description, order=area.order
        )
    for goal in agreement.goals.order_by("order", "pk"):
        known = renewal and goal.latest_value is not None and goal.latest_year is not None
        Goal.objects.create(
            agreement=copy,
            focus_area=areas.get(goal.focus_area_id),
            **values_of(
                goal,
                "text",
                "indicator_name",
                "indicator_source",
                "indicator_unit",
                "target_value",
                "order",
            ),
            baseline_value=goal.latest_value if known else goal.baseline_value,
            baseline_year=goal.latest_year if known else goal.baseline_year,
            target_year=None if goal.target_year is None else goal.target_year + years,
            latest_value=None if renewal else goal.latest_value,
            latest_year=None if renewal else goal.latest_year,
        )
    return copy


def _relink_problems(copy: Agreement, problems: list) -> list:
    """The renewed agreement's problems, taken from the current lägesbild where it has
    them; the rest are kept and noted on the draft for the coordinator to check."""
    current = CurrentProblems(copy.municipality_id)
    notes, relinked = [], []
    if problems and current.picture is None:
        notes.append({"kind": "no_picture"})
    for problem in problems:
        mapped = current(problem)
        if mapped is None:
            notes.append({"kind": "problem", "name": problem.title})
        relinked.append(mapped or problem)
    keep_notes(copy, notes)
    return relinked


def renewal_notices(agreement: Agreement) -> list[str]:
    """The renewal's notes, as sentences in the reader's language."""
    messages = {
        "no_picture": _(
            "The municipality has no current lägesbild: the problems are those of the "
            "previous agreement."
        ),
        "problem": CurrentProblems.NOT_CURRENT,
    }
    return sentences(agreement.renewal_notes, messages)


@transaction.atomic
def agreement_new_version(*, user: User, agreement: Agreement) -> Agreement:
    """A signed agreement is changed through a new draft version of it."""
    return _copy(agreement, user=user, renewal=False)


@transaction.atomic
def agreement_renew(*, user: User, agreement: Agreement) -> Agreement:
    """The next agreement: the following period, last results as the new baselines."""
    return _copy(agreement, user=user, renewal=True)


@transaction.atomic
def comment_add(*, user: User, agreement: Agreement, text: str) -> Comment:
    if not (
        access.can(user, Capability.EDIT, agreement.municipality_id)
        or may_sign(user, agreement, "police")
    ):
        raise PermissionDenied
    return Comment.objects.create(
        agreement=agreement,
        author=user,
        organisation_name=acting_organisation(user, agreement.municipality_id)[:200],
        text=text,
    )
