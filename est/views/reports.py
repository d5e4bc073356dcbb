"""Reporting incidents: the report form (phone first), the list of the reports the user
may see, the weekly checklist and the import of a partner's own export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import access, dates, imports
from councils.access import Capability
from councils.models import Organisation
from councils.views import by_code, record_view
from est import importing, selectors, services
from est.forms import ChecklistForm, ImportForm, ReportForm
from est.models import Category, Place, Report
from est.views import delete_page, deleting, form_page

REPORT, PICTURE = Capability.REPORT, Capability.PICTURE


def _organisations(user, municipality):
    mine = services.organisations_for_reporting(user, municipality)
    return Organisation.objects.filter(pk__in=[org.pk for org in mine]).order_by("name")


def _report_form(request: HttpRequest, report: Report) -> ReportForm:
    municipality = report.municipality
    return ReportForm(
        request.POST if request.method == "POST" else None,
        instance=report,
        places=Place.objects.filter(municipality=municipality, active=True)
        | Place.objects.filter(pk=report.place_id or 0),
        categories=services.categories_for(municipality, in_use=True)
        | Category.objects.filter(pk=report.category_id or 0),
        organisations=_organisations(request.user, municipality),
        initial={"occurred_on": dates.today()} if report.pk is None else None,
    )


def _list_url(municipality) -> str:
    return reverse("est-report-list", args=[municipality.code])


def _report_page(request: HttpRequest, report: Report, title: str) -> HttpResponse:
    form = _report_form(request, report)
    municipality = report.municipality

    def save() -> Report:
        for name, value in form.values().items():
            setattr(report, name, value)
        version = form.expected_version if report.pk else None
        return services.report_save(user=request.user, report=report, expected_version=version)

    return form_page(
        request,
        form,
        save=save,
        done=lambda saved: _list_url(municipality),
        template="est/report_form.html",
        instance=report,
        title=title,
        municipality=municipality,
        back_url=_list_url(municipality),
        has_places=form.fields["place"].queryset.exists(),
    )


@record_view(by_code(REPORT), "GET", "POST")
def report_create(request: HttpRequest, municipality: Any) -> HttpResponse:
    if not services.organisations_for_reporting(request.user, municipality):
        raise Http404
    return _report_page(request, Report(municipality=municipality), _("Report an incident"))


@record_view(
    lambda user, pk: access.get_object_or_404(user, selectors.reports_for(user), REPORT, pk=pk),
    "GET",
    "POST",
)
def report_edit(request: HttpRequest, report: Report) -> HttpResponse:
    return _report_page(request, report, _("Change the report"))


@record_view(
    lambda user, pk: access.get_object_or_404(user, selectors.reports_for(user), REPORT, pk=pk),
    "GET",
    "POST",
)
def report_delete(request: HttpRequest, report: Report) -> HttpResponse:
    return delete_page(
        request,
        report,
        delete=deleting(request, services.report_delete, report=report),
        back=_list_url(report.municipality),
        title=_("Delete the report"),
    )


@record_view(by_code(PICTURE), "GET")
def report_list(request: HttpRequest, municipality: Any) -> HttpResponse:
    """The raw reports the user may see: all for the municipality's own and its police,
    their own organisation's for other reporters."""
    if not selectors.sees_reports(request.user, municipality):
        raise Http404
    reports = (
        services.reports_visible_to(request.user, municipality)
        .select_related("place", "category", "organisation")
        .order_by("-occurred_on", "-pk")
    )
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "est/report_list.html",
        {
            "municipality": municipality,
            "page": page,
            "all_reports": services.may_see_all_reports(request.user, municipality),
            "can_report": bool(services.organisations_for_reporting(request.user, municipality)),
        },
    )


# --- the weekly checklist ---------------------------------------------------------------


def _cells(request: HttpRequest, places, categories) -> tuple[dict, list[str]]:
    cells, errors = {}, []
    for place in places:
        for category in categories:
            text = request.POST.get(f"cell-{place.pk}-{category.pk}", "").strip()
            if not text:
                continue
            try:
                value = int(text)
            except ValueError:
                value = -1
            if not 0 <= value <= 10_000:
                errors.append(
                    _("%(place)s, %(category)s: write a whole number from 0 to 10 000.")
                    % {"place": place.name, "category": category.name}
                )
                continue
            cells[(place.pk, category.pk)] = value
    return cells, errors


@record_view(by_code(REPORT), "GET", "POST")
def checklist(request: HttpRequest, municipality: Any) -> HttpResponse:
    """A grid of places × categories for one week, saved at once (all or nothing)."""
    organisations = _organisations(request.user, municipality)
    if not organisations.exists():
        raise Http404
    area = request.GET.get("area", "")[:100]
    places = list(Place.objects.filter(municipality=municipality, active=True))
    areas = sorted({p.area for p in places})
    if area:
        places = [p for p in places if p.area == area]
    categories = list(services.categories_for(municipality, in_use=True).order_by("order", "name"))
    this_week = services.week_of(dates.today())
    week = selectors.parse_week(request.GET.get("week")) or this_week
    data = request.POST if request.method == "POST" else None
    form = ChecklistForm(
        data,
        organisations=organisations,
        initial={"week": selectors.week_value(week)},
    )
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        cells, errors = _cells(request, places, categories)
        if form.is_valid():
            week = selectors.parse_week(form.cleaned_data["week"])
            if week is None:
                form.add_error("week", _("Choose a week."))
        if form.is_valid() and not errors:
            try:
                saved = services.checklist_save(
                    user=request.user,
                    municipality=municipality,
                    organisation=form.cleaned_data["organisation"],
                    week=week,
                    cells=cells,
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("The week's checklist is saved (%(count)d counts).") % {"count": saved},
                )
                return redirect(
                    reverse("est-checklist", args=[municipality.code])
                    + "?week="
                    + selectors.week_value(week)
                )
        status = 400
    organisation = organisations.first()
    if form.is_bound and form.is_valid():
        organisation = form.cleaned_data["organisation"]
    counts = {} if week is None else services.checklist_counts(municipality, organisation, week)
    rows = [
        (
            place,
            [
                (
                    category,
                    f"cell-{place.pk}-{category.pk}",
                    request.POST.get(f"cell-{place.pk}-{category.pk}", "")
                    if data is not None
                    else counts.get((place.pk, category.pk), ""),
                )
                for category in categories
            ],
        )
        for place in places
    ]
    return render(
        request,
        "est/checklist.html",
        {
            "municipality": municipality,
            "form": form,
            "rows": rows,
            "categories": categories,
            "errors": errors,
            "week_label": selectors.week_label(week or this_week),
            "areas": areas,
            "area": area,
        },
        status=status,
    )


# --- the import -----------------------------------------------------------------------


@record_view(by_code(REPORT), "GET", "POST")
def report_import(request: HttpRequest, municipality: Any) -> HttpResponse:
    organisations = _organisations(request.user, municipality)
    if not organisations.exists():
        raise Http404
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        organisations=organisations,
    )

    def run(upload) -> importing.ImportReport:
        return importing.import_reports(
            user=request.user,
            municipality=municipality,
            organisation=form.cleaned_data["organisation"],
            name=upload.name,
            content=upload.read(),
        )

    def done(report, upload) -> HttpResponse:
        messages.success(request, _("%(count)d reports imported.") % {"count": report.saved})
        return redirect(_list_url(municipality))

    return imports.upload_page(
        request,
        form,
        template="est/import.html",
        context={"municipality": municipality, "form": form, "columns": importing.COLUMNS.values()},
        run=run,
        done=done,
    )
