"""Lägesbild, its sources and priority problems, and the action plan decision.

All of it is internal: reading needs Capability.INTERNAL on the municipality and
changing it Capability.EDIT. Every lookup filters by the municipalities the user
holds that capability on, so another organisation's records answer 404 whatever
the method; ``only()`` runs after the lookup for the same reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import forms, services
from agreements.models import ActionPlan, PriorityProblem, SituationalPicture, Source
from councils import access, editing
from councils.access import Capability
from councils.concurrency import Conflict
from councils.http import only
from councils.models import Municipality

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


def _save_versioned(request, form, save, template: str, context: dict):
    """Validate ``form`` and call ``save(instance, expected_version)``.

    Returns the saved object, or the page to answer: the form with its errors
    (400), or with the other person's values beside the user's (409).
    """
    outcome = editing.submit(form, lambda: save(form.instance, form.expected_version))
    if outcome.ok:
        return outcome.saved, None
    return None, _form_page(request, template, {**context, **outcome.context}, form, outcome.status)


# --- situational pictures ----------------------------------------------------------


@login_required
def picture_list(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, INTERNAL)
    if not_allowed := only(request, "GET"):
        return not_allowed
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
            "today": timezone.localdate(),
        },
    )


PICTURE_FORM = "agreements/picture_form.html"


@login_required
def picture_create(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, EDIT)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = forms.SituationalPictureForm(
        request.POST or None, instance=SituationalPicture(municipality=municipality)
    )
    context = {"municipality": municipality, "picture": None}
    if request.method != "POST":
        return _form_page(request, PICTURE_FORM, context, form)
    picture, page = _save_versioned(
        request,
        form,
        lambda picture, version: services.situational_picture_save(
            user=request.user, picture=picture, expected_version=version
        ),
        PICTURE_FORM,
        context,
    )
    if page is not None:
        return page
    messages.success(request, _("The lägesbild has been created."))
    return redirect("picture-detail", pk=picture.pk)


def _problem_list_context(picture: SituationalPicture, can_edit: bool) -> dict:
    return {
        "picture": picture,
        "problems": list(picture.problems.select_related("vulnerable_area")),
        "can_edit": can_edit,
    }


@login_required
def picture_detail(request: HttpRequest, pk: int) -> HttpResponse:
    picture = access.get_object_or_404(request.user, PICTURES, INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    can_edit = access.can(request.user, EDIT, picture.municipality_id)
    today = timezone.localdate()
    return render(
        request,
        "agreements/picture_detail.html",
        {
            **_problem_list_context(picture, can_edit),
            "municipality": picture.municipality,
            "sources": list(picture.sources.all()),
            "source_form": forms.SourceForm() if can_edit else None,
            "review_passed": picture.next_review is not None and picture.next_review < today,
            "today": today,
        },
    )


@login_required
def picture_edit(request: HttpRequest, pk: int) -> HttpResponse:
    picture = access.get_object_or_404(request.user, PICTURES, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = forms.SituationalPictureForm(request.POST or None, instance=picture)
    context = {"municipality": picture.municipality, "picture": picture}
    if request.method != "POST":
        return _form_page(request, PICTURE_FORM, context, form)
    saved, page = _save_versioned(
        request,
        form,
        lambda picture, version: services.situational_picture_save(
            user=request.user, picture=picture, expected_version=version
        ),
        PICTURE_FORM,
        context,
    )
    if page is not None:
        return page
    messages.success(request, _("The lägesbild has been saved."))
    return redirect("picture-detail", pk=saved.pk)


@login_required
def picture_make_current(request: HttpRequest, pk: int) -> HttpResponse:
    picture = access.get_object_or_404(request.user, PICTURES, EDIT, pk=pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    services.situational_picture_make_current(user=request.user, picture=picture)
    messages.success(
        request,
        _("“%(title)s” is now the current lägesbild.") % {"title": picture.title},
    )
    return redirect("picture-detail", pk=picture.pk)


# --- sources -----------------------------------------------------------------------


@login_required
def source_create(request: HttpRequest, pk: int) -> HttpResponse:
    picture = access.get_object_or_404(request.user, PICTURES, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
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


@login_required
def source_delete(request: HttpRequest, pk: int) -> HttpResponse:
    source = access.get_object_or_404(request.user, SOURCES, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
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


def _save_problem(request):
    return lambda problem, version: services.problem_save(
        user=request.user, problem=problem, expected_version=version
    )


@login_required
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    picture = access.get_object_or_404(request.user, PICTURES, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = forms.PriorityProblemForm(
        request.POST or None,
        instance=PriorityProblem(picture=picture),
        municipality=picture.municipality,
    )
    context = {"picture": picture, "municipality": picture.municipality, "problem": None}
    if request.method != "POST":
        return _form_page(request, PROBLEM_FORM, context, form)
    problem, page = _save_versioned(request, form, _save_problem(request), PROBLEM_FORM, context)
    if page is not None:
        return page
    messages.success(request, _("The problem has been added."))
    return redirect("problem-detail", pk=problem.pk)


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = access.get_object_or_404(request.user, PROBLEMS, INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
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


@login_required
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = access.get_object_or_404(request.user, PROBLEMS, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    picture = problem.picture
    form = forms.PriorityProblemForm(
        request.POST or None, instance=problem, municipality=picture.municipality
    )
    context = {"picture": picture, "municipality": picture.municipality, "problem": problem}
    if request.method != "POST":
        return _form_page(request, PROBLEM_FORM, context, form)
    saved, page = _save_versioned(request, form, _save_problem(request), PROBLEM_FORM, context)
    if page is not None:
        return page
    messages.success(request, _("The problem has been saved."))
    return redirect("problem-detail", pk=saved.pk)


@login_required
def problem_delete(request: HttpRequest, pk: int) -> HttpResponse:
    problem = access.get_object_or_404(request.user, PROBLEMS, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
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


@login_required
def problem_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One place up or down in the ranking; htmx swaps only the ranked list."""
    problem = access.get_object_or_404(request.user, PROBLEMS, EDIT, pk=pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
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


def _save_plan(request, form):
    return lambda plan, version: services.action_plan_save(
        user=request.user,
        plan=plan,
        problems=form.cleaned_data["problems"],
        expected_version=version,
    )


@login_required
def action_plan_create(request: HttpRequest, code: str) -> HttpResponse:
    municipality: Municipality = access.get_municipality_or_404(request.user, code, EDIT)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    current = municipality.situational_pictures.filter(is_current=True).first()
    form = forms.ActionPlanForm(
        request.POST or None,
        instance=ActionPlan(municipality=municipality),
        initial={"picture": current.pk if current else None},
        municipality=municipality,
    )
    context = {"municipality": municipality, "plan": None}
    if request.method != "POST":
        return _form_page(request, PLAN_FORM, context, form)
    plan, page = _save_versioned(request, form, _save_plan(request, form), PLAN_FORM, context)
    if page is not None:
        return page
    messages.success(request, _("The action plan has been recorded."))
    return redirect("action-plan-detail", pk=plan.pk)


@login_required
def action_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_object_or_404(request.user, PLANS, INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "agreements/action_plan_detail.html",
        {
            "plan": plan,
            "municipality": plan.municipality,
            "problems": list(plan.problems.select_related("picture").order_by("rank", "pk")),
            "valid_today": plan.valid_on(timezone.localdate()),
            "can_edit": access.can(request.user, EDIT, plan.municipality_id),
        },
    )


@login_required
def action_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_object_or_404(request.user, PLANS, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    municipality = plan.municipality
    form = forms.ActionPlanForm(request.POST or None, instance=plan, municipality=municipality)
    context = {"municipality": municipality, "plan": plan}
    if request.method != "POST":
        return _form_page(request, PLAN_FORM, context, form)
    saved, page = _save_versioned(request, form, _save_plan(request, form), PLAN_FORM, context)
    if page is not None:
        return page
    messages.success(request, _("The action plan has been saved."))
    return redirect("action-plan-detail", pk=saved.pk)
