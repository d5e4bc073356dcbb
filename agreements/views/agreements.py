"""Cooperation agreements: sections edited in place, signing, versions and renewal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from agreements import extensions, forms, services
from agreements.models import PHASE_LABELS, Agreement, FocusArea, Goal, SharedAgreement
from councils import access, editing, signing
from councils.access import Capability
from councils.concurrency import Conflict
from councils.http import only
from councils.sections import Section, section_view
from councils.views.signing import sign_page

VISIBLE_TO_READERS = Agreement.VISIBLE_TO_READERS


# --- lookups: the object or 404 (councils.access) -------------------------------------

#: an agreement as its pages show it
AGREEMENTS = Agreement.objects.select_related("municipality", "municipality__county", "predecessor")
FOCUS_AREAS = FocusArea.objects.select_related("agreement", "agreement__municipality")
GOALS = Goal.objects.select_related("agreement", "agreement__municipality")
#: a version of an agreement as it was shared for signature
SHARED = SharedAgreement.objects.select_related("agreement", "agreement__municipality")


def _readable_agreement(user, pk: int) -> Agreement:
    """Signed agreements are read by everyone with READ; drafts only with INTERNAL."""
    agreement = access.get_object_or_404(user, AGREEMENTS, Capability.READ, pk=pk)
    if agreement.status not in VISIBLE_TO_READERS and not access.can(
        user, Capability.INTERNAL, agreement.municipality_id
    ):
        raise Http404
    return agreement


def _messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- list and create --------------------------------------------------------------


@login_required
def agreement_list(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, Capability.READ)
    if not_allowed := only(request, "GET"):
        return not_allowed
    agreements = municipality.agreements.prefetch_related("police_areas")
    internal = access.can(request.user, Capability.INTERNAL, municipality)
    if not internal:
        agreements = agreements.filter(status__in=VISIBLE_TO_READERS)
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "municipality": municipality,
            "agreements": [(a, PHASE_LABELS[a.phase()]) for a in agreements],
            "can_edit": access.can(request.user, Capability.EDIT, municipality),
        },
    )


@login_required
def agreement_create(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, Capability.EDIT)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = forms.AgreementCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agreement = services.agreement_create(
            user=request.user, municipality=municipality, **form.cleaned_data
        )
        messages.success(request, _("The draft agreement has been created."))
        return redirect("agreement-detail", pk=agreement.pk)
    return render(
        request,
        "agreements/agreement_create.html",
        {"municipality": municipality, "form": form},
        status=400 if form.errors else 200,
    )


# --- the agreement page and its sections -------------------------------------------

#: the sections of the agreement edited in place
SECTIONS = {
    "basics": Section(_lazy("Parties and period"), forms.AgreementBasicsForm),
    "problems": Section(_lazy("Problems in focus"), forms.AgreementProblemsForm),
    "follow-up": Section(_lazy("Documentation and follow-up"), forms.AgreementFollowUpForm),
    "signatories": Section(_lazy("Signatories"), forms.AgreementSignatoriesForm),
}


def _detail_context(request, agreement: Agreement) -> dict:
    user = request.user
    internal = access.can(user, Capability.INTERNAL, agreement.municipality_id)
    can_edit = access.can(user, Capability.EDIT, agreement.municipality_id)
    may_sign = {party: services.may_sign(user, agreement, party) for party in services.PARTIES}
    context = {
        "agreement": agreement,
        "municipality": agreement.municipality,
        "phase": agreement.phase(),
        "phase_label": PHASE_LABELS[agreement.phase()],
        "internal": internal,
        "can_edit": can_edit,
        "editable": can_edit and agreement.editable,
        "may_sign": may_sign,
        "signatures": signing.signatures(agreement, may_sign, "agreement-sign"),
        "successor": Agreement.objects.filter(predecessor=agreement).first(),
    }
    if agreement.signed_snapshot:
        context["snapshot"] = agreement.signed_snapshot
    else:
        context.update(
            {
                "police_areas": list(agreement.police_areas.all()),
                "problems": list(agreement.problems.select_related("picture").order_by("rank")),
                "focus_areas": list(agreement.focus_areas.all()),
                "goals": list(agreement.goals.select_related("focus_area")),
                "missing": services.agreement_missing_for_signature(agreement)
                if agreement.status == Agreement.Status.DRAFT
                else [],
                "renewal_notices": services.renewal_notices(agreement)
                if internal and agreement.status == Agreement.Status.DRAFT
                else [],
            }
        )
    if internal:
        context["shared_versions"] = list(agreement.shared_versions.all())
        context["comments"] = list(agreement.comments.select_related("author"))
        context["comment_form"] = forms.CommentForm()
        context["may_comment"] = can_edit or context["may_sign"]["police"]
    return context


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _readable_agreement(request.user, pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    context = _detail_context(request, agreement)
    context["extensions"] = extensions.render_context(request, agreement)
    return render(request, "agreements/agreement_detail.html", context)


@login_required
def agreement_shared_version(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement exactly as it was sent for signature (a possible official record,
    ``councils.sharing``): never from the agreement's live data."""
    shared = access.get_object_or_404(request.user, SHARED, Capability.INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    agreement = shared.agreement
    return render(
        request,
        "agreements/shared_version.html",
        {
            "shared": shared,
            "agreement": agreement,
            "municipality": agreement.municipality,
            "snapshot": shared.snapshot,
            "extensions": extensions.SHARED_PAGE.render_context(request, shared),
        },
    )


@login_required
def agreement_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """One section: shown (htmx ?display=1), edited (GET) or saved (POST).

    With htmx only the section swaps; without JavaScript the form is a page of its
    own and saving returns to the agreement.
    """
    agreement = access.get_object_or_404(request.user, AGREEMENTS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed

    def locked() -> HttpResponse:
        messages.error(request, _("Only a draft agreement can be changed."))
        return redirect("agreement-detail", pk=agreement.pk)

    return section_view(
        request,
        agreement,
        section,
        SECTIONS,
        page="agreements/agreement_detail.html",
        url_name="agreement-section",
        detail_url=reverse("agreement-detail", args=[pk]),
        context=lambda obj, saved=False: _detail_context(request, obj),
        save=lambda form: services.agreement_save(
            user=request.user,
            agreement=form.instance,
            expected_version=form.expected_version,
            m2m={
                field.name: form.cleaned_data[field.name]
                for field in Agreement._meta.many_to_many
                if field.name in form.fields
            },
        ),
        fresh=lambda: access.get_object_or_404(request.user, AGREEMENTS, Capability.EDIT, pk=pk),
        locked=locked,
    )


# --- focus areas and goals ---------------------------------------------------------


def _item_page(request, agreement, form, *, title: str, status: int = 200, **extra):
    return render(
        request,
        "agreements/agreement_item_form.html",
        {"agreement": agreement, "form": form, "title": title, **extra},
        status=status,
    )


def _item_edit(request, pk, agreement_pk, *, queryset, model, form_class, save, title, anchor):
    """A focus area or goal: changed (``pk``) or new under the agreement ``agreement_pk``.

    ``save(item, expected_version)`` stores it; the page answers 400 or 409 when it fails.
    """
    if pk is not None:
        item = access.get_object_or_404(request.user, queryset, Capability.EDIT, pk=pk)
        agreement = item.agreement
    else:
        agreement = access.get_object_or_404(
            request.user, AGREEMENTS, Capability.EDIT, pk=agreement_pk
        )
        item = model(agreement=agreement)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = form_class(request.POST or None, instance=item)
    if request.method == "POST":
        outcome = editing.submit(form, lambda: save(form.instance, form.expected_version))
        if outcome.ok:
            return redirect(reverse("agreement-detail", args=[agreement.pk]) + anchor)
        return _item_page(
            request, agreement, form, title=title, status=outcome.status, **outcome.context
        )
    return _item_page(request, agreement, form, title=title)


@login_required
def focus_area_edit(request: HttpRequest, pk: int | None = None, agreement_pk: int | None = None):
    return _item_edit(
        request,
        pk,
        agreement_pk,
        queryset=FOCUS_AREAS,
        model=FocusArea,
        form_class=forms.FocusAreaForm,
        save=lambda focus_area, version: services.focus_area_save(
            user=request.user, focus_area=focus_area, expected_version=version
        ),
        title=_("Change focus area") if pk else _("New focus area"),
        anchor="#section-focus-areas",
    )


@login_required
def goal_edit(request: HttpRequest, pk: int | None = None, agreement_pk: int | None = None):
    return _item_edit(
        request,
        pk,
        agreement_pk,
        queryset=GOALS,
        model=Goal,
        form_class=forms.GoalForm,
        save=lambda goal, version: services.goal_save(
            user=request.user, goal=goal, expected_version=version
        ),
        title=_("Change goal") if pk else _("New goal"),
        anchor="#section-goals",
    )


def _delete(request, obj, *, service, what: str, anchor: str):
    """GET asks for confirmation; POST removes, at the version the page showed (409 with
    the stored record when someone changed it since)."""
    agreement = obj.agreement
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    if request.method == "POST":
        try:
            service(
                user=request.user, expected_version=editing.posted_version(request), **{what: obj}
            )
        except Conflict as conflict:
            return render(
                request,
                "agreements/agreement_item_delete.html",
                {"agreement": agreement, "object": conflict.current, "changed": True},
                status=editing.CONFLICT,
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Removed: %(name)s") % {"name": obj})
        return redirect(reverse("agreement-detail", args=[agreement.pk]) + anchor)
    return render(
        request, "agreements/agreement_item_delete.html", {"agreement": agreement, "object": obj}
    )


@login_required
def focus_area_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(
        request,
        access.get_object_or_404(request.user, FOCUS_AREAS, Capability.EDIT, pk=pk),
        service=services.focus_area_delete,
        what="focus_area",
        anchor="#section-focus-areas",
    )


@login_required
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(
        request,
        access.get_object_or_404(request.user, GOALS, Capability.EDIT, pk=pk),
        service=services.goal_delete,
        what="goal",
        anchor="#section-goals",
    )


# --- lifecycle ---------------------------------------------------------------------


def _transition(request, pk: int, service, done: str) -> HttpResponse:
    agreement = access.get_object_or_404(request.user, AGREEMENTS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    try:
        result = service(user=request.user, agreement=agreement)
    except ValidationError as error:
        _messages_from(request, error)
        return redirect("agreement-detail", pk=agreement.pk)
    messages.success(request, done)
    return redirect("agreement-detail", pk=result.pk)


@login_required
def agreement_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        services.agreement_submit_for_signature,
        _("The agreement is sent for signature."),
    )


@login_required
def agreement_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.agreement_reopen, _("The agreement is a draft again."))


@login_required
def agreement_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        services.agreement_new_version,
        _("A new version has been created as a draft. The signed version stays as it was."),
    )


@login_required
def agreement_renew(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        services.agreement_renew,
        _("The next agreement has been created as a draft, with the latest results as baselines."),
    )


@login_required
def agreement_sign(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    agreement = access.get_object_or_404(request.user, AGREEMENTS, Capability.INTERNAL, pk=pk)

    def signed(_saved) -> HttpResponse:
        messages.success(request, _("The signature has been recorded."))
        return redirect("agreement-detail", pk=agreement.pk)

    return sign_page(
        request,
        agreement,
        party,
        sign=lambda **signature: services.agreement_sign(
            user=request.user, agreement=agreement, party=party, **signature
        ),
        signed=signed,
        template="agreements/agreement_sign.html",
        context=lambda: {"agreement": agreement},
    )


def _comments_section(request, agreement: Agreement, form, *, status=200, added=False):
    """htmx: only the comments section comes back, so nothing else on the page is lost."""
    context = {
        "agreement": agreement,
        "comments": list(agreement.comments.select_related("author")),
        "comment_form": form,
        "may_comment": True,
        "added": added,
    }
    return render(request, "agreements/agreement_detail.html#comments", context, status=status)


@login_required
def agreement_comment(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = access.get_object_or_404(request.user, AGREEMENTS, Capability.INTERNAL, pk=pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                user=request.user, agreement=agreement, text=form.cleaned_data["text"]
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        if request.htmx:
            return _comments_section(request, agreement, forms.CommentForm(), added=True)
        messages.success(request, _("Your comment has been added."))
    elif request.htmx:
        return _comments_section(request, agreement, form, status=400)
    else:
        for error in form.errors.get("text", []):
            messages.error(request, error)
    return redirect(reverse("agreement-detail", args=[pk]) + "#comments")
