"""Response headers that belong to every page."""

from __future__ import annotations

from urllib.parse import unquote_plus

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers


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


class RequestLimitsMiddleware:
    """Requests that no page can answer are refused before anything reads them.

    - A body over ``MAX_REQUEST_BYTES`` (by its Content-Length) gets 413 and is never
      read. Django keeps only the non-file part of a body under
      DATA_UPLOAD_MAX_MEMORY_SIZE; an uploaded file of any size would be streamed to a
      temporary file first and only then refused by its form.
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
        if length > settings.MAX_REQUEST_BYTES:
            megabytes = settings.MAX_REQUEST_BYTES / (1024 * 1024)
            # (no "Connection: close": a WSGI application may not set hop-by-hop headers)
            return render(request, "413.html", {"megabytes": f"{megabytes:.0f}"}, status=413)
        query = unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")
        if "\x00" in request.path_info or "\x00" in query:
            return render(request, "400.html", status=400)
        return self.get_response(request)
