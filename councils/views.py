"""Pages about the user, their organisations and the municipalities they may see, and
the municipality's councils, meetings and coordination function."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from councils import access, editing, history, panels, selectors, services, two_factor
from councils.access import Capability
from councils.concurrency import Conflict
from councils.forms import (
    CoordinationFunctionForm,
    CouncilForm,
    CouncilMemberForm,
    CouncilsForm,
    DecisionForm,
    MeetingForm,
    TokenForm,
    TwoFactorRequiredForm,
)
from councils.http import only
from councils.models import (
    CoordinationFunction,
    Council,
    CouncilMember,
    County,
    Decision,
    Meeting,
)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "councils/home.html",
        {
            "memberships": selectors.memberships_of(request.user),
            "rows": selectors.my_municipalities(request.user),
            "reads_everywhere": access.reads_everywhere(request.user),
        },
    )


@require_GET
@login_required
def municipality_list(request: HttpRequest) -> HttpResponse:
    county_code = request.GET.get("county") or None
    municipalities = selectors.municipalities_list(request.user, county_code=county_code)
    visible_counties = County.objects.filter(
        municipalities__in=access.municipalities_for(request.user)
    ).distinct()
    return render(
        request,
        "councils/municipality_list.html",
        {
            "municipalities": municipalities,
            "counties": visible_counties,
            "county_code": county_code,
        },
    )


@login_required
def municipality_detail(request: HttpRequest, code: str) -> HttpResponse:
    municipality = selectors.municipality_detail(request.user, code)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "councils/municipality_detail.html",
        {
            "municipality": municipality,
            "row": selectors.MunicipalityRow(
                municipality, access.capabilities(request.user, municipality)
            ),
            "panels": panels.render_context(request, municipality),
        },
    )


@require_GET
@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "councils/my_organisations.html",
        {"memberships": selectors.memberships_of(request.user)},
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_or_404(request.user, pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "councils/organisation_detail.html",
        {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation),
            "show_contacts": access.can_manage_members(request.user, organisation),
            "two_factor_form": TwoFactorRequiredForm(
                initial={"required": organisation.two_factor_required}
            ),
        },
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for the load balancer and docker-compose: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_GET
def bench_hello(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the whole middleware stack and no database work.

    Answers only when ``BENCH_HELLO`` is on (``make bench`` turns it on for its own
    gunicorn); everywhere else the address does not exist.
    """
    if not settings.BENCH_HELLO:
        raise Http404
    return HttpResponse("hello", content_type="text/plain; charset=utf-8")


