"""The pages of councils, one module per concern: start (the user, their organisations
and municipalities), councils (councils, members, meetings, decisions, the coordination
function), history, two_factor, and health (the probes and the benchmark's baseline)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from councils import access
from councils.access import Capability
from councils.http import only

Lookup = Callable[..., Any]


def by_pk(queryset: QuerySet, capability: Capability) -> Lookup:
    """Look a row of ``queryset`` up by the URL's ``pk`` for a user who holds
    ``capability`` on its municipality (else 404)."""
    return lambda user, pk: access.get_object_or_404(user, queryset, capability, pk=pk)


def by_code(capability: Capability) -> Lookup:
    """Look the municipality up by the URL's ``code`` (else 404)."""
    return lambda user, code: access.get_municipality_or_404(user, code, capability)


def record_view(lookup: Lookup, *methods: str) -> Callable[..., Callable[..., HttpResponse]]:
    """A view of one record: login required, ``lookup(user, **url_kwargs)`` finds the
    record (404 for what the user may not see), *then* another method than ``methods``
    answers 405; the view is called as ``view(request, record)``."""

    def decorate(view: Callable[[HttpRequest, Any], HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def looked_up(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            record = lookup(request.user, **kwargs)
            if not_allowed := only(request, *methods):
                return not_allowed
            return view(request, record)

        return looked_up

    return decorate


def page_view(lookup: Lookup, template: str) -> Callable[..., Callable[..., HttpResponse]]:
    """A GET page of one record (found as by ``record_view``): the view answers its
    template's context, ``context(request, record)``."""

    def decorate(
        context: Callable[[HttpRequest, Any], dict[str, Any]],
    ) -> Callable[..., HttpResponse]:
        @record_view(lookup, "GET")
        @wraps(context)
        def page(request: HttpRequest, record: Any) -> HttpResponse:
            return render(request, template, context(request, record))

        return page

    return decorate
