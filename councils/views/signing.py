"""The signing page shared by cooperation agreements and citizen pledges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from councils import editing, signing
from councils.forms import SignForm
from councils.http import only


def sign_page(
    request: HttpRequest,
    document: signing.Signed,
    party: str,
    *,
    sign: Callable[..., Any],
    signed: Callable[[Any], HttpResponse],
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """``party``'s signature on ``document``: 404 for anyone who may not sign for the
    party, then another method than GET and POST answers 405. The form starts from
    ``signing.signatory``; a valid POST calls ``sign(name=, title=, signed_on=)`` (a
    PermissionDenied there answers 404, a ValidationError shows on the form) and answers
    ``signed(what sign returned)``. The page gets ``context()`` with ``party`` and ``form``."""
    signing.signer_or_404(request.user, document, party)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = SignForm(request.POST or None, initial=signing.signatory(document, party, request.user))
    status = 200
    if request.method == "POST":

        def save():
            try:
                return sign(**form.cleaned_data)
            except PermissionDenied as denied:
                raise Http404 from denied

        outcome = editing.submit(form, save)
        if outcome.ok:
            return signed(outcome.saved)
        status = outcome.status
    return render(request, template, {**context(), "party": party, "form": form}, status=status)
