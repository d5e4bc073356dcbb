"""Councils, their members, meetings and decisions, and the coordination function.

Each view first looks its record up through councils.access (404 for what the user
may not see or, for edit pages, may not edit), then checks the method, then hands one
service to ``_edit_page`` or ``_delete_page``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from councils.views import by_code, by_pk, page_view, record_view

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


# --- councils, members, meetings, decisions ----------------------------------------


def _council_page(pk: int) -> str:
    return reverse("council-detail", args=[pk])


def _meeting_page(pk: int) -> str:
    return reverse("meeting-detail", args=[pk])


@dataclass(frozen=True)
class _Kind:
    """What the edit and delete pages of one kind of record need: the queryset to look
    it up in, its form, the page to go back to and the lead line of its pages (both
    from the record), and any form arguments the record decides."""

    rows: QuerySet
    form: type[CouncilsForm]
    back: Callable[[Any], str]
    lead: Callable[[Any], str]
    form_kwargs: Callable[[Any], dict[str, Any]] = lambda record: {}


def _organisations(municipality: Any) -> dict[str, Any]:
    return {"organisations": selectors.member_organisations(municipality)}


KINDS = {
    "council": _Kind(COUNCILS, CouncilForm, lambda c: _council_page(c.pk), lambda c: c.name),
    "member": _Kind(
        COUNCIL_MEMBERS,
        CouncilMemberForm,
        lambda m: _council_page(m.council_id),
        lambda m: m.council.name,
        lambda m: _organisations(m.council.municipality),
    ),
    "meeting": _Kind(
        MEETINGS, MeetingForm, lambda m: _meeting_page(m.pk), lambda m: m.council.name
    ),
    "decision": _Kind(
        DECISIONS, DecisionForm, lambda d: _meeting_page(d.meeting_id), lambda d: str(d.meeting)
    ),
}


def _on_record(kind: str, record: Any, service: Callable[..., Any], title: str) -> dict[str, Any]:
    """What every page on a record of ``kind`` passes: the service it calls on the
    record, the page to go back to, and its title."""
    return {
        "service": service,
        "on": {kind: record},
        "back": KINDS[kind].back(record),
        "title": title,
    }


def _form_view(
    kind: str,
    form: type[CouncilsForm],
    service: Callable[..., Any],
    title: str,
    *,
    edits: bool = False,
    done: Callable[[Any], str] | None = None,
    lead: Callable[[Any], str] | None = None,
    form_kwargs: Callable[[Any], dict[str, Any]] = lambda record: {},
) -> Callable[..., HttpResponse]:
    """A form page on a record of ``kind`` (looked up for editing): it changes that
    record when it ``edits``, else adds one to it, through ``service(<kind>=record, …)``;
    back to the record's back page, or on to ``done(saved)``; the lead line is the
    kind's (or ``lead(record)``)."""
    of = KINDS[kind]

    @record_view(by_pk(of.rows, EDIT), "GET", "POST")
    def form_page(request: HttpRequest, record: Any) -> HttpResponse:
        return _edit_page(
            request,
            form,
            instance=record if edits else None,
            form_kwargs=form_kwargs(record),
            done=done,
            lead=(lead or of.lead)(record),
            **_on_record(kind, record, service, title),
        )

    return form_page


def _edit_view(kind: str, service: Callable[..., Any], title: str) -> Callable[..., HttpResponse]:
    """The edit page of a record of ``kind``, saved through ``service(<kind>=record, …)``."""
    of = KINDS[kind]
    return _form_view(kind, of.form, service, title, edits=True, form_kwargs=of.form_kwargs)


def _delete_view(
    kind: str,
    service: Callable[..., Any],
    title: str,
    done: Callable[[Any], str] | None = None,
    more: Callable[[Any], dict[str, Any]] = lambda record: {},
) -> Callable[..., HttpResponse]:
    """The delete confirmation of a record of ``kind``, deleted through
    ``service(<kind>=record, …)``; then to ``done(record)`` (its back page by default),
    ``more(record)`` adds to the page's context."""
    of = KINDS[kind]

    @record_view(by_pk(of.rows, EDIT), "GET", "POST")
    def delete(request: HttpRequest, record: Any) -> HttpResponse:
        return _delete_page(
            request,
            record,
            done=done(record) if done else None,
            **_on_record(kind, record, service, title),
            **more(record),
        )

    return delete


def _municipality_page(request: HttpRequest, municipality: Any, **context: Any) -> dict[str, Any]:
    """The context of a page about one municipality: it, whether the user may edit it,
    and ``context``."""
    can_edit = access.can(request.user, Capability.EDIT, municipality)
    return {"municipality": municipality, **context, "can_edit": can_edit}


