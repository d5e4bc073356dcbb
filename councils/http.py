"""Small HTTP helpers shared by every app's views."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseNotAllowed


def only(request: HttpRequest, *methods: str) -> HttpResponseNotAllowed | None:
    """A 405 response when ``request`` uses another method, else None.

    Object views call it *after* the access lookup, so that a user who may not see
    the object gets 404 whatever the method, and learns nothing from a 405.
    """
    allowed = {m.upper() for m in methods}
    if "GET" in allowed:
        allowed.add("HEAD")
    if request.method not in allowed:
        return HttpResponseNotAllowed(sorted(allowed))
    return None


def accepts_upload(limit: Callable[[], int]):
    """Mark a view that takes a file larger than ``MAX_REQUEST_BYTES``: ``limit()`` is
    the body it accepts (``councils.middleware.RequestLimitsMiddleware`` asks it before
    anything reads the body; the view still checks the file's own size)."""

    def mark(view):
        view.max_request_bytes = limit
        return view

    return mark
