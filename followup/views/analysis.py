"""The county board's own analysis for the county summary: an introduction per county
and year, and a comment per municipality. Only the county officers of the county's
board open these pages (``access.get_analysis_county_or_404``); everyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from councils import access, dates, editing
from councils.http import only
from councils.models import County, Municipality
from followup import analysis as service
from followup import county_summary
from followup.forms import CountyAnalysisForm, MunicipalityCommentForm


def _county_and_year(request: HttpRequest, code: str, year: int) -> County:
    county = access.get_analysis_county_or_404(request.user, code)
    if year not in county_summary.years(dates.today()):
        raise Http404
    return county


def _page(request, template: str, context: dict, status: int) -> HttpResponse:
    return render(request, template, context, status=status)


@login_required
def county_analysis(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The introduction (GET: the form; POST: save it) and the municipalities with
    their comments."""
    county = _county_and_year(request, code, year)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    analysis = service.analysis_of(county, year)
    form = CountyAnalysisForm(request.POST or None, instance=analysis)
    context = {"county": county, "year": year, "analysis": analysis, "form": form}
    if request.method == "POST":
        outcome = editing.submit(
            form,
            lambda: service.county_analysis_save(
                user=request.user, analysis=form.instance, expected_version=form.expected_version
            ),
        )
        if outcome.ok:
            messages.success(request, _("The introduction is saved."))
            return redirect("county-analysis", code=county.code, year=year)
        context.update(outcome.context)
        status = outcome.status
    else:
        status = 200
    comments = service.comments_of(analysis)
    context["municipalities"] = [
        (m, comments.get(m.pk)) for m in county.municipalities.order_by("name", "code")
    ]
    return _page(request, "followup/county_analysis.html", context, status)


@login_required
def municipality_comment(
    request: HttpRequest, code: str, year: int, municipality: str
) -> HttpResponse:
    county = _county_and_year(request, code, year)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    place: Municipality | None = county.municipalities.filter(code=municipality).first()
    if place is None:
        raise Http404
    comment = service.comment_of(service.analysis_of(county, year), place)
    form = MunicipalityCommentForm(request.POST or None, instance=comment)
    context = {"county": county, "year": year, "municipality": place, "form": form}
    if request.method != "POST":
        return _page(request, "followup/municipality_comment.html", context, 200)
    outcome = editing.submit(
        form,
        lambda: service.municipality_comment_save(
            user=request.user, comment=form.instance, expected_version=form.expected_version
        ),
    )
    if not outcome.ok:
        context.update(outcome.context)
        return _page(request, "followup/municipality_comment.html", context, outcome.status)
    messages.success(
        request, _("The comment on %(municipality)s is saved.") % {"municipality": place.name}
    )
    return redirect("county-analysis", code=county.code, year=year)
