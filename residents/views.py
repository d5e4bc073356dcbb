"""The residents' pages of following a municipality: for everyone, no login.

Asking to follow answers with the same page whatever the address (see
``residents.services``); a client that asks too often is told to wait (429), an
address asked for too often gets the same page and no e-mail. The confirmation and
the unsubscribe links show a page with a button (a mail program that opens links
confirms or unsubscribes nothing); the unsubscribe POST is also the one-click
unsubscribe of RFC 8058, which mail programs send without a CSRF token, so that view
alone is exempt from CSRF (it only ever removes, and removing twice is nothing).
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from pledges import selectors
from residents import events, services, throttle
from residents.forms import FollowForm


def _municipality(code: str) -> tuple[selectors.PublicMunicipality, int]:
    """The public municipality (404 for a code that is none) and its id."""
    public, _pledges = selectors.public_municipality(code)
    return public, events.municipality_id(code)


@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest, code: str) -> HttpResponse:
    municipality, municipality_id = _municipality(code)
    form = FollowForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not throttle.client_allowed(request):
            return render(
                request, "residents/too_many.html", {"municipality": municipality}, status=429
            )
        if form.is_valid():
            address = form.cleaned_data["email"]
            if throttle.address_allowed(address):
                services.ask_to_follow(municipality_id, address)
            return redirect("resident-follow-sent", code=code)
        status = 400
    return render(
        request,
        "residents/follow.html",
        {"municipality": municipality, "form": form},
        status=status,
    )


@require_safe
def follow_sent(request: HttpRequest, code: str) -> HttpResponse:
    municipality, _row = _municipality(code)
    return render(request, "residents/follow_sent.html", {"municipality": municipality})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    follower = services.pending_for(token)
    if follower is None:
        return render(request, "residents/link_invalid.html", status=400)
    if request.method == "POST":
        services.confirm(follower)
        return render(request, "residents/confirmed.html", {"follower": follower})
    return render(request, "residents/confirm.html", {"follower": follower})


@csrf_exempt  # the one-click unsubscribe (RFC 8058): mail programs post without a token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    follower = services.follower_for(token)
    if follower is None:
        return render(request, "residents/link_invalid.html", status=400)
    if request.method == "POST":
        services.unsubscribe(follower)
        return render(request, "residents/unsubscribed.html", {"follower": follower})
    return render(request, "residents/unsubscribe.html", {"follower": follower})


@require_safe
@cache_control(private=True, max_age=3600)
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "residents/privacy.html", {"days": services.UNCONFIRMED_DAYS})


class MunicipalityFeed(Feed):
    """The public events of a municipality as Atom: only what the public pages show."""

    feed_type = Atom1Feed

    def get_object(self, request, code):
        return _municipality(code)

    def title(self, obj):
        return _("Citizen pledges of %(name)s") % {"name": obj[0].name}

    def subtitle(self, obj):
        return _("Published citizen pledges, new versions and follow-ups of %(name)s.") % {
            "name": obj[0].official_name
        }

    def link(self, obj):
        return reverse("public-municipality", args=[obj[0].code])

    def items(self, obj):
        return events.public_events(municipality_id=obj[1], limit=events.FEED_ENTRIES)

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.kind_label

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return item.key

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.occurred_at

    def item_updateddate(self, item):
        return item.occurred_at


feed = cache_control(public=True, max_age=900)(require_safe(MunicipalityFeed()))
