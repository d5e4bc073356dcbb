"""Lägesbild, its sources and priority problems, and the action plan decision.

All of it is internal: reading needs Capability.INTERNAL on the municipality and
changing it Capability.EDIT. Every lookup filters by the municipalities the user
holds that capability on, so another organisation's records answer 404 whatever
the method: ``councils.views.record_view`` looks the record up before it checks the
method.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements import extensions, forms, services
from agreements.models import ActionPlan, PriorityProblem, SituationalPicture, Source
from councils import access, dates, editing
from councils.access import Capability
from councils.concurrency import Conflict
from councils.models import Municipality
from councils.views import by_code, by_pk, record_view

INTERNAL, EDIT = Capability.INTERNAL, Capability.EDIT


# --- lookups: the object or 404 (councils.access) -------------------------------------

PICTURES = SituationalPicture.objects.select_related("municipality", "municipality__county")
SOURCES = Source.objects.select_related("picture", "picture__municipality")
PROBLEMS = PriorityProblem.objects.select_related(
    "picture", "picture__municipality", "vulnerable_area"
)
PLANS = ActionPlan.objects.select_related("municipality", "picture")


def _form_page(request, template: str, context: dict, form, status: int | None = None):
    if status is None:
        status = editing.INVALID if form.errors else 200
    return render(request, template, {**context, "form": form}, status=status)


def _edit_page(request, form, save, template: str, context: dict, message: str, detail: str):
    """The form on GET; on POST ``save(instance, expected_version)`` and go to ``detail``.

    A failed save answers the form with its errors (400), or with the other
    person's values beside the user's (409).
    """
    if request.method != "POST":
        return _form_page(request, template, context, form)
    outcome = editing.submit(form, lambda: save(form.instance, form.expected_version))
    if not outcome.ok:
        return _form_page(request, template, {**context, **outcome.context}, form, outcome.status)
    messages.success(request, message)
    return redirect(detail, pk=outcome.saved.pk)


# --- situational pictures ----------------------------------------------------------


@record_view(by_code(INTERNAL), "GET")
def picture_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    pictures = municipality.situational_pictures.annotate(
        problem_count=Count("problems", distinct=True),
    ).order_by(*SituationalPicture._meta.ordering)  # a GROUP BY query drops Meta.ordering
    return render(
        request,
        "agreements/picture_list.html",
        {
            "municipality": municipality,
            "pictures": pictures,
            "plans": municipality.action_plans.select_related("picture"),
            "can_edit": access.can(request.user, EDIT, municipality),
            "today": dates.today(),
        },
    )


PICTURE_FORM = "agreements/picture_form.html"


def _picture_form(request, municipality, picture: SituationalPicture | None):
    """The form of a new lägesbild (``picture`` None) or of ``picture``, and its saving."""
    form = forms.SituationalPictureForm(
        request.POST or None, instance=picture or SituationalPicture(municipality=municipality)
    )
    return _edit_page(
        request,
        form,
        lambda picture, version: services.situational_picture_save(
            user=request.user,
            picture=picture,
            expected_version=version,
            replace_current=bool(form.cleaned_data.get("replace_current")),
        ),
        PICTURE_FORM,
        {"municipality": municipality, "picture": picture},
        _("The lägesbild has been saved.") if picture else _("The lägesbild has been created."),
        "picture-detail",
    )


@record_view(by_code(EDIT), "GET", "POST")
def picture_create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return _picture_form(request, municipality, None)


def _problem_list_context(picture: SituationalPicture, can_edit: bool) -> dict:
    return {
        "picture": picture,
        "problems": list(picture.problems.select_related("vulnerable_area")),
        "can_edit": can_edit,
    }


@record_view(by_pk(PICTURES, INTERNAL), "GET")
def picture_detail(request: HttpRequest, picture: SituationalPicture) -> HttpResponse:
    can_edit = access.can(request.user, EDIT, picture.municipality_id)
    today = dates.today()
    return render(
        request,
        "agreements/picture_detail.html",
        {
            **_problem_list_context(picture, can_edit),
            "municipality": picture.municipality,
            "sources": list(picture.sources.all()),
            "source_form": forms.SourceForm() if can_edit else None,
            "review_passed": picture.next_review is not None and picture.next_review < today,
            # the one rule of the compliance panel and the county dashboard
            "staleness": picture.staleness(today) if picture.is_current else None,
            "today": today,
            "mapping_extensions": extensions.render_picture_context(request, picture),
            # the one that stops being current if this one is made current
            "current_other": None
            if picture.is_current or not can_edit
            else SituationalPicture.objects.filter(
                municipality_id=picture.municipality_id, is_current=True
            ).first(),
        },
    )


@record_view(by_pk(PICTURES, EDIT), "GET", "POST")
def picture_edit(request: HttpRequest, picture: SituationalPicture) -> HttpResponse:
    return _picture_form(request, picture.municipality, picture)


@record_view(by_pk(PICTURES, EDIT), "POST")
def picture_make_current(request: HttpRequest, picture: SituationalPicture) -> HttpResponse:
    services.situational_picture_make_current(user=request.user, picture=picture)
    messages.success(
        request,
        _("“%(title)s” is now the current lägesbild.") % {"title": picture.title},
    )
    return redirect("picture-detail", pk=picture.pk)


# --- sources -----------------------------------------------------------------------


@record_view(by_pk(PICTURES, EDIT), "GET", "POST")
def source_create(request: HttpRequest, picture: SituationalPicture) -> HttpResponse:
    form = forms.SourceForm(request.POST or None, instance=Source(picture=picture))
    context = {"picture": picture, "municipality": picture.municipality}
    if request.method == "POST" and form.is_valid():
        try:
            services.source_save(user=request.user, source=form.instance)
        except ValidationError as error:
            editing.add_service_errors(form, error)
        else:
            messages.success(request, _("The source has been added."))
            return redirect(reverse("picture-detail", args=[picture.pk]) + "#sources")
    return _form_page(request, "agreements/source_form.html", context, form)


@record_view(by_pk(SOURCES, EDIT), "GET", "POST")
def source_delete(request: HttpRequest, source: Source) -> HttpResponse:
    picture = source.picture
    if request.method == "POST":
        services.source_delete(user=request.user, source=source)
        messages.success(request, _("The source has been removed."))
        return redirect(reverse("picture-detail", args=[picture.pk]) + "#sources")
    return render(
        request,
        "agreements/source_confirm_delete.html",
        {"source": source, "picture": picture, "municipality": picture.municipality},
    )


# --- priority problems -------------------------------------------------------------

PROBLEM_FORM = "agreements/problem_form.html"


def _problem_form(request, picture: SituationalPicture, problem: PriorityProblem | None):
    """The form of a new problem of ``picture`` (``problem`` None) or of ``problem``."""
    form = forms.PriorityProblemForm(
        request.POST or None,
        instance=problem or PriorityProblem(picture=picture),
        municipality=picture.municipality,
    )
    return _edit_page(
        request,
        form,
        lambda problem, version: services.problem_save(
            user=request.user, problem=problem, expected_version=version
        ),
        PROBLEM_FORM,
        {"picture": picture, "municipality": picture.municipality, "problem": problem},
        _("The problem has been saved.") if problem else _("The problem has been added."),
        "problem-detail",
    )


@record_view(by_pk(PICTURES, EDIT), "GET", "POST")
def problem_create(request: HttpRequest, picture: SituationalPicture) -> HttpResponse:
    return _problem_form(request, picture, None)


@record_view(by_pk(PROBLEMS, INTERNAL), "GET")
def problem_detail(request: HttpRequest, problem: PriorityProblem) -> HttpResponse:
    picture = problem.picture
    return render(
        request,
        "agreements/problem_detail.html",
        {
            "problem": problem,
            "picture": picture,
            "municipality": picture.municipality,
            "can_edit": access.can(request.user, EDIT, picture.municipality_id),
        },
    )


@record_view(by_pk(PROBLEMS, EDIT), "GET", "POST")
def problem_edit(request: HttpRequest, problem: PriorityProblem) -> HttpResponse:
    return _problem_form(request, problem.picture, problem)


@record_view(by_pk(PROBLEMS, EDIT), "GET", "POST")
def problem_delete(request: HttpRequest, problem: PriorityProblem) -> HttpResponse:
    picture = problem.picture
    if request.method == "POST":
        try:
            services.problem_delete(
                user=request.user,
                problem=problem,
                expected_version=editing.posted_version(request),
            )
        except Conflict as conflict:
            return render(
                request,
                "agreements/problem_confirm_delete.html",
                {
                    "problem": conflict.current,
                    "picture": picture,
                    "municipality": picture.municipality,
                    "changed": True,
                },
                status=editing.CONFLICT,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("problem-detail", pk=problem.pk)
        messages.success(request, _("The problem has been removed."))
        return redirect(reverse("picture-detail", args=[picture.pk]) + "#problems")
    return render(
        request,
        "agreements/problem_confirm_delete.html",
        {"problem": problem, "picture": picture, "municipality": picture.municipality},
    )


DIRECTIONS = ("up", "down")


@record_view(by_pk(PROBLEMS, EDIT), "POST")
def problem_move(request: HttpRequest, problem: PriorityProblem) -> HttpResponse:
    """One place up or down in the ranking; htmx swaps only the ranked list."""
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        return HttpResponseBadRequest(_("Move a problem up or down."))
    services.problem_move(user=request.user, problem=problem, direction=direction)
    picture = problem.picture
    if request.htmx:
        return render(
            request,
            "agreements/picture_detail.html#problem-list",
            {**_problem_list_context(picture, True), "moved": problem.pk},
        )
    return redirect(reverse("picture-detail", args=[picture.pk]) + "#problems")


# --- action plans ------------------------------------------------------------------

PLAN_FORM = "agreements/action_plan_form.html"


def _plan_form(request, municipality, plan: ActionPlan | None, initial=None):
    """The form of a new action plan (``plan`` None) or of ``plan``, and its saving."""
    form = forms.ActionPlanForm(
        request.POST or None,
        instance=plan or ActionPlan(municipality=municipality),
        initial=initial,
        municipality=municipality,
    )
    return _edit_page(
        request,
        form,
        lambda plan, version: services.action_plan_save(
            user=request.user,
            plan=plan,
            problems=form.cleaned_data["problems"],
            expected_version=version,
        ),
        PLAN_FORM,
        {"municipality": municipality, "plan": plan},
        _("The action plan has been saved.") if plan else _("The action plan has been recorded."),
        "action-plan-detail",
    )


@record_view(by_code(EDIT), "GET", "POST")
def action_plan_create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    current = municipality.situational_pictures.filter(is_current=True).first()
    return _plan_form(
        request, municipality, None, initial={"picture": current.pk if current else None}
    )


@record_view(by_pk(PLANS, INTERNAL), "GET")
def action_plan_detail(request: HttpRequest, plan: ActionPlan) -> HttpResponse:
    return render(
        request,
        "agreements/action_plan_detail.html",
        {
            "plan": plan,
            "municipality": plan.municipality,
            "problems": list(plan.problems.select_related("picture").order_by("rank", "pk")),
            "valid_today": plan.valid_on(dates.today()),
            "can_edit": access.can(request.user, EDIT, plan.municipality_id),
        },
    )


@record_view(by_pk(PLANS, EDIT), "GET", "POST")
def action_plan_edit(request: HttpRequest, plan: ActionPlan) -> HttpResponse:
    return _plan_form(request, plan.municipality, plan)
