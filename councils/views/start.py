"""The user's organisations and the municipalities they may see. (The start page,
"Att göra", is followup.views.today: it reads every app.)"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from councils import access, feeds, panels, selectors
from councils.cache import key, template_version
from councils.forms import TwoFactorRequiredForm
from councils.http import only, url_maker
from councils.models import County, Municipality, Organisation
from councils.views import page_view


@require_safe
@login_required
def municipality_list(request: HttpRequest) -> HttpResponse:
    county_code = request.GET.get("county") or None
    detail = url_maker("municipality-detail")
    municipalities = [  # plain rows: the list may hold all 290
        {"name": name, "code": code, "county": county, "url": detail(code)}
        for name, code, county in selectors.municipalities_list(
            request.user, county_code=county_code
        ).values_list("name", "code", "county__name")
    ]
    # the table is cached under what it shows (and the language, in the template): rows
    # a user may not see change the key, so no user is served another's table; and under
    # the template's source, so a deployed change to it shows at once
    rows_digest = key(
        "municipality-rows:2",
        template_version("councils/municipality_list.html"),
        json.dumps(municipalities),
    )[1]
    visible_counties = County.objects.filter(
        municipalities__in=access.municipalities_for(request.user)
    ).distinct()
    return render(
        request,
        "councils/municipality_list.html",
        {
            "municipalities": municipalities,
            "rows_digest": rows_digest,
            "counties": visible_counties,
            "county_code": county_code,
        },
    )


@page_view(selectors.municipality_detail, "councils/municipality_detail.html")
def municipality_detail(request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
    return {
        "municipality": municipality,
        "row": selectors.MunicipalityRow(
            municipality, access.capabilities(request.user, municipality)
        ),
        "panels": panels.render_context(request, municipality),
    }


@require_safe
@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    """The account page: the user's organisations and roles, and their calendar address."""
    feed = feeds.open_feed(request.user)
    return render(
        request,
        "councils/my_organisations.html",
        {
            "memberships": selectors.memberships_of(request.user),
            "calendar_url": feed
            and request.build_absolute_uri(reverse("calendar-feed", args=[feed.token])),
        },
    )


@login_required
def calendar_feed_renew(request: HttpRequest) -> HttpResponse:
    """ "Skapa ny adress": a new secret calendar address; the old one stops answering."""
    if not_allowed := only(request, "POST"):
        return not_allowed
    feeds.calendar_feed_renew(user=request.user)
    messages.success(request, _("Your new calendar address is ready. The old one no longer works."))
    return redirect(reverse("my-organisations") + "#calendar")


@login_required
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    """ "Stäng av": the calendar address stops answering."""
    if not_allowed := only(request, "POST"):
        return not_allowed
    if feeds.calendar_feed_revoke(user=request.user):
        messages.success(request, _("Your calendar address is turned off."))
    return redirect(reverse("my-organisations") + "#calendar")


@page_view(access.get_organisation_or_404, "councils/organisation_detail.html")
def organisation_detail(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "members": selectors.organisation_members(organisation),
        "show_contacts": access.can_manage_members(request.user, organisation),
        "two_factor_form": TwoFactorRequiredForm(
            initial={"required": organisation.two_factor_required}
        ),
    }
