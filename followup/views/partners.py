"""A partner organisation's own activities ("Våra aktiviteter"): the activities of
published pledges its contacts are responsible for, with their own follow-ups, and the
form to record one. Looked up through ``councils.access.filter_responsible`` (404 for
every other activity, whatever the user may read elsewhere)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import access, editing, formats
from councils.http import only
from followup import services
from followup.forms import PartnerFollowUpForm
from followup.models import FollowUp
from pledges.models import Activity, Pledge

#: the partner's activities: of published pledges, not removed from the plan
ACTIVITIES = Activity.objects.filter(
    deleted_at__isnull=True, pledge__status__in=Pledge.PUBLIC_STATUSES
).select_related("pledge", "pledge__municipality", "responsible_organisation")


@login_required
def partner_activities(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "GET"):
        return not_allowed
    activities = list(
        access.filter_responsible(ACTIVITIES, request.user).order_by(
            "pledge__municipality__name", "pledge__period_start", "order", "pk"
        )
    )
    own = defaultdict(list)
    entries = FollowUp.objects.filter(
        activity__in=activities, reported_for__in=access.partner_organisations(request.user)
    ).order_by("-period_end", "-pk")
    for entry in entries:
        own[entry.activity_id].append(entry)
    return render(
        request,
        "followup/partner_activities.html",
        {
            "organisations": access.partner_organisations(request.user),
            "rows": [(activity, own[activity.pk]) for activity in activities],
        },
    )


@login_required
def partner_follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_responsible_or_404(request.user, ACTIVITIES, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    latest = FollowUp.objects.filter(activity=activity).order_by("-period_end", "-pk").first()
    form = PartnerFollowUpForm(request.POST or None, activity=activity, latest=latest)
    context = {"activity": activity, "pledge": activity.pledge, "form": form}
    template = "followup/partner_entry_form.html"
    if request.method != "POST":
        return render(request, template, context)
    outcome = editing.submit(
        form,
        lambda: services.follow_up_record(user=request.user, activity=activity, **form.values()),
    )
    if not outcome.ok:
        return render(request, template, context, status=outcome.status)
    activity.refresh_from_db(fields=["next_follow_up"])
    message = _("The follow-up of “%(title)s” has been saved.") % {"title": activity.title}
    if activity.next_follow_up:
        message += " " + _("Next follow-up: %(day)s.") % {
            "day": formats.day(activity.next_follow_up)
        }
    messages.success(request, message)
    return redirect(reverse("partner-activities") + f"#activity-{pk}")
