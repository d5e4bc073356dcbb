"""The activity plan of the pledge editor, row by row: add, edit, show, remove with an
undo, restore and move. With htmx each action swaps one row (moving swaps the table
body, since two rows trade places); without JavaScript the same URLs are plain pages
and forms that return to the pledge (see ``pledges.views.editor``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from councils import access, editing
from councils.concurrency import Conflict
from councils.http import only
from pledges import forms, services
from pledges.models import Activity, Pledge
from pledges.views.editor import (
    ACTIVITIES,
    ACTIVITY_ROWS,
    EDIT,
    INTERNAL,
    PLEDGES,
    back,
    detail_url,
    editor_flags,
    messages_from,
    not_editable,
    submit_context,
)
from pledges.views.rows import EDITOR, activity_rows, with_row_urls


def _mark_position(activity: Activity) -> Activity:
    """Whether the row is first or last of the plan, for its move buttons."""
    siblings = Activity.objects.filter(pledge_id=activity.pledge_id, deleted_at__isnull=True)
    before = Q(order__lt=activity.order) | Q(order=activity.order, pk__lt=activity.pk)
    after = Q(order__gt=activity.order) | Q(order=activity.order, pk__gt=activity.pk)
    activity.is_first = not siblings.filter(before).exists()
    activity.is_last = not siblings.filter(after).exists()
    return with_row_urls([activity])[0]


def _neighbours(activity: Activity) -> list[Activity]:
    """The active rows just above and below ``activity`` as they now stand: after a row
    is added, removed or restored their move buttons change, so htmx swaps them too
    (out of band). Two queries, and two for their positions."""
    siblings = ACTIVITY_ROWS.filter(pledge_id=activity.pledge_id, deleted_at__isnull=True).exclude(
        pk=activity.pk
    )
    before = Q(order__lt=activity.order) | Q(order=activity.order, pk__lt=activity.pk)
    rows = (
        siblings.filter(before).order_by("-order", "-pk").first(),
        siblings.exclude(before).order_by("order", "pk").first(),
    )
    return [_mark_position(row) for row in rows if row is not None]


def _fresh_activity(user, pk: int) -> Activity:
    """The activity as stored, with what its row shows (after a change, or to cancel one)."""
    return _mark_position(access.get_object_or_404(user, ACTIVITY_ROWS, INTERNAL, pk=pk))


def _row(request, activity: Activity, partial: str = "activity-row", **extra) -> HttpResponse:
    """One activity row; with the submit panel swapped out of band when it may change."""
    pledge = activity.pledge
    flags = editor_flags(request.user, pledge)
    context = {**flags, "activity": activity, **extra}
    if extra.get("oob_submit"):
        context.update(submit_context(pledge, flags))
    return render(request, f"{EDITOR}#{partial}", context, status=extra.get("status", 200))


def _activity_form_response(request, pledge, form, *, activity, status=200, **extra):
    context = {
        **editor_flags(request.user, pledge),
        "form": form,
        "activity": activity,
        **extra,
    }
    if request.htmx:
        return render(request, f"{EDITOR}#activity-form-row", context, status=status)
    return render(request, "pledges/activity_form.html", context, status=status)


def _save_activity(request, pledge: Pledge, activity: Activity, form) -> HttpResponse:
    """Validate and save through the service; answer with the row or the form again."""
    title = activity.title  # the form overwrites the instance's fields as it cleans
    is_new = activity.pk is None
    outcome = editing.submit(
        form,
        lambda: services.activity_save(
            user=request.user,
            activity=form.instance,
            expected_version=None if is_new else form.expected_version,
            themes=form.themes,
        ),
    )
    if outcome.ok:
        if request.htmx:
            fresh = _fresh_activity(request.user, outcome.saved.pk)
            return _row(
                request,
                fresh,
                saved=True,
                oob_submit=True,
                neighbours=_neighbours(fresh) if is_new else [],
            )
        messages.success(request, _("Saved: %(title)s") % {"title": outcome.saved.title})
        return redirect(detail_url(pledge.pk, f"activity-{outcome.saved.pk}"))
    if activity.pk:
        activity.title = title
    return _activity_form_response(
        request, pledge, form, activity=activity, status=outcome.status, **outcome.context
    )


@login_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new row: with htmx a form row appended to the table, else a page."""
    pledge = access.get_object_or_404(request.user, PLEDGES, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    if request.htmx and request.GET.get("cancel"):
        return HttpResponse("")  # the form row is swapped for nothing: it goes away
    if not pledge.editable:
        return not_editable(request, pledge, "activities")
    activity = Activity(pledge=pledge)
    form = forms.ActivityForm(
        request.POST or None, instance=activity, pledge=pledge, prefix="activity-new"
    )
    if request.method == "POST":
        return _save_activity(request, pledge, activity, form)
    if request.htmx:
        # the link that was pressed stays on the page: move focus into the new row
        form.fields["title"].widget.attrs["autofocus"] = True
    return _activity_form_response(request, pledge, form, activity=activity)


def _activity_to_change(request, pk: int, *methods: str):
    """The activity to change and its pledge, or the page to answer instead.

    Another organisation's activity is a 404 whatever the method; a pledge that is
    no longer editable sends the user back to the row.
    """
    activity = access.get_object_or_404(request.user, ACTIVITIES, EDIT, pk=pk)
    if not_allowed := only(request, *methods):
        return activity, None, not_allowed
    pledge = activity.pledge
    if not pledge.editable:
        return activity, pledge, not_editable(request, pledge, f"activity-{activity.pk}")
    return activity, pledge, None


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A row as a form (htmx) or a page; saving answers with the row, 409 if stale."""
    activity, pledge, page = _activity_to_change(request, pk, "GET", "POST")
    if page is not None:
        return page
    if activity.deleted_at is not None:
        messages.error(request, _("The activity has been removed. Restore it to change it."))
        return back(request, detail_url(pledge.pk, "deleted-activities"))
    form = forms.ActivityForm(
        request.POST or None, instance=activity, pledge=pledge, prefix=f"activity-{activity.pk}"
    )
    if request.method == "POST":
        return _save_activity(request, pledge, activity, form)
    return _activity_form_response(request, pledge, form, activity=activity)


@login_required
def activity_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The row as it is stored (htmx: cancel an edit or a removal)."""
    activity = access.get_object_or_404(request.user, ACTIVITY_ROWS, INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    if not request.htmx:
        return redirect(detail_url(activity.pledge_id, f"activity-{activity.pk}"))
    activity = _mark_position(activity)
    if activity.deleted_at is not None:
        return _row(request, activity, "activity-deleted-row")
    return _row(request, activity)


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (a row, or a page), then remove; the removed row offers an undo."""
    activity, pledge, page = _activity_to_change(request, pk, "GET", "POST")
    if page is not None:
        return page
    if request.method == "POST":
        try:
            services.activity_delete(
                user=request.user,
                activity=activity,
                expected_version=editing.posted_version(request),
            )
        except Conflict as conflict:
            current = _fresh_activity(request.user, conflict.current.pk)
            if request.htmx:
                return _row(
                    request, current, "activity-confirm-row", changed=True, status=editing.CONFLICT
                )
            return render(
                request,
                "pledges/activity_confirm_delete.html",
                {"pledge": pledge, "activity": current, "changed": True},
                status=editing.CONFLICT,
            )
        except ValidationError as error:
            messages_from(request, error)
            return back(request, detail_url(pledge.pk, f"activity-{activity.pk}"))
        if request.htmx:
            return _row(
                request,
                activity,
                "activity-deleted-row",
                oob_submit=True,
                neighbours=_neighbours(activity),
            )
        messages.success(
            request,
            _("Removed: %(title)s. You can restore it under “Removed activities”.")
            % {"title": activity.title},
        )
        return redirect(detail_url(pledge.pk, "deleted-activities"))
    if activity.deleted_at is not None:
        return back(request, detail_url(pledge.pk, "deleted-activities"))
    if request.htmx:
        return _row(request, activity, "activity-confirm-row")
    return render(
        request,
        "pledges/activity_confirm_delete.html",
        {"pledge": pledge, "activity": activity},
    )


@login_required
def activity_restore(request: HttpRequest, pk: int) -> HttpResponse:
    activity, pledge, page = _activity_to_change(request, pk, "POST")
    if page is not None:
        return page
    services.activity_restore(user=request.user, activity=activity)
    if request.htmx:
        fresh = _fresh_activity(request.user, activity.pk)
        return _row(request, fresh, restored=True, oob_submit=True, neighbours=_neighbours(fresh))
    messages.success(request, _("Restored: %(title)s") % {"title": activity.title})
    return redirect(detail_url(pledge.pk, f"activity-{activity.pk}"))


DIRECTIONS = ("up", "down")


@login_required
def activity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One place up or down. The two rows trade places, so htmx swaps the table body."""
    activity, pledge, page = _activity_to_change(request, pk, "POST")
    if page is not None:
        return page
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        return HttpResponseBadRequest(_("Move an activity up or down."))
    if activity.deleted_at is not None:
        return back(request, detail_url(pledge.pk, "deleted-activities"))
    services.activity_move(user=request.user, activity=activity, direction=direction)
    if request.htmx:
        active, _deleted = activity_rows(pledge)
        for row in active:
            if row.pk == activity.pk:  # keep focus on the button that was pressed
                stays = not (row.is_first if direction == "up" else row.is_last)
                row.focus = direction if stays else ("down" if direction == "up" else "up")
        return render(
            request,
            f"{EDITOR}#activity-rows",
            {
                **editor_flags(request.user, pledge),
                "activities": active,
                "moved": activity.pk,
                "direction": direction,
            },
        )
    return redirect(detail_url(pledge.pk, f"activity-{activity.pk}"))