@login_required
def record_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Every saved version of one record: who, for which organisation, when, which fields."""
    model = history.TRACKED.get(label)
    if model is None:
        raise Http404
    record = access.get_object_or_404(request.user, model, Capability.INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    versions = list(
        record.history.select_related("history_user").order_by("history_date", "history_id")
    )
    rows = [
        (version, history.changes(version, versions[n - 1] if n else None))
        for n, version in enumerate(versions)
    ]
    rows.reverse()
    return render(
        request,
        "councils/record_history.html",
        {"record": record, "model_name": model._meta.verbose_name, "rows": rows},
    )


# --- Councils, members, meetings, decisions, the coordination function --------------
#
# Each view first looks its record up through councils.access (404 for what the user
# may not see or, for edit pages, may not edit), then checks the method, then calls
# one service.

COUNCILS = Council.objects.select_related("municipality")
COUNCIL_MEMBERS = CouncilMember.objects.select_related("council__municipality", "organisation")
MEETINGS = Meeting.objects.select_related("council__municipality")
DECISIONS = Decision.objects.select_related("meeting__council__municipality")


def _form_page(
    request: HttpRequest,
    *,
    form: CouncilsForm,
    context: dict[str, Any],
    save: Callable[[], Any],
    done: Callable[[Any], str],
    template: str = "councils/form.html",
) -> HttpResponse:
    """GET shows the form; POST validates, calls ``save()`` and redirects to ``done(saved)``.

    Bad input answers 400 with the error summary; a stale version answers 409 with the
    other person's values beside the user's, the form moved onto the stored version.
    """
    context = {**context, "form": form}
    if request.method != "POST":
        return render(request, template, context)
    outcome = editing.submit(form, save)
    if outcome.ok:
        messages.success(request, _("Saved."))
        return redirect(done(outcome.saved))
    return render(request, template, context | outcome.context, status=outcome.status)


def _delete_page(
    request: HttpRequest,
    *,
    record: Any,
    context: dict[str, Any],
    delete: Callable[[int | None], None],
    done: str,
) -> HttpResponse:
    """GET asks for confirmation; POST deletes (if the record is still as it was shown)."""
    context = {**context, "record": record}
    template = "councils/confirm_delete.html"
    if request.method != "POST":
        return render(request, template, context)
    try:
        delete(editing.posted_version(request))
    except Conflict as conflict:
        context |= {"record": conflict.current, "changed": True}
        return render(request, template, context, status=409)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, template, context, status=400)
    messages.success(request, _("Deleted."))
    return redirect(done)


def _history_url(record: Any) -> str:
    return reverse("record-history", kwargs={"label": record._meta.label_lower, "pk": record.pk})


@login_required
def council_list(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, Capability.READ)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "councils/council_list.html",
        {
            "municipality": municipality,
            "councils": selectors.councils_of(municipality),
            "can_edit": access.can(request.user, Capability.EDIT, municipality),
        },
    )


@login_required
def council_create(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, Capability.EDIT)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = CouncilForm(request.POST if request.method == "POST" else None)
    back = reverse("council-list", args=[municipality.code])
    return _form_page(
        request,
        form=form,
        context={"title": _("New council"), "lead": municipality.name, "back_url": back},
        save=lambda: services.council_create(
            user=request.user, municipality=municipality, **form.values()
        ),
        done=lambda council: reverse("council-detail", args=[council.pk]),
    )


@login_required
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    council = access.get_object_or_404(request.user, COUNCILS, Capability.READ, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "councils/council_detail.html",
        {
            "page": selectors.council_page(council),
            "council": council,
            "municipality": council.municipality,
            "can_edit": access.can(request.user, Capability.EDIT, council.municipality_id),
        },
    )


@login_required
def council_edit(request: HttpRequest, pk: int) -> HttpResponse:
    council = access.get_object_or_404(request.user, COUNCILS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = CouncilForm(request.POST if request.method == "POST" else None, instance=council)
    back = reverse("council-detail", args=[council.pk])
    return _form_page(
        request,
        form=form,
        context={
            "title": _("Edit council"),
            "lead": council.name,
            "back_url": back,
            "history_url": _history_url(council),
        },
        save=lambda: services.council_update(
            user=request.user,
            council=council,
            expected_version=form.expected_version,
            **form.values(),
        ),
        done=lambda council: back,
    )


@login_required
def council_delete(request: HttpRequest, pk: int) -> HttpResponse:
    council = access.get_object_or_404(request.user, COUNCILS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    return _delete_page(
        request,
        record=council,
        context={
            "title": _("Delete council"),
            "back_url": reverse("council-detail", args=[council.pk]),
            "blocked": council.meetings.exists()
            and _(
                "The council has meetings on record. Delete its meetings first, if they are wrong."
            ),
        },
        delete=lambda version: services.council_delete(
            user=request.user, council=council, expected_version=version
        ),
        done=reverse("council-list", args=[council.municipality.code]),
    )


@login_required
def council_member_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = access.get_object_or_404(request.user, COUNCILS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = CouncilMemberForm(
        request.POST if request.method == "POST" else None,
        organisations=selectors.member_organisations(council.municipality),
    )
    back = reverse("council-detail", args=[council.pk])
    return _form_page(
        request,
        form=form,
        context={"title": _("New member"), "lead": council.name, "back_url": back},
        save=lambda: services.council_member_create(
            user=request.user, council=council, **form.values()
        ),
        done=lambda member: back,
    )


@login_required
def council_member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_object_or_404(request.user, COUNCIL_MEMBERS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = CouncilMemberForm(
        request.POST if request.method == "POST" else None,
        instance=member,
        organisations=selectors.member_organisations(member.council.municipality),
    )
    back = reverse("council-detail", args=[member.council_id])
    return _form_page(
        request,
        form=form,
        context={
            "title": _("Edit member"),
            "lead": member.council.name,
            "back_url": back,
            "history_url": _history_url(member),
        },
        save=lambda: services.council_member_update(
            user=request.user,
            member=member,
            expected_version=form.expected_version,
            **form.values(),
        ),
        done=lambda member: back,
    )


@login_required
def council_member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_object_or_404(request.user, COUNCIL_MEMBERS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    back = reverse("council-detail", args=[member.council_id])
    return _delete_page(
        request,
        record=member,
        context={"title": _("Remove member"), "back_url": back},
        delete=lambda version: services.council_member_delete(
            user=request.user, member=member, expected_version=version
        ),
        done=back,
    )


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = access.get_object_or_404(request.user, COUNCILS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = MeetingForm(request.POST if request.method == "POST" else None)
    return _form_page(
        request,
        form=form,
        context={
            "title": _("New meeting"),
            "lead": council.name,
            "back_url": reverse("council-detail", args=[council.pk]),
        },
        save=lambda: services.meeting_create(user=request.user, council=council, **form.values()),
        done=lambda meeting: reverse("meeting-detail", args=[meeting.pk]),
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_object_or_404(request.user, MEETINGS, Capability.READ, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "councils/meeting_detail.html",
        {
            "meeting": meeting,
            "council": meeting.council,
            "decisions": list(meeting.decisions.all()),
            "can_edit": access.can(request.user, Capability.EDIT, meeting.council.municipality_id),
        },
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_object_or_404(request.user, MEETINGS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = MeetingForm(request.POST if request.method == "POST" else None, instance=meeting)
    back = reverse("meeting-detail", args=[meeting.pk])
    return _form_page(
        request,
        form=form,
        context={
            "title": _("Edit meeting"),
            "lead": meeting.council.name,
            "back_url": back,
            "history_url": _history_url(meeting),
        },
        save=lambda: services.meeting_update(
            user=request.user,
            meeting=meeting,
            expected_version=form.expected_version,
            **form.values(),
        ),
        done=lambda meeting: back,
    )


@login_required
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_object_or_404(request.user, MEETINGS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    return _delete_page(
        request,
        record=meeting,
        context={
            "title": _("Delete meeting"),
            "back_url": reverse("meeting-detail", args=[meeting.pk]),
            "consequence": _("Its decisions are deleted with it."),
        },
        delete=lambda version: services.meeting_delete(
            user=request.user, meeting=meeting, expected_version=version
        ),
        done=reverse("council-detail", args=[meeting.council_id]),
    )


@login_required
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_object_or_404(request.user, MEETINGS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = DecisionForm(request.POST if request.method == "POST" else None)
    back = reverse("meeting-detail", args=[meeting.pk])
    return _form_page(
        request,
        form=form,
        context={"title": _("New decision"), "lead": str(meeting), "back_url": back},
        save=lambda: services.decision_create(user=request.user, meeting=meeting, **form.values()),
        done=lambda decision: back,
    )


@login_required
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.get_object_or_404(request.user, DECISIONS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = DecisionForm(request.POST if request.method == "POST" else None, instance=decision)
    back = reverse("meeting-detail", args=[decision.meeting_id])
    return _form_page(
        request,
        form=form,
        context={
            "title": _("Edit decision"),
            "lead": str(decision.meeting),
            "back_url": back,
            "history_url": _history_url(decision),
        },
        save=lambda: services.decision_update(
            user=request.user,
            decision=decision,
            expected_version=form.expected_version,
            **form.values(),
        ),
        done=lambda decision: back,
    )


@login_required
def decision_delete(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.get_object_or_404(request.user, DECISIONS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    back = reverse("meeting-detail", args=[decision.meeting_id])
    return _delete_page(
        request,
        record=decision,
        context={"title": _("Delete decision"), "back_url": back},
        delete=lambda version: services.decision_delete(
            user=request.user, decision=decision, expected_version=version
        ),
        done=back,
    )


@login_required
def coordination_function(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, Capability.READ)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "councils/coordination_function.html",
        {
            "municipality": municipality,
            "function": selectors.coordination_function_of(municipality),
            "can_edit": access.can(request.user, Capability.EDIT, municipality),
        },
    )


@login_required
def coordination_function_edit(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, Capability.EDIT)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    function = selectors.coordination_function_of(municipality)
    form = CoordinationFunctionForm(
        request.POST if request.method == "POST" else None,
        instance=function or CoordinationFunction(municipality=municipality),
    )
    back = reverse("coordination-function", args=[municipality.code])
    return _form_page(
        request,
        form=form,
        context={
            "title": _("Coordination function"),
            "lead": municipality.name,
            "intro": _(
                "The person or unit that coordinates the municipality's crime-prevention "
                "work, is the contact point for other actors and informs residents "
                "(Lag 2023:196)."
            ),
            "back_url": back,
            "history_url": function and _history_url(function),
        },
        save=lambda: services.coordination_function_set(
            user=request.user,
            municipality=municipality,
            expected_version=form.expected_version,
            **form.values(),
        ),
        done=lambda function: back,
    )


# --- Two-factor authentication ------------------------------------------------------
#
# The account page turns it on (enrol: a QR code, then a code to confirm) and off; the
# code page is the second step of a login; an organisation administrator requires it of
# every member on the organisation's page.


@require_GET
@login_required
def two_factor_status(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "councils/two_factor.html",
        {
            "device": two_factor.confirmed_device(request.user),
            "required": two_factor.required_for(request.user),
        },
    )


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    if two_factor.confirmed_device(request.user) is not None:
        return redirect("two-factor")
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        outcome = editing.submit(
            form,
            lambda: services.totp_device_confirm(
                user=request.user, token=form.cleaned_data["token"]
            ),
        )
        if outcome.ok:
            request.session.pop(two_factor.PENDING, None)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next_page(request, default=reverse("two-factor")))
        status = outcome.status
    device = services.totp_device_start(user=request.user)
    return render(
        request,
        "councils/two_factor_enrol.html",
        {
            "form": form,
            "uri": device.config_url,
            "qr": two_factor.qr_svg(device.config_url),
            "secret": base64.b32encode(device.bin_key).decode(),
            "required": two_factor.required_for(request.user),
            "next": _next_page(request, default=""),
        },
        status=status,
    )


@login_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "POST"):
        return not_allowed
    try:
        services.totp_device_remove(user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("two-factor")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the code from the user's app."""
    device = two_factor.confirmed_device(request.user)
    if request.session.get(two_factor.PENDING) != two_factor.VERIFY or device is None:
        return redirect(_next_page(request, default=reverse("home")))
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = TokenForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "councils/two_factor_verify.html",
            {"form": form, "next": _next_page(request, default="")},
            status=400 if form.errors else 200,
        )
    allowed, _details = device.verify_is_allowed()
    token = form.cleaned_data["token"]
    # django_otp.verify_token locks the device row: parallel guesses wait for each other.
    if allowed and django_otp.verify_token(request.user, device.persistent_id, token):
        request.session.pop(two_factor.PENDING)
        request.session.cycle_key()
        return redirect(_next_page(request, default=reverse(settings.LOGIN_REDIRECT_URL)))
    # django-otp slows repeated failures down; django-axes counts them as failed logins.
    user_login_failed.send(
        sender=__name__, credentials={"username": request.user.get_username()}, request=request
    )
    if getattr(request, "axes_locked_out", False):
        logout(request)  # django-axes' middleware answers with the lockout page
        return HttpResponse(status=429)
    form.add_error(
        "token",
        _("The code is wrong or too old. Try the newest one.")
        if allowed
        else _("Too many wrong codes. Wait a moment and try again."),
    )
    return render(
        request,
        "councils/two_factor_verify.html",
        {"form": form, "next": _next_page(request, default="")},
        status=400,
    )


def _next_page(request: HttpRequest, *, default: str) -> str:
    """The ``next`` path of this site, or ``default``; never a URL name (redirect()
    would try to reverse "-1") nor another host."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


@login_required
def organisation_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation administrator requires two-factor authentication of every member."""
    organisation = access.get_organisation_or_404(request.user, pk)
    if not access.can_manage_members(request.user, organisation):
        raise Http404
    if not_allowed := only(request, "POST"):
        return not_allowed
    form = TwoFactorRequiredForm(request.POST)
    form.is_valid()  # a checkbox: absent is False
    services.organisation_set_two_factor_required(
        user=request.user, organisation=organisation, required=form.cleaned_data["required"]
    )
    if form.cleaned_data["required"]:
        messages.success(
            request, _("Members now need two-factor authentication from their next login.")
        )
    else:
        messages.success(request, _("Two-factor authentication is now each member's choice."))
    return redirect("organisation-detail", pk=organisation.pk)
