"""Template context for every page: the signed-in user's unread notifications, and
whether they review anything (the "Granskning" link)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, new_method_proxy

from councils import access
from councils.access import Capability
from pledges import selectors


class _LazyCount(SimpleLazyObject):
    """A number counted only when a template first uses it, then kept."""

    __int__ = new_method_proxy(int)


def notifications(request: HttpRequest) -> dict:
    """``unread_notifications``: the number of the user's unread notifications.

    One COUNT query, and only when a template uses the value (the page header);
    an htmx fragment that does not show it costs nothing. Nothing for anonymous users.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": _LazyCount(lambda: selectors.unread_notifications(user))}


def review_navigation(request: HttpRequest) -> dict:
    """``reviews_anything``: whether the signed-in user holds REVIEW on any municipality,
    so that "Granskning" shows in the navigation only to those who review. From the
    user's grants (``access.holds_anywhere``), the first time a template asks, then kept
    for the request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "reviews_anything": SimpleLazyObject(lambda: access.holds_anywhere(user, Capability.REVIEW))
    }
