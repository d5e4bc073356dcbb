"""Response headers that belong to every page."""

from __future__ import annotations

import time
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from councils import formats, two_factor


class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a signed-in user are never stored by browsers or proxies.

    They may hold drafts and internal comments; ``Cache-Control: no-store`` keeps
    them out of shared caches and the back-button cache of a shared computer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class LanguageMiddleware:
    """Swedish for everyone, English for those who choose it with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, and many Swedish
    officials run English browsers; a Swedish public service speaks Swedish until
    the user asks otherwise. The choice is kept in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


#: session keys: when the signed-in session began and when it was last used (epoch seconds)
SESSION_STARTED = "session_started_at"
SESSION_LAST_SEEN = "session_last_seen_at"
#: how stale the "last used" mark may get before it is written again, so that a busy user's
#: session is not saved on every request
LAST_SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def _stamp_the_login(sender, request, user, **kwargs) -> None:
    """The clocks of SessionTimeoutMiddleware start at login (the session is saved anyway)."""
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = now


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class SessionTimeoutMiddleware:
    """A signed-in session ends after ``SESSION_IDLE_TIMEOUT`` seconds without a request,
    and ``SESSION_COOKIE_AGE`` seconds after it began, however busy.

    The cookie's own expiry cannot do the second: it moves on with every save. The user is
    logged out (the session is flushed server-side) and sent to the login page, which says
    why; an htmx request is told to load the login page instead of swapping it in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = time.time()
        if _signed_in(request) and (expired := self._expired(request.session, now)):
            return self._log_out(request, expired)
        return self.get_response(request)

    @staticmethod
    def _expired(session, now: float) -> str | None:
        started = session.setdefault(SESSION_STARTED, now)  # set at login; older sessions
        if now - started > settings.SESSION_COOKIE_AGE:
            return _("Your login has lasted as long as a login may. Log in again.")
        last_seen = session.get(SESSION_LAST_SEEN, now)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            return _(
                "You were logged out after %(minutes)d minutes without activity. Log in again."
            ) % {"minutes": settings.SESSION_IDLE_TIMEOUT // 60}
        if now - last_seen >= LAST_SEEN_RESOLUTION or SESSION_LAST_SEEN not in session:
            session[SESSION_LAST_SEEN] = now
        return None

    @staticmethod
    def _log_out(request, reason: str):
        logout(request)
        messages.info(request, reason)
        return _send_to(request, settings.LOGIN_URL)


class TwoFactorMiddleware:
    """A login that still owes its second factor reaches only the pages that settle it.

    ``councils.two_factor`` records at login whether the user must give a code (they have
    a device) or set up a device (their organisation requires one); every other page
    sends them there, the page they asked for kept as ``next``.
    """

    #: pages open while the second factor is owed
    OPEN = frozenset({"two-factor-verify", "two-factor-enrol", "logout", "set_language", "healthz"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = request.session.get(two_factor.PENDING)
        if owed and _signed_in(request) and self._url_name(request) not in self.OPEN:
            page = "two-factor-verify" if owed == two_factor.VERIFY else "two-factor-enrol"
            return _send_to(request, reverse(page))
        return self.get_response(request)

    @staticmethod
    def _url_name(request) -> str | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return match.view_name


def _send_to(request, page: str):
    """Redirect to ``page`` with the current page as ``next``; htmx loads it whole."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        return HttpResponseClientRedirect(
            redirect_to_login(htmx.current_url_abs_path or "/", page)["Location"]
        )
    return redirect_to_login(request.get_full_path() if request.method == "GET" else "/", page)


def _upload_limit(path: str) -> int:
    """The larger body an upload view accepts (``councils.http.accepts_upload``), or 0."""
    try:
        view = resolve(path).func
    except Resolver404:
        return 0
    limit = getattr(view, "max_request_bytes", None)
    return limit() if limit else 0


class RequestLimitsMiddleware:
    """Requests that no page can answer are refused before anything reads them.

    - A body over ``MAX_REQUEST_BYTES`` (by its Content-Length) gets 413 and is never
      read. Django keeps only the non-file part of a body under
      DATA_UPLOAD_MAX_MEMORY_SIZE; an uploaded file of any size would be streamed to a
      temporary file first and only then refused by its form. A view marked with
      ``councils.http.accepts_upload`` (attachments) accepts the larger body it names.
    - A NUL character in the path or the query string gets 400. PostgreSQL cannot hold
      NUL in text, so a path parameter or a filter with one would fail in the database
      (the forms refuse NUL in what they clean; the URL reaches lookups directly).

    Placed after LanguageMiddleware (the page is in the user's language) and before
    anything that reads the body (CSRF, the views).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads nothing from a malformed length either
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            limit = max(limit, _upload_limit(request.path_info))
        if length > limit:
            megabytes = limit / (1024 * 1024)
            # (no "Connection: close": a WSGI application may not set hop-by-hop headers)
            return render(
                request, "413.html", {"megabytes": formats.number(megabytes, 0)}, status=413
            )
        query = unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")
        if "\x00" in request.path_info or "\x00" in query:
            return render(request, "400.html", status=400)
        return self.get_response(request)
