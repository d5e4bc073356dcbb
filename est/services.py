"""Every write of EST: places, categories, reports (with their weekly totals), the weekly
checklist, retention, the EST meeting and its measures, the tertial analysis.

A report's counts are added to (and taken from) ``WeeklyTotal`` in the same transaction
as the report is saved, changed or deleted: the picture reads the totals only.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from councils import access, dates
from councils.access import Capability
from councils.concurrency import (
    delete_tracked,
    delete_versioned,
    lock_at_version,
    save_versioned,
)
from councils.models import Municipality, Organisation, User
from councils.selectors import values_of
from est import privacy
from est.models import (
    Category,
    EstMeeting,
    Measure,
    Place,
    Report,
    TertialAnalysis,
    WeeklyTotal,
)
from pledges import services as pledge_services
from pledges.models import Activity, Pledge

EDIT, REPORT, INTERNAL = Capability.EDIT, Capability.REPORT, Capability.INTERNAL

PLACE_KEPT = gettext_lazy(
    "Incidents have been reported at the place, and the weekly picture counts them: "
    "the place is kept so that the weekly totals stay right. Mark it as not in use "
    "instead; it then takes no new reports and its counts stay."
)
CATEGORY_KEPT = gettext_lazy(
    "Incidents have been reported in the category, and the weekly picture counts them: "
    "the category is kept so that the weekly totals stay right. Take it out of use "
    "instead; it then takes no new reports and its counts stay."
)
MEETING_KEPT = gettext_lazy(
    "The meeting decided activities that are in the citizen pledge, and it is kept as "
    "their origin. Remove those activities from the pledge first, if they are wrong."
)
MEASURE_KEPT = gettext_lazy(
    "The measure is an activity in the citizen pledge, and it is kept as its origin. "
    "Remove the activity from the pledge first, if it is wrong."
)


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week: the key of the weekly totals."""
    return day - dt.timedelta(days=day.weekday())


# --- places and categories --------------------------------------------------------------


@transaction.atomic
def place_save(*, user: User, place: Place, expected_version: int | None = None) -> Place:
    access.require(user, EDIT, place.municipality_id)
    save_versioned(place, expected_version=expected_version, user=user)
    return place


def place_counted(place: Place) -> bool:
    """Whether reports or the weekly totals count incidents at ``place``: it is then kept
    (deleting it would change the weekly picture) and can only be taken out of use."""
    return place.reports.exists() or place.weekly_totals.exists()


@transaction.atomic
def place_delete(*, user: User, place: Place, expected_version: int | None) -> None:
    """Delete a place nothing is counted at; a place with reports or counts is kept
    (mark it not in use instead). Measures that named it keep their text, without the
    place."""
    access.require(user, EDIT, place.municipality_id)
    if place_counted(place):
        raise ValidationError(PLACE_KEPT)
    delete_versioned(place, expected_version=expected_version, user=user)


@transaction.atomic
def category_add(*, user: User, municipality: Municipality, name: str) -> Category:
    access.require(user, EDIT, municipality.pk)
    if Category.objects.filter(municipality__isnull=True, name__iexact=name).exists():
        raise ValidationError({"name": _("EST already has that category.")})
    if Category.objects.filter(municipality=municipality, name__iexact=name).exists():
        raise ValidationError({"name": _("The municipality already has that category.")})
    category = Category(municipality=municipality, name=name, order=200)
    save_versioned(category, expected_version=None, user=user)
    return category


def categories_for(municipality: Municipality | int, *, in_use: bool = False):
    """EST's categories and the municipality's own (with ``in_use``, only those that take
    new reports)."""
    municipality_id = getattr(municipality, "pk", municipality)
    categories = Category.objects.filter(
        municipality_id__in=[municipality_id]
    ) | Category.objects.filter(municipality__isnull=True)
    return categories.filter(active=True) if in_use else categories


def category_counted(category: Category) -> bool:
    """Whether reports or the weekly totals count incidents of ``category``."""
    return category.reports.exists() or WeeklyTotal.objects.filter(category_id=category.pk).exists()


def _own_category(user: User, category: Category) -> None:
    if category.municipality_id is None:
        raise ValidationError(_("EST's usual categories are shared by every municipality."))
    access.require(user, EDIT, category.municipality_id)


@transaction.atomic
def category_delete(*, user: User, category: Category, expected_version: int | None) -> None:
    """Delete one of the municipality's own categories that nothing is counted in; one
    with reports or counts is kept (take it out of use instead)."""
    _own_category(user, category)
    if category_counted(category):
        raise ValidationError(CATEGORY_KEPT)
    delete_versioned(category, expected_version=expected_version, user=user)


