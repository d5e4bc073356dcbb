"""Partner organisations of a municipality: the list (with a new partner, or a
partnership with one that exists), one partnership (its members and invitations, the
invitation form), ending a partnership, withdrawing an invitation, and the invited
person's page, which the signed link opens without a login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import access, backends, dates, editing
from councils import partner_services as services
from councils.access import Capability
from councils.concurrency import Conflict
from councils.http import only
from councils.models import Membership
from councils.partner_forms import (
    AcceptInvitationForm,
    InvitationForm,
    PartnerCreateForm,
    PartnershipStartForm,
)
from councils.partners import Invitation, Partnership

PARTNERSHIPS = Partnership.objects.select_related("organisation", "municipality")
INVITATIONS = Invitation.objects.select_related("organisation", "municipality")


def _list_context(request, municipality, **forms) -> dict:
    return {
        "municipality": municipality,
        "partnerships": PARTNERSHIPS.filter(municipality=municipality).order_by(
            "ended_on", "organisation__name", "-started_on"
        ),
        "create_form": forms.get("create_form") or PartnerCreateForm(),
        "start_form": forms.get("start_form") or PartnershipStartForm(municipality=municipality),
    }


@login_required
def partner_list(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, Capability.EDIT)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(request, "councils/partner_list.html", _list_context(request, municipality))


def _list_submit(request, code, form_name, form, save) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, Capability.EDIT)
    if not_allowed := only(request, "POST"):
        return not_allowed
    form = form(municipality)
    outcome = editing.submit(form, lambda: save(municipality, form))
    if outcome.ok:
        messages.success(request, _("The partnership has started."))
        return redirect("partnership-detail", pk=outcome.saved.pk)
    context = _list_context(request, municipality, **{form_name: form})
    return render(request, "councils/partner_list.html", context, status=outcome.status)


@login_required
def partner_create(request: HttpRequest, code: str) -> HttpResponse:
    return _list_submit(
        request,
        code,
        "create_form",
        lambda municipality: PartnerCreateForm(request.POST),
        lambda municipality, form: services.partner_create(
            user=request.user, municipality=municipality, **form.cleaned_data
        ),
    )


@login_required
def partnership_start(request: HttpRequest, code: str) -> HttpResponse:
    return _list_submit(
        request,
        code,
        "start_form",
        lambda municipality: PartnershipStartForm(request.POST, municipality=municipality),
        lambda municipality, form: services.partnership_start(
            user=request.user, municipality=municipality, **form.cleaned_data
        ),
    )


def _detail_context(request, partnership, form=None) -> dict:
    now = dates.now()
    statuses = Invitation.Status
    invitations = [
        (invitation, status == statuses.OPEN, statuses(status).label)
        for invitation in INVITATIONS.filter(
            organisation=partnership.organisation, municipality=partnership.municipality
        )
        for status in [invitation.status_at(now)]
    ]
    return {
        "partnership": partnership,
        "organisation": partnership.organisation,
        "municipality": partnership.municipality,
        "members": Membership.objects.filter(organisation=partnership.organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role"),
        "invitations": invitations,
        "form": form or InvitationForm(),
        "manages_list": access.can(request.user, Capability.EDIT, partnership.municipality_id),
        "history_url": reverse(
            "record-history", kwargs={"label": "councils.partnership", "pk": partnership.pk}
        ),
    }


@login_required
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = access.get_partnership_or_404(request.user, PARTNERSHIPS, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request, "councils/partnership_detail.html", _detail_context(request, partnership)
    )


@login_required
def partnership_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Coordinators end a partnership (GET asks, POST with the version seen ends it)."""
    partnership = access.get_object_or_404(request.user, PARTNERSHIPS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    back = reverse("partnership-detail", args=[pk])
    context = {"record": partnership, "back_url": back}
    if request.method == "POST":
        try:
            services.partnership_end(
                user=request.user,
                partnership=partnership,
                expected_version=editing.posted_version(request),
            )
        except Conflict as conflict:
            context |= {"record": conflict.current, "changed": True}
            return render(request, "councils/partnership_end.html", context, status=409)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "councils/partnership_end.html", context, status=400)
        messages.success(request, _("The partnership has ended."))
        return redirect(back)
    return render(request, "councils/partnership_end.html", context)


@login_required
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = access.get_partnership_or_404(request.user, PARTNERSHIPS, pk=pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    form = InvitationForm(request.POST)
    outcome = editing.submit(
        form,
        lambda: services.invitation_create(
            user=request.user, partnership=partnership, **form.cleaned_data
        ),
    )
    if outcome.ok:
        messages.success(
            request, _("The invitation to %(email)s is sent.") % {"email": outcome.saved.email}
        )
        return redirect("partnership-detail", pk=pk)
    context = _detail_context(request, partnership, form) | outcome.context
    return render(request, "councils/partnership_detail.html", context, status=outcome.status)


@login_required
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = access.get_partnership_or_404(request.user, INVITATIONS, pk=pk)
    partnership = (
        access.partners_for(request.user, invitation.municipality_id)
        .filter(organisation_id=invitation.organisation_id)
        .order_by("-started_on", "-pk")
        .first()
    )
    if not_allowed := only(request, "POST"):
        return not_allowed
    try:
        services.invitation_withdraw(
            user=request.user,
            invitation=invitation,
            expected_version=editing.posted_version(request),
        )
    except Conflict:
        messages.error(request, _("The invitation changed while you were looking: check it again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation is withdrawn."))
    return redirect("partnership-detail", pk=partnership.pk)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person's page: a new account (name and password), or, signed in with
    the invited address, the role at once. The link works once, for seven days."""
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    invitation = services.invitation_for_token(token)
    if invitation is None:
        raise Http404("No such invitation.")
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(request.POST or None)
    context = {"invitation": invitation, "form": form, "signed_in": signed_in}
    try:
        services.check_open(invitation)
    except ValidationError as error:
        context["closed"] = " ".join(error.messages)
        return render(request, "councils/invitation_accept.html", context, status=410)
    if request.method != "POST":
        return render(request, "councils/invitation_accept.html", context)
    if form is None:
        try:
            user = services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            context["closed"] = " ".join(error.messages)
            return render(request, "councils/invitation_accept.html", context, status=400)
    else:
        outcome = editing.submit(
            form, lambda: services.invitation_accept(invitation=invitation, **form.values())
        )
        if not outcome.ok:
            return render(
                request, "councils/invitation_accept.html", context, status=outcome.status
            )
        user = outcome.saved
    if not signed_in:
        login(request, user, backend=backends.PATH)
    messages.success(
        request,
        _("Welcome to %(organisation)s in Samverkan.") % {"organisation": invitation.organisation},
    )
    return redirect("home")
