"""Follow-up views: indicators (definitions, values and trends), imports, goal links."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.models import Goal
from councils import access, imports
from councils.access import Capability
from councils.http import only
from followup import indicators
from followup.charts import trend_svg
from followup.forms_indicators import GoalIndicatorForm, IndicatorImportForm
from followup.models import GoalIndicator, Indicator, IndicatorValue

#: a goal as its indicator page shows it (looked up through councils.access)
GOALS = Goal.objects.select_related("agreement", "agreement__municipality")


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    """The definitions: not secret, so every signed-in user sees them all."""
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "followup/indicator_list.html",
        {
            "indicators": list(Indicator.objects.order_by("name")),
            "may_import": access.administers(request.user),
        },
    )


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The definition, and its values in the municipalities the user may read."""
    indicator = Indicator.objects.filter(pk=pk).first()
    if indicator is None:
        raise Http404
    if not_allowed := only(request, "GET"):
        return not_allowed
    values = list(
        access.filter_visible(
            IndicatorValue.objects.filter(indicator=indicator), request.user, Capability.READ
        )
        .select_related("municipality")
        .order_by("municipality__name", "area", "gender", "year")
    )
    grouped: dict[tuple, list[IndicatorValue]] = defaultdict(list)
    for value in values:
        grouped[(value.municipality, value.area, value.gender)].append(value)
    genders = dict(IndicatorValue.Gender.choices)
    series = []
    for (municipality, area, gender), rows in grouped.items():
        label = ", ".join(filter(None, [municipality.name, area, str(genders.get(gender, ""))]))
        series.append(
            {
                "municipality": municipality,
                "area": area,
                "gender": gender,
                "label": label,
                "values": rows,
                "chart": trend_svg(
                    [(v.year, v.value) for v in rows],
                    title=f"{indicator.name}: {label}",
                    unit=indicator.unit,
                ),
            }
        )
    return render(
        request,
        "followup/indicator_detail.html",
        {"indicator": indicator, "series": series},
    )


@login_required
def indicator_import(request: HttpRequest) -> HttpResponse:
    """CSV or Kolada JSON, every row or none: staff only (others get 404)."""
    if not access.administers(request.user):
        raise Http404
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = IndicatorImportForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "headers": indicators.csv_headers(),
        "max_rows": indicators.MAX_ROWS,
    }

    def run(upload):
        importer = (
            indicators.import_csv
            if form.cleaned_data["kind"] == IndicatorImportForm.Kind.CSV
            else indicators.import_kolada
        )
        return importer(user=request.user, name=upload.name, content=upload.read())

    def done(report, upload):
        messages.success(
            request,
            ngettext(
                "%(count)d value has been saved from %(name)s.",
                "%(count)d values have been saved from %(name)s.",
                report.saved,
            )
            % {"count": report.saved, "name": upload.name},
        )
        if report.goals_updated:
            messages.info(
                request,
                ngettext(
                    "The latest result of %(count)d goal has been updated.",
                    "The latest result of %(count)d goals has been updated.",
                    report.goals_updated,
                )
                % {"count": report.goals_updated},
            )
        return redirect("indicator-list")

    return imports.upload_page(
        request,
        form,
        template="followup/indicator_import.html",
        context=context,
        run=run,
        done=done,
    )


@login_required
def goal_indicator(request: HttpRequest, pk: int) -> HttpResponse:
    """Which indicator measures a goal. Allowed on signed agreements too: the link and
    the latest result are not part of the signed content."""
    goal = access.get_object_or_404(request.user, GOALS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    link = GoalIndicator.objects.filter(goal=goal).first()
    initial = (
        {"indicator": link.indicator_id, "area": link.area, "gender": link.gender} if link else {}
    )
    form = GoalIndicatorForm(request.POST or None, initial=initial)
    back = reverse("agreement-detail", args=[goal.agreement_id]) + "#goal-progress"
    if request.method == "POST" and form.is_valid():
        indicators.goal_indicator_set(user=request.user, goal=goal, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(back)
    return render(
        request,
        "followup/indicator_goal.html",
        {"goal": goal, "agreement": goal.agreement, "form": form, "back": back},
        status=400 if form.errors else 200,
    )
