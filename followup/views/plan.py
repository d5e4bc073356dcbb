"""The follow-up of a whole plan in one form: a table of the pledge's activities for one
period, saved together or not at all.

GET shows the period's rows: the activities the user records (``services.may_record``)
as form rows, the others (another party's, or already followed up for the period)
read-only. POST records every form row through ``services.follow_up_record_plan``:
all rows are valid and saved, or the page shows each row's errors (400) and saves
none. Each row carries the version of its activity the user saw; a row that changed
since, and a row the user never saw, is a conflict (409) and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext

from councils import access, formats
from councils.access import Capability
from councils.editing import CONFLICT, INVALID, add_service_errors
from councils.http import only
from followup import cadence, selectors, services
from followup.forms_plan import (
    PlanPeriodForm,
    PlanRowForm,
    default_plan_period,
    period_key,
    plan_cadence,
    plan_periods,
)
from followup.selectors import PlanRow
from followup.services import PlanEntry, RowsConflict, RowsInvalid
from followup.views.entries import PLEDGES
from pledges.models import Pledge

PAGE = "followup/plan_follow_up.html"


@dataclass
class Row:
    """One row of the table: the activity's follow-up state and, if the user records
    it, its form; ``changed`` after a conflict."""

    state: PlanRow
    form: PlanRowForm | None = None
    changed: bool = False
    #: after a conflict, what the user typed in a row that is no longer a form row
    draft: dict[str, str] = field(default_factory=dict)

    @property
    def activity(self):
        return self.state.activity


def _followable_pledge(user, pk: int) -> Pledge:
    """The pledge if ``user`` may record follow-ups in its municipality (its coordinators
    and police liaisons), else 404."""
    pledge = access.get_object_or_404(user, PLEDGES, Capability.INTERNAL, pk=pk)
    municipality = pledge.municipality_id
    if not (
        access.can(user, Capability.EDIT, municipality)
        or access.can(user, Capability.REVIEW, municipality)
    ):
        raise Http404
    return pledge


def _rows(request: HttpRequest, pledge: Pledge, period, data=None) -> list[Row]:
    rows = []
    for state in selectors.plan_follow_up(request.user, pledge, period):
        form = None
        if state.editable:
            form = PlanRowForm(
                data,
                prefix=f"a{state.activity.pk}",
                activity=state.activity,
                latest=state.latest,
            )
        rows.append(Row(state=state, form=form))
    return rows


def _render(request, pledge, period_form, period, rows, *, status=200, **extra) -> HttpResponse:
    forms = [row.form for row in rows if row.form]
    context = {
        "pledge": pledge,
        "municipality": pledge.municipality,
        "period_form": period_form,
        "period": period,
        "period_key": period_key(period) if period else "",
        "rows": rows,
        "forms": forms,
        "has_errors": status == INVALID,
        **extra,
    }
    return render(request, PAGE, context, status=status)


@login_required
def plan_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _followable_pledge(request.user, pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    today = cadence.today()
    activities = list(pledge.activities.filter(deleted_at__isnull=True).only("cadence"))
    periods = plan_periods(pledge, plan_cadence(activities), today)
    period = default_plan_period(periods, today)
    source = request.POST if request.method == "POST" else request.GET
    period_form = PlanPeriodForm(
        source if "period" in source or request.method == "POST" else None,
        periods=periods,
        initial={"period": period_key(period) if period else None},
    )
    if period_form.is_bound and period_form.is_valid():
        period = period_form.cleaned_data["period"]
    if period is None:  # a pledge whose period ends before it starts
        return _render(request, pledge, period_form, None, [])
    if request.method != "POST":
        return _render(request, pledge, period_form, period, _rows(request, pledge, period))
    rows = _rows(request, pledge, period, request.POST)
    if not period_form.is_valid():
        return _render(request, pledge, period_form, period, rows, status=INVALID)
    return _save(request, pledge, period_form, period, rows)


def _save(request, pledge, period_form, period, rows: list[Row]) -> HttpResponse:
    """Record every form row, or none: a conflict (409) or the errors per row (400)."""
    page = (request, pledge, period_form, period, rows)
    if stale := _stale(request, rows):
        return _conflict(*page, dict.fromkeys(stale))
    forms = [row.form for row in rows if row.form]
    invalid = [form for form in forms if not form.is_valid()]  # every row: errors on each
    if invalid:
        return _render(*page, status=INVALID)
    if not forms:
        return _render(*page, status=INVALID, nothing_to_save=True)
    entries = [
        PlanEntry(activity=form.activity, version=form.posted_version(), values=form.values())
        for form in forms
    ]
    try:
        saved = services.follow_up_record_plan(
            user=request.user, period_start=period[0], period_end=period[1], rows=entries
        )
    except RowsConflict as conflict:
        return _conflict(*page, {activity.pk: activity for activity in conflict.current})
    except RowsInvalid as invalid:
        by_activity = {form.activity.pk: form for form in forms}
        for activity_pk, error in invalid.errors.items():
            add_service_errors(by_activity[activity_pk], error)
        return _render(*page, status=INVALID)
    except ValidationError as error:
        return _render(*page, status=INVALID, page_errors=error.messages)
    messages.success(
        request,
        ngettext(
            "%(count)d follow-up for %(period)s has been saved.",
            "%(count)d follow-ups for %(period)s have been saved.",
            len(saved),
        )
        % {"count": len(saved), "period": formats.iso_period(*period)},
    )
    return redirect(reverse("pledge-follow-up", args=[pledge.pk]))


def _posted_rows(request) -> set[int]:
    """The activities whose rows the page the user filled in showed as form rows."""
    posted = set()
    for value in request.POST.getlist("row"):
        try:
            posted.add(int(value))
        except ValueError:
            continue
    return posted


def _stale(request, rows: list[Row]) -> set[int]:
    """Rows that differ from the page the user filled in: a form row at another version
    or not on their page (added since), a row on their page that is no longer a form
    row (followed up or removed since)."""
    posted = _posted_rows(request)
    forms = {row.activity.pk: row.form for row in rows if row.form}
    stale = {pk for pk in posted if pk not in forms}
    for pk, form in forms.items():
        if pk not in posted or form.posted_version() != form.activity.version:
            stale.add(pk)
    return stale


def _conflict(request, pledge, period_form, period, rows: list[Row], stale: dict):
    """409: nothing saved. The changed rows are marked; a form row moves onto the stored
    version (``stale``'s activity, else the one just read) with the user's values kept,
    and what the user typed in a row that is no longer a form row is shown beside it."""
    known = {row.activity.pk for row in rows}
    for row in rows:
        if row.activity.pk not in stale:
            continue
        row.changed = True
        if row.form:
            row.form.rebase(stale[row.activity.pk] or row.activity)
        else:
            row.draft = {
                name: request.POST.get(f"a{row.activity.pk}-{name}", "")
                for name in ("done", "effect", "obstacles")
            }
    removed = len(set(stale) - known)
    return _render(
        request,
        pledge,
        period_form,
        period,
        rows,
        status=CONFLICT,
        conflict_rows=[row for row in rows if row.changed],
        removed=removed,
    )
