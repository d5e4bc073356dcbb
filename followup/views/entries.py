"""Follow-up views: recording a follow-up of an activity, and a pledge's follow-up page
(every activity with its latest entry, overdue ones, roll-ups, marking the pledge
followed up).

Lookups come first and answer 404 for what the user may not see (or may not record);
the method check comes after them (``councils.http.only``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import access, editing, formats
from councils.access import Capability
from councils.concurrency import Conflict
from councils.forms import rendered_unbound
from councils.http import only
from followup import selectors, services
from followup.forms import FollowUpForm, MarkFollowedUpForm
from followup.models import FollowUp
from pledges.models import Activity, Pledge

PLEDGE_PAGE = "followup/pledge_follow_up.html"

# --- lookups: the object or 404 (councils.access) -------------------------------------

#: activities not removed, as the follow-up form shows them
ACTIVITIES = Activity.objects.filter(deleted_at__isnull=True).select_related(
    "pledge", "pledge__municipality", "pledge__municipality__county"
)
#: a followed-up pledge, by key with SQL made once (every follow-up page asks it)
PLEDGES = access.ByKey(Pledge.objects.select_related("municipality", "municipality__county"))
ENTRIES = FollowUp.objects.select_related(
    "activity", "activity__pledge", "activity__pledge__municipality"
)


def _recordable_activity(user, pk: int) -> Activity:
    """The activity if ``user`` may record its follow-ups (``services.may_record``), else 404."""
    activity = access.get_object_or_404(user, ACTIVITIES, Capability.INTERNAL, pk=pk)
    if not services.may_record(user, activity):
        raise Http404
    return activity


# --- recording a follow-up ---------------------------------------------------------------


@login_required
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _recordable_activity(request.user, pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    latest = FollowUp.objects.filter(activity=activity).order_by("-period_end", "-pk").first()
    form = FollowUpForm(request.POST or None, activity=activity, latest=latest)
    context = {"activity": activity, "pledge": activity.pledge, "latest": latest, "form": form}
    if request.method != "POST":
        return render(request, "followup/entry_form.html", context)
    outcome = editing.submit(
        form,
        lambda: services.follow_up_record(user=request.user, activity=activity, **form.values()),
    )
    if not outcome.ok:
        return render(request, "followup/entry_form.html", context, status=outcome.status)
    activity.refresh_from_db(fields=["next_follow_up"])
    if activity.next_follow_up:
        message = _("The follow-up of “%(title)s” has been saved. Next follow-up: %(day)s.") % {
            "title": activity.title,
            "day": formats.day(activity.next_follow_up),
        }
    else:
        message = _(
            "The follow-up of “%(title)s” has been saved. It reaches the end of the "
            "pledge's period: no further follow-up is due."
        ) % {"title": activity.title}
    messages.success(request, message)
    return redirect(reverse("pledge-follow-up", args=[activity.pledge_id]) + f"#activity-{pk}")


@login_required
def follow_up_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a follow-up recorded unpublished (POST, with the version the user saw):
    residents see it from then on, and the activity's public status follows it."""
    entry = access.get_object_or_404(request.user, ENTRIES, Capability.INTERNAL, pk=pk)
    if not services.may_record(request.user, entry.activity):
        raise Http404
    if not_allowed := only(request, "POST"):
        return not_allowed
    pledge = entry.activity.pledge
    try:
        services.follow_up_publish(
            user=request.user, entry=entry, expected_version=editing.posted_version(request)
        )
    except Conflict:
        messages.error(
            request,
            _(
                "The follow-up has changed since you opened the page: it was not published. "
                "Check it below and publish it again."
            ),
        )
        return render(request, PLEDGE_PAGE, _page_context(request, pledge), status=editing.CONFLICT)
    messages.success(
        request,
        _("The follow-up of “%(title)s” is published.") % {"title": entry.activity.title},
    )
    return redirect(
        reverse("pledge-follow-up", args=[pledge.pk]) + f"#activity-{entry.activity_id}"
    )


# --- a pledge's follow-up ------------------------------------------------------------------


def _page_context(request: HttpRequest, pledge: Pledge, form: MarkFollowedUpForm | None = None):
    page = selectors.pledge_follow_up(request.user, pledge)
    may_mark = pledge.is_public and services.may_mark(request.user, pledge)
    if may_mark and form is None:  # the same empty form for the same data: rendered once
        form = rendered_unbound(
            MarkFollowedUpForm,
            pledge=pledge,
            latest_ends=[row.latest.period_end for row in page.rows if row.latest],
            marked_until=max((m.period_end for m in page.marked), default=None),
            due=[row.activity.next_follow_up for row in page.rows],
        )
    return {
        "pledge": pledge,
        "municipality": pledge.municipality,
        "page": page,
        "rows": page.rows,
        "roll_up": page.roll_up,
        "marked": page.marked,
        "may_mark": may_mark,
        "may_follow_up_plan": any(row.may_record for row in page.rows),
        "form": form,
    }


@login_required
def pledge_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = access.get_object_or_404(request.user, PLEDGES, Capability.INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(request, PLEDGE_PAGE, _page_context(request, pledge))


@login_required
def pledge_mark_followed_up(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = access.get_object_or_404(request.user, PLEDGES, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    form = MarkFollowedUpForm(request.POST, pledge=pledge)
    outcome = editing.submit(
        form,
        lambda: services.pledge_mark_followed_up(
            user=request.user, pledge=pledge, **form.cleaned_data
        ),
    )
    if not outcome.ok:
        return render(
            request, PLEDGE_PAGE, _page_context(request, pledge, form), status=outcome.status
        )
    if outcome.saved.published_at:
        messages.success(request, _("The pledge is followed up; the summary is published."))
    else:
        messages.success(request, _("The pledge is followed up."))
    return redirect("pledge-follow-up", pk=pledge.pk)
