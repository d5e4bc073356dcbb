"""Councils, their members, meetings and decisions, and the coordination function.

Each view first looks its record up through councils.access (404 for what the user
may not see or, for edit pages, may not edit), then checks the method, then hands one
service to ``_edit_page`` or ``_delete_page``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import access, editing, selectors, services
from councils.access import Capability
from councils.concurrency import Conflict
from councils.forms import (
    CoordinationFunctionForm,
    CouncilForm,
    CouncilMemberForm,
    CouncilsForm,
    DecisionForm,
    MeetingForm,
)
from councils.models import CoordinationFunction, Council, CouncilMember, Decision, Meeting
from councils.views import by_code, by_pk, record_view

COUNCILS = Council.objects.select_related("municipality")
COUNCIL_MEMBERS = CouncilMember.objects.select_related("council__municipality", "organisation")
MEETINGS = Meeting.objects.select_related("council__municipality")
DECISIONS = Decision.objects.select_related("meeting__council__municipality")
READ, EDIT = Capability.READ, Capability.EDIT


def _edit_page(
    request: HttpRequest,
    form_class: type[CouncilsForm],
    *,
    service: Callable[..., Any],
    on: dict[str, Any],
    back: str,
    instance: Any = None,
    done: Callable[[Any], str] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    **context: Any,
) -> HttpResponse:
    """GET shows the form; POST validates and saves through
    ``service(user=…, **on, **form.values())`` (with ``expected_version`` when it edits
    ``instance``), then redirects to ``done(saved)`` (``back`` by default).

    Bad input answers 400 with the error summary; a stale version answers 409 with the
    other person's values beside the user's, the form moved onto the stored version.
    """
    form = form_class(
        request.POST if request.method == "POST" else None,
        instance=instance,
        **(form_kwargs or {}),
    )
    context = {"back_url": back, **context, "form": form}
    if instance is not None and instance.pk is not None:
        context["history_url"] = reverse(
            "record-history", kwargs={"label": instance._meta.label_lower, "pk": instance.pk}
        )
    template = "councils/form.html"
    if request.method != "POST":
        return render(request, template, context)

    def save() -> Any:
        version = {} if instance is None else {"expected_version": form.expected_version}
        return service(user=request.user, **on, **version, **form.values())

    outcome = editing.submit(form, save)
    if outcome.ok:
        messages.success(request, _("Saved."))
        return redirect(done(outcome.saved) if done else back)
    return render(request, template, context | outcome.context, status=outcome.status)


def _delete_page(
    request: HttpRequest,
    record: Any,
    *,
    service: Callable[..., Any],
    on: dict[str, Any],
    back: str,
    done: str | None = None,
    **context: Any,
) -> HttpResponse:
    """GET asks for confirmation; POST deletes through ``service(user=…, **on,
    expected_version=…)`` if the record is still as it was shown, then redirects to
    ``done`` (``back`` by default)."""
    context = {"back_url": back, **context, "record": record}
    template = "councils/confirm_delete.html"
    if request.method != "POST":
        return render(request, template, context)
    try:
        service(user=request.user, **on, expected_version=editing.posted_version(request))
    except Conflict as conflict:
        context |= {"record": conflict.current, "changed": True}
        return render(request, template, context, status=409)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, template, context, status=400)
    messages.success(request, _("Deleted."))
    return redirect(done or back)


# --- councils -------------------------------------------------------------------------


@record_view(by_code(READ), "GET")
def council_list(request: HttpRequest, municipality: Any) -> HttpResponse:
    return render(
        request,
        "councils/council_list.html",
        {
            "municipality": municipality,
            "councils": selectors.councils_of(municipality),
            "can_edit": access.can(request.user, Capability.EDIT, municipality),
        },
    )


@record_view(by_code(EDIT), "GET", "POST")
def council_create(request: HttpRequest, municipality: Any) -> HttpResponse:
    return _edit_page(
        request,
        CouncilForm,
        service=services.council_create,
        on={"municipality": municipality},
        back=reverse("council-list", args=[municipality.code]),
        done=lambda council: reverse("council-detail", args=[council.pk]),
        title=_("New council"),
        lead=municipality.name,
    )


@record_view(by_pk(COUNCILS, READ), "GET")
def council_detail(request: HttpRequest, council: Any) -> HttpResponse:
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


@record_view(by_pk(COUNCILS, EDIT), "GET", "POST")
def council_edit(request: HttpRequest, council: Any) -> HttpResponse:
    return _edit_page(
        request,
        CouncilForm,
        instance=council,
        service=services.council_update,
        on={"council": council},
        back=reverse("council-detail", args=[council.pk]),
        title=_("Edit council"),
        lead=council.name,
    )


@record_view(by_pk(COUNCILS, EDIT), "GET", "POST")
def council_delete(request: HttpRequest, council: Any) -> HttpResponse:
    return _delete_page(
        request,
        council,
        service=services.council_delete,
        on={"council": council},
        back=reverse("council-detail", args=[council.pk]),
        done=reverse("council-list", args=[council.municipality.code]),
        title=_("Delete council"),
        blocked=council.meetings.exists()
        and _("The council has meetings on record. Delete its meetings first, if they are wrong."),
    )


# --- members --------------------------------------------------------------------------


@record_view(by_pk(COUNCILS, EDIT), "GET", "POST")
def council_member_create(request: HttpRequest, council: Any) -> HttpResponse:
    return _edit_page(
        request,
        CouncilMemberForm,
        form_kwargs={"organisations": selectors.member_organisations(council.municipality)},
        service=services.council_member_create,
        on={"council": council},
        back=reverse("council-detail", args=[council.pk]),
        title=_("New member"),
        lead=council.name,
    )


@record_view(by_pk(COUNCIL_MEMBERS, EDIT), "GET", "POST")
def council_member_edit(request: HttpRequest, member: Any) -> HttpResponse:
    return _edit_page(
        request,
        CouncilMemberForm,
        instance=member,
        form_kwargs={"organisations": selectors.member_organisations(member.council.municipality)},
        service=services.council_member_update,
        on={"member": member},
        back=reverse("council-detail", args=[member.council_id]),
        title=_("Edit member"),
        lead=member.council.name,
    )


@record_view(by_pk(COUNCIL_MEMBERS, EDIT), "GET", "POST")
def council_member_delete(request: HttpRequest, member: Any) -> HttpResponse:
    return _delete_page(
        request,
        member,
        service=services.council_member_delete,
        on={"member": member},
        back=reverse("council-detail", args=[member.council_id]),
        title=_("Remove member"),
    )


# --- meetings -------------------------------------------------------------------------


@record_view(by_pk(COUNCILS, EDIT), "GET", "POST")
def meeting_create(request: HttpRequest, council: Any) -> HttpResponse:
    return _edit_page(
        request,
        MeetingForm,
        service=services.meeting_create,
        on={"council": council},
        back=reverse("council-detail", args=[council.pk]),
        done=lambda meeting: reverse("meeting-detail", args=[meeting.pk]),
        title=_("New meeting"),
        lead=council.name,
    )


@record_view(by_pk(MEETINGS, READ), "GET")
def meeting_detail(request: HttpRequest, meeting: Any) -> HttpResponse:
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


@record_view(by_pk(MEETINGS, EDIT), "GET", "POST")
def meeting_edit(request: HttpRequest, meeting: Any) -> HttpResponse:
    return _edit_page(
        request,
        MeetingForm,
        instance=meeting,
        service=services.meeting_update,
        on={"meeting": meeting},
        back=reverse("meeting-detail", args=[meeting.pk]),
        title=_("Edit meeting"),
        lead=meeting.council.name,
    )


@record_view(by_pk(MEETINGS, EDIT), "GET", "POST")
def meeting_delete(request: HttpRequest, meeting: Any) -> HttpResponse:
    return _delete_page(
        request,
        meeting,
        service=services.meeting_delete,
        on={"meeting": meeting},
        back=reverse("meeting-detail", args=[meeting.pk]),
        done=reverse("council-detail", args=[meeting.council_id]),
        title=_("Delete meeting"),
        consequence=_("Its decisions are deleted with it."),
    )


# --- decisions ------------------------------------------------------------------------


@record_view(by_pk(MEETINGS, EDIT), "GET", "POST")
def decision_create(request: HttpRequest, meeting: Any) -> HttpResponse:
    return _edit_page(
        request,
        DecisionForm,
        service=services.decision_create,
        on={"meeting": meeting},
        back=reverse("meeting-detail", args=[meeting.pk]),
        title=_("New decision"),
        lead=str(meeting),
    )


@record_view(by_pk(DECISIONS, EDIT), "GET", "POST")
def decision_edit(request: HttpRequest, decision: Any) -> HttpResponse:
    return _edit_page(
        request,
        DecisionForm,
        instance=decision,
        service=services.decision_update,
        on={"decision": decision},
        back=reverse("meeting-detail", args=[decision.meeting_id]),
        title=_("Edit decision"),
        lead=str(decision.meeting),
    )


@record_view(by_pk(DECISIONS, EDIT), "GET", "POST")
def decision_delete(request: HttpRequest, decision: Any) -> HttpResponse:
    return _delete_page(
        request,
        decision,
        service=services.decision_delete,
        on={"decision": decision},
        back=reverse("meeting-detail", args=[decision.meeting_id]),
        title=_("Delete decision"),
    )


# --- the coordination function --------------------------------------------------------


@record_view(by_code(READ), "GET")
def coordination_function(request: HttpRequest, municipality: Any) -> HttpResponse:
    return render(
        request,
        "councils/coordination_function.html",
        {
            "municipality": municipality,
            "function": selectors.coordination_function_of(municipality),
            "can_edit": access.can(request.user, Capability.EDIT, municipality),
        },
    )


@record_view(by_code(EDIT), "GET", "POST")
def coordination_function_edit(request: HttpRequest, municipality: Any) -> HttpResponse:
    function = selectors.coordination_function_of(municipality)
    return _edit_page(
        request,
        CoordinationFunctionForm,
        instance=function or CoordinationFunction(municipality=municipality),
        service=services.coordination_function_set,
        on={"municipality": municipality},
        back=reverse("coordination-function", args=[municipality.code]),
        title=_("Coordination function"),
        lead=municipality.name,
        intro=_(
            "The person or unit that coordinates the municipality's crime-prevention "
            "work, is the contact point for other actors and informs residents "
            "(Lag 2023:196)."
        ),
    )