@transaction.atomic
def category_set_in_use(
    *, user: User, category: Category, in_use: bool, expected_version: int | None
) -> Category:
    """Take one of the municipality's own categories out of use (its counts stay in the
    picture; it takes no new reports) or into use again."""
    _own_category(user, category)
    category.active = in_use
    save_versioned(category, expected_version=expected_version, user=user)
    return category


# --- the weekly totals ---------------------------------------------------------------------


def _add_to_totals(report: Report, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) ``report``'s counts in its week's total."""
    key = {"place_id": report.place_id, "category_id": report.category_id, "week": report.week}
    total = WeeklyTotal.objects.select_for_update().filter(**key).first()
    if total is None:
        if sign < 0:
            return  # nothing was counted (a total the retention job already closed)
        WeeklyTotal.objects.create(
            municipality_id=report.municipality_id, count=report.count, cost=report.cost, **key
        )
        return
    total.count = max(total.count + sign * report.count, 0)
    total.cost = max(total.cost + sign * report.cost, 0)
    if total.count == 0 and total.retained == 0:
        total.delete()
    else:
        total.save(update_fields=["count", "cost"])


# --- reports ---------------------------------------------------------------------------


def organisations_for_reporting(user, municipality) -> list[Organisation]:
    """The organisations ``user`` may file reports for in ``municipality``."""
    ids = access.reporting_organisations(user, municipality)
    found = Organisation.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def _check_report(user: User, report: Report, before: Report | None = None) -> None:
    """``before`` is the stored report when it is changed: a place or category taken out
    of use takes no new reports, but a report already there keeps it."""
    access.require(user, REPORT, report.municipality_id)
    errors: dict[str, str] = {}
    if report.place.municipality_id != report.municipality_id:
        errors["place"] = _("Choose a place of the municipality.")
    elif not report.place.active and (before is None or before.place_id != report.place_id):
        errors["place"] = _("The place is not in use. Choose a place in use.")
    if report.category.municipality_id not in (None, report.municipality_id):
        errors["category"] = _("Choose a category of the municipality.")
    elif not report.category.active and (
        before is None or before.category_id != report.category_id
    ):
        errors["category"] = _("The category is not in use. Choose a category in use.")
    if report.organisation not in organisations_for_reporting(user, report.municipality_id):
        errors["organisation"] = _("Choose an organisation you report for.")
    if report.occurred_on > dates.today():
        errors["occurred_on"] = _("The date cannot be in the future.")
    try:
        privacy.check_no_personal_numbers(report.description)
    except ValidationError as error:
        errors["description"] = error.messages[0]
    if errors:
        raise ValidationError(errors)


def may_see_all_reports(user, municipality) -> bool:
    """The municipality's own and its police (INTERNAL) see every report; others who
    report see their own organisation's."""
    return access.can(user, INTERNAL, municipality)


def reports_visible_to(user, municipality):
    """The raw reports of ``municipality`` that ``user`` may see: all of them for its
    INTERNAL holders, their own organisations' for other reporters, none for those who
    see the picture's counts only."""
    reports = Report.objects.filter(municipality=municipality)
    if may_see_all_reports(user, municipality):
        return reports
    mine = [org.pk for org in organisations_for_reporting(user, municipality)]
    return reports.filter(organisation_id__in=mine)


@transaction.atomic
def report_save(*, user: User, report: Report, expected_version: int | None = None) -> Report:
    """Save a new or changed report, and its counts in the weekly totals, at once."""
    access.require(user, REPORT, report.municipality_id)
    before = None if report.pk is None else lock_at_version(report, expected_version)
    _check_report(user, report, before)
    if before is not None:
        if before.organisation_id != report.organisation_id and not may_see_all_reports(
            user, report.municipality_id
        ):
            raise ValidationError({"organisation": _("Choose an organisation you report for.")})
        _add_to_totals(before, -1)
    report.week = week_of(report.occurred_on)
    if report.reported_by_id is None:
        report.reported_by = user
    save_versioned(report, expected_version=expected_version, user=user)
    _add_to_totals(report, 1)
    return report


@transaction.atomic
def report_delete(*, user: User, report: Report, expected_version: int | None) -> None:
    access.require(user, REPORT, report.municipality_id)
    current = lock_at_version(report, expected_version)
    _add_to_totals(current, -1)
    delete_tracked(current, user=user)


# --- the weekly checklist -------------------------------------------------------------


