"""Small HTTP helpers shared by every app's views."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.encoding import iri_to_uri

#: a key no row has, standing in for the row's key in the address reversed once
_KEY = 9876543210


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


def url_maker(name: str, *args: object) -> Callable[[object], str]:
    """``url_maker("pledge-detail")(pk)`` is ``reverse("pledge-detail", args=[pk])``,
    reversed once for a whole list of rows: the row's key (a number or a code) is the
    address's last argument, after ``args``."""
    prefix, found, suffix = reverse(name, args=[*args, _KEY]).rpartition(str(_KEY))
    if not found:
        raise ValueError(f"{name} does not take a key as its last argument")
    return lambda key: f"{prefix}{iri_to_uri(str(key))}{suffix}"
