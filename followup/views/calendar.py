"""The personal calendar feed, ``/kalender/<token>.ics``: no login (calendar programs
cannot log in); the secret token is the key and answers as its user, through
``councils.access`` (``followup.calendar``). A revoked, unknown or malformed token is 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from councils import exports
from councils.feeds import feed_user
from followup import calendar


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = feed_user(token)
    if user is None:
        raise Http404("No such calendar.")
    body = calendar.ics(user, request.build_absolute_uri, request.get_host())
    response = exports.file_response(body, fmt="ics", filename="samverkan", inline=True)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