@transaction.atomic
def checklist_save(
    *,
    user: User,
    municipality: Municipality,
    organisation: Organisation,
    week: dt.date,
    cells: dict[tuple[int, int], int],
) -> int:
    """The organisation's counts of one week, place by category, saved at once: the
    checklist's reports of that week are replaced by ``cells`` (zeros left out). All
    or nothing. Returns the number of reports saved."""
    access.require(user, REPORT, municipality.pk)
    if organisation not in organisations_for_reporting(user, municipality):
        raise ValidationError(_("Choose an organisation you report for."))
    week = week_of(week)
    if week > dates.today():
        raise ValidationError(_("The week has not begun yet."))
    places = {p.pk: p for p in Place.objects.filter(municipality=municipality, active=True)}
    categories = {c.pk: c for c in categories_for(municipality, in_use=True)}
    for place_id, category_id in cells:
        if place_id not in places or category_id not in categories:
            raise ValidationError(_("Choose places and categories of the municipality."))
    old = Report.objects.select_for_update().filter(
        municipality=municipality, organisation=organisation, week=week, checklist=True
    )
    for report in old:
        _add_to_totals(report, -1)
        delete_tracked(report, user=user)
    saved = 0
    for (place_id, category_id), count in sorted(cells.items()):
        if not count:
            continue
        report = Report(
            municipality=municipality,
            organisation=organisation,
            reported_by=user,
            occurred_on=min(week, dates.today()),
            week=week,
            place=places[place_id],
            category=categories[category_id],
            count=count,
            checklist=True,
        )
        report.full_clean(exclude=["week", "reported_by"])
        save_versioned(report, expected_version=None, user=user)
        _add_to_totals(report, 1)
        saved += 1
    return saved


def checklist_counts(municipality, organisation, week: dt.date) -> dict[tuple[int, int], int]:
    rows = Report.objects.filter(
        municipality=municipality, organisation=organisation, week=week_of(week), checklist=True
    ).values_list("place_id", "category_id", "count")
    return {(place, category): count for place, category, count in rows}


# --- retention -----------------------------------------------------------------------------


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    """Reports of a day before this are deleted (their counts stay)."""
    return dates.add_months(today or dates.today(), -settings.EST_RETENTION_MONTHS)


def reports_expire(*, today: dt.date | None = None, batch: int = 5000) -> int:
    """Delete the reports older than the retention age, with their history, after
    making sure their counts are in the weekly totals. Idempotent: a second run finds
    nothing. Returns how many reports were deleted.

    In batches, a few statements each whatever the batch holds: the detail goes with its
    history, so the delete writes no history row of its own (a plain ``delete()`` would
    write one per report through django-simple-history's signal, only to remove it
    again), and the totals are kept in one read and one bulk update."""
    cutoff = retention_cutoff(today)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                Report.objects.filter(occurred_on__lt=cutoff)
                .order_by("pk")
                .select_for_update()
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return deleted
            _keep_counts(ids)
            # nothing refers to a report, and no receiver but the history's listens
            Report.history.filter(id__in=ids).delete()
            Report.objects.filter(pk__in=ids)._raw_delete(Report.objects.db)
            deleted += len(ids)


def _keep_counts(ids: Iterable[int]) -> None:
    """Each week's total of these reports records them as retained; a total that is
    missing (reports loaded without the services) is made from the reports."""
    groups = list(
        Report.objects.filter(pk__in=ids)
        .values("municipality_id", "place_id", "category_id", "week")
        .annotate(n=Count("pk"), count=Sum("count"), cost=Sum("cost"))
    )
    key = operator.itemgetter("place_id", "category_id", "week")
    totals = {
        (t.place_id, t.category_id, t.week): t
        for t in WeeklyTotal.objects.select_for_update().filter(
            place_id__in={g["place_id"] for g in groups},
            category_id__in={g["category_id"] for g in groups},
            week__in={g["week"] for g in groups},
        )
    }
    changed, missing = [], []
    for group in groups:
        total = totals.get(key(group))
        if total is None:
            copied = ("municipality_id", "place_id", "category_id", "week", "count", "cost")
            missing.append(WeeklyTotal(**values_of(group, *copied), retained=group["n"]))
        else:
            total.retained += group["n"]
            changed.append(total)
    WeeklyTotal.objects.bulk_update(changed, ["retained"], batch_size=1000)
    WeeklyTotal.objects.bulk_create(missing, batch_size=1000)


# --- the EST meeting ---------------------------------------------------------------------


@transaction.atomic
def meeting_save(
    *,
    user: User,
    meeting: EstMeeting,
    organisations: Iterable[Organisation] | None = None,
    expected_version: int | None = None,
) -> EstMeeting:
    access.require(user, EDIT, meeting.municipality_id)
    save_versioned(meeting, expected_version=expected_version, user=user)
    if organisations is not None:
        meeting.organisations.set(organisations)
    return meeting


def decided_activities(measures) -> bool:
    """Whether any of ``measures`` became an activity that is still in its pledge."""
    return measures.filter(activity__isnull=False, activity__deleted_at__isnull=True).exists()


