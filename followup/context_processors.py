"""Template context for every page: the number on the start page's badge."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from followup.views.today import badge_key


def today_badge(request: HttpRequest) -> dict:
    """``today_count``: the things to do counted when the user last opened the start page
    (kept in the cache, so no page pays a query for it); nothing before that."""
    counted = getattr(request, "today_count", None)
    if counted is not None:
        return {"today_count": counted}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"today_count": cache.get(badge_key(user.pk))}
