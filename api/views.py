"""The pages around the API: its reference page (from the OpenAPI document, served
from our own files: no CDN) and the token pages of the account and organisation pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from api import tokens
from api.base import api
from api.forms import ApiTokenForm
from api.models import ApiToken
from api.problems import problem
from councils import access
from councils.http import only

METHODS = ("get", "post", "put", "patch", "delete")


def reference(request: HttpRequest) -> HttpResponse:
    """/api/v1/: every operation of the OpenAPI document, in Swedish and English."""
    if not_allowed := only(request, "GET"):
        return not_allowed
    document = api.get_openapi_schema()
    operations = []
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "id": operation.get("operationId", ""),
                    }
                )
    return render(request, "api/reference.html", {"operations": operations, "api": document})


@csrf_exempt
def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    """Any address under /api/v1/ that is no operation: 404 as problem+json."""
    return problem(404, _("No operation of the API has this address."))


def _tokens_page(request, organisation=None) -> HttpResponse:
    mine = ApiToken.objects.filter(organisation=organisation)
    if organisation is None:
        mine = mine.filter(user=request.user)
    form = ApiTokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        made = tokens.create(
            user=request.user, organisation=organisation, **form.cleaned_data
        ).secret
        form = ApiTokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": mine.select_related("user"),
            "form": form,
            "organisation": organisation,
            "made": made,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def my_tokens(request: HttpRequest) -> HttpResponse:
    """The account's personal tokens: make (shown once), list, revoke."""
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    return _tokens_page(request)


@login_required
def organisation_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's tokens, for its administrators."""
    organisation = access.get_organisation_or_404(request.user, pk)
    if not access.can_manage_members(request.user, organisation):
        raise Http404
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    return _tokens_page(request, organisation)


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = tokens.get_manageable_or_404(request.user, pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    tokens.revoke(user=request.user, token=token)
    if token.organisation_id:
        return redirect("api-organisation-tokens", pk=token.organisation_id)
    return redirect("api-tokens")
