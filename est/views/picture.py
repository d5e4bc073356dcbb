"""The weekly picture (counts only, for everyone who holds PICTURE), its export and
map, and the municipality's places and categories (kept by its coordinators)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import access, charts, editing, exports
from councils.access import Capability
from councils.concurrency import Conflict
from councils.views import by_code, by_pk, record_view
from est import selectors, services
from est.forms import CategoryForm, PlaceForm
from est.models import Category, Place
from est.views import delete_page, deleting, form_page

PICTURE, EDIT, REPORT = Capability.PICTURE, Capability.EDIT, Capability.REPORT
PLACES = Place.objects.select_related("municipality")
#: the municipality's own categories (EST's shared ones have no municipality)
CATEGORIES = Category.objects.select_related("municipality")


def _map_points(municipality, rows) -> list[dict]:
    counts = {place.pk: total for place, _cells, total, _hot in rows}
    return [
        {
            "name": str(place),
            "lat": float(place.latitude),
            "lon": float(place.longitude),
            "count": counts.get(place.pk, 0),
        }
        for place in Place.objects.filter(municipality=municipality, latitude__isnull=False)
    ]


@record_view(by_code(PICTURE), "GET")
def picture_page(request: HttpRequest, municipality: Any) -> HttpResponse:
    filters = selectors.filters_from(request.GET, municipality)
    data = selectors.picture(municipality, filters)
    rows = data.place_rows()
    weeks = [(week, selectors.week_label(week), data.by_week.get(week, 0)) for week in data.weeks]
    context = {
        "municipality": municipality,
        "picture": data,
        "filters": filters,
        "week_input": selectors.week_value(filters.week),
        "week_label": selectors.week_label(filters.week),
        "weeks": weeks,
        "rows": rows,
        "week_chart": charts.bar_svg(
            [(str(i), label, n) for i, (_w, label, n) in enumerate(weeks)],
            title=_("Incidents per week"),
        ),
        "category_chart": charts.bar_svg(
            [(str(pk), name, n) for pk, name, n, _cost in data.by_category],
            title=_("Incidents per category"),
        ),
        "area_chart": charts.bar_svg(
            [(str(i), area, n) for i, (area, n, _cost) in enumerate(data.by_area)],
            title=_("Incidents per area"),
        ),
        "query": request.GET.urlencode(),
        "can_report": access.can(request.user, REPORT, municipality),
        "can_edit": access.can(request.user, EDIT, municipality),
        "sees_reports": selectors.sees_reports(request.user, municipality),
        "map_tile_url": settings.MAP_TILE_URL,
    }
    if settings.MAP_TILE_URL:
        context["map"] = {
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "points": _map_points(municipality, rows),
        }
    return render(request, "est/picture.html", context)


@record_view(by_code(PICTURE), "GET")
def picture_export(request: HttpRequest, municipality: Any) -> HttpResponse:
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.SPREADSHEETS:
        fmt = "csv"
    filters = selectors.filters_from(request.GET, municipality)
    headers = [
        _("Week (Monday)"),
        _("ISO week"),
        _("Area"),
        _("Place"),
        _("Vulnerable area"),
        _("Category"),
        _("Incidents"),
        _("Estimated cost (kr)"),
    ]
    return exports.response(
        fmt,
        headers,
        selectors.export_rows(municipality, filters),
        filename=exports.filename("est", municipality.name, filters.week.isoformat()),
    )


# --- places and categories ----------------------------------------------------------


@record_view(by_code(PICTURE), "GET")
def place_list(request: HttpRequest, municipality: Any) -> HttpResponse:
    places = Place.objects.filter(municipality=municipality)
    return render(
        request,
        "est/place_list.html",
        {
            "municipality": municipality,
            "places": places,
            "can_edit": access.can(request.user, EDIT, municipality),
        },
    )


def _place_page(request: HttpRequest, place: Place, title: str) -> HttpResponse:
    form = PlaceForm(request.POST if request.method == "POST" else None, instance=place)
    back = reverse("est-place-list", args=[place.municipality.code])

    def save() -> Place:
        version = form.expected_version if place.pk else None
        return services.place_save(
            user=request.user, place=form.save(commit=False), expected_version=version
        )

    return form_page(
        request,
        form,
        save=save,
        done=lambda saved: back,
        instance=place,
        title=title,
        lead=place.municipality.name,
        back_url=back,
    )


@record_view(by_code(EDIT), "GET", "POST")
def place_create(request: HttpRequest, municipality: Any) -> HttpResponse:
    return _place_page(request, Place(municipality=municipality), _("New place"))


@record_view(by_pk(PLACES, EDIT), "GET", "POST")
def place_edit(request: HttpRequest, place: Place) -> HttpResponse:
    return _place_page(request, place, _("Change the place"))


@record_view(by_pk(PLACES, EDIT), "GET", "POST")
def place_delete(request: HttpRequest, place: Place) -> HttpResponse:
    """A place nothing is counted at is deleted; one with reports or counts is kept, and
    the page offers to mark it as not in use."""
    more = {}
    if services.place_counted(place):
        more = {"blocked": services.PLACE_KEPT, "instead": "est/_place_instead.html"}
    elif place.measures.exists():
        more = {"consequence": _("Measures decided for the place keep their text, without it.")}
    return delete_page(
        request,
        place,
        delete=deleting(request, services.place_delete, place=place),
        back=reverse("est-place-list", args=[place.municipality.code]),
        title=_("Delete the place"),
        **more,
    )


def _category_list_url(category: Category) -> str:
    return reverse("est-category-list", args=[category.municipality.code])


@record_view(by_pk(CATEGORIES, EDIT), "GET", "POST")
def category_delete(request: HttpRequest, category: Category) -> HttpResponse:
    """One of the municipality's own categories nothing is counted in is deleted; one
    with reports or counts is kept, and the page offers to take it out of use."""
    more = {}
    if services.category_counted(category):
        more = {"blocked": services.CATEGORY_KEPT, "instead": "est/_category_instead.html"}
    return delete_page(
        request,
        category,
        delete=deleting(request, services.category_delete, category=category),
        back=_category_list_url(category),
        title=_("Delete the category"),
        **more,
    )


@record_view(by_pk(CATEGORIES, EDIT), "POST")
def category_in_use(request: HttpRequest, category: Category) -> HttpResponse:
    """Take one of the municipality's own categories out of use, or into use again, at
    the version the page showed (a stale one answers 409 and changes nothing)."""
    in_use = request.POST.get("in_use") == "1"
    try:
        services.category_set_in_use(
            user=request.user,
            category=category,
            in_use=in_use,
            expected_version=editing.posted_version(request),
        )
    except Conflict as conflict:
        return _category_page(request, category.municipality, status=409, changed=conflict)
    if in_use:
        messages.success(request, _("The category is in use again."))
    else:
        messages.success(request, _("The category is no longer in use. Its counts stay."))
    return redirect(_category_list_url(category))


def _category_page(
    request: HttpRequest, municipality: Any, *, form=None, status=200, changed=None
) -> HttpResponse:
    return render(
        request,
        "est/category_list.html",
        {
            "municipality": municipality,
            "categories": services.categories_for(municipality).order_by("order", "name"),
            "form": form or CategoryForm(),
            "changed": changed,
        },
        status=status,
    )


@record_view(by_code(EDIT), "GET", "POST")
def category_list(request: HttpRequest, municipality: Any) -> HttpResponse:
    form = CategoryForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        outcome = editing.submit(
            form,
            lambda: services.category_add(
                user=request.user, municipality=municipality, name=form.cleaned_data["name"]
            ),
        )
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect(reverse("est-category-list", args=[municipality.code]))
        status = outcome.status
    return _category_page(request, municipality, form=form, status=status)
