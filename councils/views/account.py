"""The user's own e-mail address: changed, or said to work again after it failed for
good (``councils.addresses``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from councils import editing, services
from councils.forms import EmailAddressForm
from councils.http import only


@login_required
def account_email(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = EmailAddressForm(request.POST or None, initial={"email": request.user.email})
    status = 200
    if request.method == "POST":
        outcome = editing.submit(
            form,
            lambda: services.user_email_change(user=request.user, email=form.cleaned_data["email"]),
        )
        if outcome.ok:
            messages.success(request, _("Your e-mail address is saved."))
            return redirect("account-email")
        status = outcome.status
    return render(request, "councils/account_email.html", {"form": form}, status=status)


@login_required
def account_email_works(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "POST"):
        return not_allowed
    services.user_email_works(user=request.user)
    messages.success(request, _("E-mail will be sent to your address again."))
    return redirect("account-email")


@login_required
@require_safe
def account_ping(request: HttpRequest) -> HttpResponse:
    """The smallest signed-in page: "ok" when the login is alive (it also counts as
    activity for the idle timeout). Costs what every signed-in request costs (the
    middleware, the session and the user) and nothing else: the benchmark's empty
    signed-in page."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
