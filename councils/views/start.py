"""The user's organisations and the municipalities they may see. (The start page,
"Att göra", is followup.views.today: it reads every app.)"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from councils import access, feeds, panels, selectors
from councils.cache import kept_fragment, key, template_version
from councils.forms import TwoFactorRequiredForm
from councils.http import only, url_maker
from councils.models import Municipality, Organisation
from councils.views import page_view


@require_safe
@login_required
def municipality_list(request: HttpRequest) -> HttpResponse:
    county_code = request.GET.get("county") or None
    rows = selectors.municipality_rows(request.user)
    counties = [
        {"code": code, "name": name}
        for code, name in dict.fromkeys((row[2], row[3]) for row in rows)
    ]
    shown = [
        (name, code, county)
        for name, code, county_of, county in rows
        if county_code is None or county_of == county_code
    ]
    # the table is kept under what it shows (and the language): rows a user may not see
    # change the key, so no user is served another's table; and under the template's
    # source, so a deployed change to it shows at once. Kept, it is shown as it is and
    # its rows are not built (their addresses neither)
    rows_digest = key(
        "municipality-rows:3", template_version("councils/municipality_list.html"), shown
    )[1]
    kept = kept_fragment("municipality-list", rows_digest, get_language())
    municipalities = None
    if kept is None:
        detail = url_maker("municipality-detail")
        municipalities = [
            {"name": name, "code": code, "county": county, "url": detail(code)}
            for name, code, county in shown
        ]
    return render(
        request,
        "councils/municipality_list.html",
        {
            "count": len(shown),
            "municipalities": municipalities,
            "kept_table": kept,
            "rows_digest": rows_digest,
            "counties": counties,
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
        **selectors.areas_of(municipality),
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