@transaction.atomic
def meeting_delete(*, user: User, meeting: EstMeeting, expected_version: int | None) -> None:
    """Delete a meeting and its decided measures; a meeting whose measures are
    activities in the citizen pledge is kept."""
    access.require(user, EDIT, meeting.municipality_id)
    if decided_activities(meeting.measures.all()):
        raise ValidationError(MEETING_KEPT)
    current = lock_at_version(meeting, expected_version)
    for measure in current.measures.all():
        delete_tracked(measure, user=user)
    delete_tracked(current, user=user)


@transaction.atomic
def measure_delete(*, user: User, measure: Measure, expected_version: int | None) -> None:
    """Delete a decided measure; one that is an activity in the citizen pledge is kept."""
    access.require(user, EDIT, measure.meeting.municipality_id)
    if decided_activities(Measure.objects.filter(pk=measure.pk)):
        raise ValidationError(MEASURE_KEPT)
    delete_versioned(measure, expected_version=expected_version, user=user)


def current_pledge(municipality: Municipality | int) -> Pledge | None:
    """The municipality's pledge that can take a new activity now: an editable one whose
    period covers today, else the latest editable one."""
    municipality_id = getattr(municipality, "pk", municipality)
    today = dates.today()
    editable = Pledge.objects.filter(municipality_id=municipality_id).editable()
    covering = editable.filter(period_start__lte=today, period_end__gte=today)
    return (
        covering.order_by("-period_start").first()
        or editable.order_by("-period_start", "-pk").first()
    )


def _activity_for(measure: Measure, pledge: Pledge, description: str) -> Activity:
    today = dates.today()
    start = min(max(today, pledge.period_start), pledge.period_end)
    end = (
        measure.due_on if measure.due_on and start <= measure.due_on <= pledge.period_end else None
    )
    place = f"{measure.place.name} ({measure.place.area})" if measure.place_id else ""
    return Activity(
        pledge=pledge,
        title=measure.title,
        description="\n\n".join(
            part
            for part in (
                description,
                _("Decided at the EST meeting %(date)s.") % {"date": measure.meeting.held_on},
                _("Place: %(place)s") % {"place": place} if place else "",
            )
            if part
        ),
        responsible_party=Activity.Party.JOINT,
        type=Activity.Type.SITUATIONAL,
        start_date=start,
        end_date=end,
    )


@transaction.atomic
def measure_add(*, user: User, measure: Measure, description: str = "") -> Measure:
    """A decided measure. An activity is added to the municipality's current pledge
    through the pledge's own editing (so it goes through the police's review); a task
    needs a responsible organisation and a date."""
    meeting = measure.meeting
    access.require(user, EDIT, meeting.municipality_id)
    if measure.place_id and measure.place.municipality_id != meeting.municipality_id:
        raise ValidationError({"place": _("Choose a place of the municipality.")})
    if measure.kind == Measure.Kind.TASK:
        errors = {}
        if measure.responsible_id is None:
            errors["responsible"] = _("Name the organisation responsible for the task.")
        if measure.due_on is None:
            errors["due_on"] = _("Give the date by which the task is done.")
        if errors:
            raise ValidationError(errors)
    else:
        pledge = current_pledge(meeting.municipality_id)
        if pledge is None:
            raise ValidationError(
                {
                    "kind": _(
                        "No citizen pledge of the municipality can take a new activity now "
                        "(none is a draft or has changes requested). Record a task instead."
                    )
                }
            )
        activity = _activity_for(measure, pledge, description)
        try:
            pledge_services.activity_save(user=user, activity=activity)
        except ValidationError as error:
            raise ValidationError({"kind": error.messages}) from error
        measure.activity = activity
    save_versioned(measure, expected_version=None, user=user)
    return measure


@transaction.atomic
def measure_follow_up(
    *, user: User, measure: Measure, done: bool, outcome: str, expected_version: int | None
) -> Measure:
    access.require(user, EDIT, measure.meeting.municipality_id)
    measure.done = done
    measure.outcome = outcome
    save_versioned(measure, expected_version=expected_version, user=user)
    return measure


# --- the tertial analysis ------------------------------------------------------------------


@transaction.atomic
def tertial_save(
    *, user: User, analysis: TertialAnalysis, expected_version: int | None = None
) -> TertialAnalysis:
    access.require(user, EDIT, analysis.municipality_id)
    save_versioned(analysis, expected_version=expected_version, user=user)
    return analysis


@transaction.atomic
def tertial_attach(
    *, user: User, analysis: TertialAnalysis, picture, numbers: dict, expected_version: int | None
) -> TertialAnalysis:
    """Attach the analysis to a lägesbild's mapping, its numbers frozen as they are now."""
    access.require(user, EDIT, analysis.municipality_id)
    if picture.municipality_id != analysis.municipality_id:
        raise ValidationError({"picture": _("Choose a lägesbild of the municipality.")})
    analysis.picture = picture
    analysis.snapshot = numbers
    analysis.attached_at = dates.now()
    save_versioned(analysis, expected_version=expected_version, user=user)
    return analysis
