"""Follow-up views: reminders (the user's in-app list) and reminder preferences.

Both pages show only the signed-in user's own reminders and preference: there is
no object id in the URL to tamper with.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.http import only
from followup.forms import PreferenceForm
from followup.models import Reminder, ReminderPreference

#: reminders per page of the in-app list
REMINDERS_PER_PAGE = 50


@login_required
def reminder_list(request: HttpRequest) -> HttpResponse:
    """The user's reminders, newest first. POST marks one (``reminder``) or all read."""
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    mine = Reminder.objects.filter(user=request.user)
    if request.method == "POST":
        unread = mine.filter(read_at__isnull=True)
        if pk := request.POST.get("reminder", ""):
            unread = unread.filter(pk=int(pk)) if pk.isdigit() else unread.none()
        if unread.update(read_at=timezone.now()):
            messages.success(request, _("Marked as read."))
        return redirect("reminder-list")
    page = Paginator(
        mine.select_related("municipality").order_by("read_at", "due_date", "-pk"),
        REMINDERS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/reminder_list.html",
        {"page": page, "unread": mine.filter(read_at__isnull=True).count()},
    )


@login_required
def reminder_preferences(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    preference = ReminderPreference.objects.filter(user=request.user).first()
    preference = preference or ReminderPreference(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("reminder-preferences")
    return render(
        request,
        "followup/reminder_preferences.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
