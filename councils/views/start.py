"""The start page, the user's organisations and the municipalities they may see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from councils import access, panels, selectors
from councils.forms import TwoFactorRequiredForm
from councils.models import County, Municipality, Organisation
from councils.views import page_view


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "councils/home.html",
        {
            "memberships": selectors.memberships_of(request.user),
            "rows": selectors.my_municipalities(request.user),
            "reads_everywhere": access.reads_everywhere(request.user),
        },
    )


@require_safe
@login_required
def municipality_list(request: HttpRequest) -> HttpResponse:
    county_code = request.GET.get("county") or None
    municipalities = selectors.municipalities_list(request.user, county_code=county_code)
    visible_counties = County.objects.filter(
        municipalities__in=access.municipalities_for(request.user)
    ).distinct()
    return render(
        request,
        "councils/municipality_list.html",
        {
            "municipalities": municipalities,
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
    return render(
        request,
        "councils/my_organisations.html",
        {"memberships": selectors.memberships_of(request.user)},
    )


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
