"""Response headers that belong to every page."""

from __future__ import annotations

from django.conf import settings
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