def _municipality_form(
    request: HttpRequest, municipality: Any, form: type[CouncilsForm], *, back: str, **page: Any
) -> HttpResponse:
    """``_edit_page`` for a record of ``municipality``: saved ``on`` it, back to the page
    named ``back`` for it, its name as the lead line."""
    return _edit_page(
        request,
        form,
        on={"municipality": municipality},
        back=reverse(back, args=[municipality.code]),
        lead=municipality.name,
        **page,
    )


@page_view(by_code(READ), "councils/council_list.html")
def council_list(request: HttpRequest, municipality: Any) -> dict[str, Any]:
    return _municipality_page(request, municipality, councils=selectors.councils_of(municipality))


@record_view(by_code(EDIT), "GET", "POST")
def council_create(request: HttpRequest, municipality: Any) -> HttpResponse:
    return _municipality_form(
        request,
        municipality,
        CouncilForm,
        service=services.council_create,
        back="council-list",
        done=lambda council: _council_page(council.pk),
        title=_("New council"),
    )


@page_view(by_pk(COUNCILS, READ), "councils/council_detail.html")
def council_detail(request: HttpRequest, council: Any) -> dict[str, Any]:
    return {
        "page": selectors.council_page(council),
        "council": council,
        "municipality": council.municipality,
        "can_edit": access.can(request.user, Capability.EDIT, council.municipality_id),
        # the people on it are shown to the municipality and the police only
        "internal": access.can(request.user, Capability.INTERNAL, council.municipality_id),
    }


council_edit = _edit_view("council", services.council_update, gettext_lazy("Edit council"))
council_delete = _delete_view(
    "council",
    services.council_delete,
    gettext_lazy("Delete council"),
    done=lambda council: reverse("council-list", args=[council.municipality.code]),
    more=lambda council: {
        "blocked": council.meetings.exists()
        and _("The council has meetings on record. Delete its meetings first, if they are wrong.")
    },
)


council_member_create = _form_view(
    "council",
    CouncilMemberForm,
    services.council_member_create,
    gettext_lazy("New member"),
    form_kwargs=lambda council: _organisations(council.municipality),
)


council_member_edit = _edit_view(
    "member", services.council_member_update, gettext_lazy("Edit member")
)
council_member_delete = _delete_view(
    "member", services.council_member_delete, gettext_lazy("Remove member")
)


meeting_create = _form_view(
    "council",
    MeetingForm,
    services.meeting_create,
    gettext_lazy("New meeting"),
    done=lambda meeting: _meeting_page(meeting.pk),
)


@page_view(by_pk(MEETINGS, READ), "councils/meeting_detail.html")
def meeting_detail(request: HttpRequest, meeting: Any) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "council": meeting.council,
        "decisions": list(meeting.decisions.all()),
        "can_edit": access.can(request.user, Capability.EDIT, meeting.council.municipality_id),
        # its agenda, minutes and decisions are the municipality's and the police's
        "internal": access.can(request.user, Capability.INTERNAL, meeting.council.municipality_id),
    }


meeting_edit = _edit_view("meeting", services.meeting_update, gettext_lazy("Edit meeting"))
meeting_delete = _delete_view(
    "meeting",
    services.meeting_delete,
    gettext_lazy("Delete meeting"),
    done=lambda meeting: _council_page(meeting.council_id),
    more=lambda meeting: {"consequence": _("Its decisions are deleted with it.")},
)


decision_create = _form_view(
    "meeting", DecisionForm, services.decision_create, gettext_lazy("New decision"), lead=str
)


decision_edit = _edit_view("decision", services.decision_update, gettext_lazy("Edit decision"))
decision_delete = _delete_view(
    "decision", services.decision_delete, gettext_lazy("Delete decision")
)


# --- the coordination function --------------------------------------------------------


@page_view(by_code(READ), "councils/coordination_function.html")
def coordination_function(request: HttpRequest, municipality: Any) -> dict[str, Any]:
    function = selectors.coordination_function_of(municipality)
    return _municipality_page(request, municipality, function=function)


@record_view(by_code(EDIT), "GET", "POST")
def coordination_function_edit(request: HttpRequest, municipality: Any) -> HttpResponse:
    function = selectors.coordination_function_of(municipality)
    return _municipality_form(
        request,
        municipality,
        CoordinationFunctionForm,
        instance=function or CoordinationFunction(municipality=municipality),
        service=services.coordination_function_set,
        back="coordination-function",
        title=_("Coordination function"),
        intro=_(
            "The person or unit that coordinates the municipality's crime-prevention "
            "work, is the contact point for other actors and informs residents "
            "(Lag 2023:196)."
        ),
    )
