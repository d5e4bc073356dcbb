"""Reads of single sign-on: the enabled providers, which anyone may start a sign-in with
(the login page lists them all); what a sign-in may grant is decided by the provider's
own organisation's rules (``sso.services``), never by who asks."""

from __future__ import annotations

from django.http import Http404

from sso.models import Provider


def providers():
    return Provider.objects.filter(enabled=True).select_related("organisation")


def provider(pk, protocol: str | None = None) -> Provider:
    """The enabled provider ``pk`` (of ``protocol``); 404 for any other."""
    found = providers().filter(pk=pk) if isinstance(pk, int) else providers().none()
    if protocol:
        found = found.filter(protocol=protocol)
    result = found.first()
    if result is None:
        raise Http404
    return result
