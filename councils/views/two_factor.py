"""Two-factor authentication.

The account page turns it on (enrol: a QR code, then a code to confirm) and off; the
code page is the second step of a login; an organisation administrator requires it of
every member on the organisation's page."""

from __future__ import annotations

import base64

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from councils import access, editing, services, two_factor
from councils.forms import TokenForm, TwoFactorRequiredForm
from councils.http import only


@require_safe
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
