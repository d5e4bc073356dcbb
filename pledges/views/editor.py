"""The coordinator's pledge editor: the pledge page, its sections, dialogues, submit,
renew, new version, export and import (the activity plan row by row is in
``pledges.views.activities``).

With htmx each part swaps alone: a pledge section, the dialogues, one activity row
(shown, as a form, asking to confirm a removal, removed with an undo). Without
JavaScript the same URLs are plain pages and forms that return to the pledge.

Lookups come first and answer 404 for what the user may not see (or, on edit
URLs, may not change); the method check comes after them (``councils.http.only``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop, ngettext
from django_htmx.http import HttpResponseClientRedirect

from councils import access, drafts, editing, exports, imports, signing
from councils.access import Capability
from councils.http import only
from councils.sections import Section, section_view
from pledges import extensions, forms, importexport, public_cache, reads, renewal, services
from pledges.models import Activity, Dialogue, Pledge, SharedPledge
from pledges.selectors import comment_context
from pledges.views.rows import (
    EDITOR,
    OPEN_COMMENTS,
    activity_rows,
    kept_rows,
    rows_digest,
    with_themes,
)

INTERNAL, EDIT, READ = Capability.INTERNAL, Capability.EDIT, Capability.READ


# --- lookups: the object or 404 (councils.access) -------------------------------------

#: a pledge as the editor's pages show it (by key: with SQL made once, the busiest lookup)
PLEDGES = access.ByKey(
    Pledge.objects.select_related(
        "municipality",
        "municipality__county",
        "agreement",
        "vulnerable_area",
        "predecessor",
        "replaces",
    )
)
ACTIVITIES = Activity.objects.select_related(
    "pledge", "pledge__municipality", "pledge__municipality__county"
)
#: an activity as its row shows it
ACTIVITY_ROWS = (
    ACTIVITIES.select_related("problem", "goal", "action_plan", "decision", "responsible_user")
    .prefetch_related("themes")
    .annotate(open_comment_count=OPEN_COMMENTS)
)
#: a version of a pledge as it was shared with the police
SHARED = SharedPledge.objects.select_related("pledge", "pledge__municipality")
DIALOGUES = Dialogue.objects.select_related(
    "pledge", "pledge__municipality", "pledge__municipality__county"
)


def _readable_pledge(user, pk: int) -> Pledge:
    """Published pledges are read by everyone with READ; the rest only with INTERNAL."""
    pledge = access.get_object_or_404(user, PLEDGES, READ, pk=pk)
    if not pledge.is_public and not access.can(user, INTERNAL, pledge.municipality_id):
        raise Http404
    return pledge


def detail_url(pledge_id: int, anchor: str = "") -> str:
    return reverse("pledge-detail", args=[pledge_id]) + (f"#{anchor}" if anchor else "")


def messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def back(request, url: str) -> HttpResponse:
    """Back to the pledge: a redirect, or for htmx a client-side one (the page reloads,
    showing the messages) rather than a whole page swapped into a row."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def not_editable(request, pledge: Pledge, anchor: str = "") -> HttpResponse:
    messages.error(
        request,
        _(
            "The pledge is %(status)s and cannot be changed now. A published pledge is "
            "changed through a new version; one in review waits for the police's answer."
        )
        % {"status": pledge.get_status_display()},
    )
    return back(request, detail_url(pledge.pk, anchor))


def pledge_to_change(request, pk: int, anchor: str, *methods: str):
    """The pledge to change (404 without EDIT on it), and the page to answer instead,
    if any: 405 for another method than ``methods``; back to ``anchor`` on the pledge
    with a message when the pledge can no longer be changed."""
    pledge = access.get_object_or_404(request.user, PLEDGES, EDIT, pk=pk)
    if not_allowed := only(request, *methods):
        return pledge, not_allowed
    if not pledge.editable:
        return pledge, not_editable(request, pledge, anchor)
    return pledge, None


# --- the list and a new pledge ------------------------------------------------------


@login_required
def pledge_list(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, READ)
    if not_allowed := only(request, "GET"):
        return not_allowed
    internal = access.can(request.user, INTERNAL, municipality)
    pledges = municipality.pledges.annotate(
        activity_count=Count("activities", filter=Q(activities__deleted_at__isnull=True))
    ).order_by("-period_start", "-pk")
    if not internal:
        pledges = pledges.public()
    return render(
        request,
        "pledges/pledge_list.html",
        {
            "municipality": municipality,
            "pledges": pledges,
            "internal": internal,
            "can_edit": access.can(request.user, EDIT, municipality),
        },
    )


@login_required
def pledge_create(request: HttpRequest, code: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, code, EDIT)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = forms.PledgeCreateForm(request.POST or None, municipality=municipality)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                pledge = services.pledge_create(
                    user=request.user, municipality=municipality, **form.cleaned_data
                )
            except ValidationError as error:
                editing.add_service_errors(form, error)
            else:
                messages.success(request, _("The draft pledge has been created."))
                return redirect("pledge-detail", pk=pledge.pk)
        status = 400
    return render(
        request,
        "pledges/pledge_form.html",
        {"municipality": municipality, "form": form},
        status=status,
    )


# --- the pledge page ---------------------------------------------------------------


def _problems(pledge: Pledge) -> list:
    return reads.problems_of(pledge)


def editor_flags(user, pledge: Pledge) -> dict:
    can_edit = access.can(user, EDIT, pledge.municipality_id)
    return {
        "pledge": pledge,
        "municipality": pledge.municipality,
        "internal": access.can(user, INTERNAL, pledge.municipality_id),
        "can_edit": can_edit,
        "editable": can_edit and pledge.editable,
        # who records follow-ups: the coordinators, and the police liaisons who review
        "follows_up": can_edit or access.can(user, Capability.REVIEW, pledge.municipality_id),
        # the "Themes" column only where the police region defines themes
        "has_themes": reads.region_has_themes(pledge.municipality.county.police_region_id),
    }


def submit_context(pledge: Pledge, flags: dict) -> dict:
    if not flags["editable"]:
        return {"missing": []}
    return {"missing": services.missing_for_submit(pledge)}


def _detail_context(request, pledge: Pledge) -> dict:
    flags = editor_flags(request.user, pledge)
    active, deleted = activity_rows(pledge, themes=False)
    # the rows are kept rendered under their fingerprint, with a stand-in for the CSRF
    # token that pledge_detail fills for the request; the page takes the kept rows as
    # they are, and reads the themes only for rows it renders
    digest = rows_digest(flags, active)
    kept = kept_rows(digest)
    if kept is None:
        with_themes(active)
    context = {
        **flags,
        **submit_context(pledge, flags),
        "activities": active,
        "rows_digest": digest,
        "kept_rows": kept,
        "kept_csrf_token": public_cache.CSRF_HOLE,
        "deleted_activities": deleted if flags["editable"] else [],
        "dialogues": reads.dialogues_of(pledge),
        "problems": _problems(pledge),
        "successor": None,
        "new_version": None,
        "last_review": None,
        "renewal_notices": [],
    }
    if flags["internal"]:
        if flags["editable"] and pledge.status == Pledge.Status.DRAFT:
            # what the renewal could not map, until the draft is first sent for review
            context["renewal_notices"] = renewal.renewal_notices(pledge)
        context["successor"] = reads.successor_of(pledge)
        context["new_version"] = reads.new_version_of(pledge)
        if pledge.status == Pledge.Status.CHANGES_REQUESTED:
            context["last_review"] = services.last_review(pledge)
        context["may_review"] = services.may_review(request.user, pledge)
        context["may_sign"] = {
            party: services.may_sign(request.user, pledge, party) for party in services.PARTIES
        }
        # the internal comments, as on the review page: the coordinator reads and answers
        comments = comment_context(request.user, pledge, next_url=detail_url(pledge.pk))
        comments.pop("threads_by_activity", None)
        context.update(comments, drafts=drafts.take(request))
        context["shared_versions"] = reads.shared_versions_of(pledge)
    context["signatures"] = signing.signatures(pledge, context.get("may_sign", {}), "pledge-sign")
    context["extensions"] = extensions.render_context(request, pledge)
    return context


@login_required
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _readable_pledge(request.user, pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    response = render(request, EDITOR, _detail_context(request, pledge))
    response.content = public_cache.fill_holes(request, response.content.decode())
    return response


@login_required
def pledge_shared_version(request: HttpRequest, pk: int) -> HttpResponse:
    """The pledge exactly as it was sent to the police for review (a possible official
    record, ``councils.sharing``): never from the pledge's live data."""
    shared = access.get_object_or_404(request.user, SHARED, INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(
        request,
        "pledges/shared_version.html",
        {
            "shared": shared,
            "pledge": shared.pledge,
            "snapshot": shared.snapshot,
            "extensions": extensions.SHARED_PAGE.render_context(request, shared),
        },
    )


# --- sections of the pledge --------------------------------------------------------

#: the sections of the pledge edited in place
SECTIONS = {
    "basics": Section(_lazy("Pledge and period"), forms.PledgeBasicsForm),
    "text": Section(_lazy("What we promise residents"), forms.PledgeTextForm),
    "problems": Section(_lazy("Problems it addresses"), forms.PledgeProblemsForm),
}


def _section_context(user, pledge: Pledge, saved: bool = False) -> dict:
    """What a section's partial needs; after a save, the submit panel (out of band) too."""
    flags = editor_flags(user, pledge)
    context = {**flags, "problems": _problems(pledge)}
    if saved:
        context.update(submit_context(pledge, flags), oob_submit=True)
    return context


@login_required
def pledge_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """One section of the pledge: shown (htmx ?display=1), edited (GET) or saved (POST)."""
    pledge = access.get_object_or_404(request.user, PLEDGES, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    return section_view(
        request,
        pledge,
        section,
        SECTIONS,
        page=EDITOR,
        url_name="pledge-section",
        detail_url=detail_url(pk),
        context=lambda obj, saved=False: _section_context(request.user, obj, saved),
        save=lambda form: services.pledge_save(
            user=request.user,
            pledge=form.instance,
            expected_version=form.expected_version,
            problems=form.cleaned_data["problems"] if "problems" in form.fields else None,
        ),
        fresh=lambda: access.get_object_or_404(request.user, PLEDGES, EDIT, pk=pk),
        locked=lambda: not_editable(request, pledge, f"section-{section}"),
    )


# --- dialogues ---------------------------------------------------------------------


def _dialogues_response(request, pledge: Pledge, *, status: int = 200, **extra) -> HttpResponse:
    context = {
        **editor_flags(request.user, pledge),
        "dialogues": reads.dialogues_of(pledge),
        **extra,
    }
    return render(request, f"{EDITOR}#dialogues", context, status=status)


@login_required
def dialogue_create(request: HttpRequest, pk: int) -> HttpResponse:
    pledge, page = pledge_to_change(request, pk, "dialogues", "GET", "POST")
    if page is not None:
        return page
    if request.htmx and request.GET.get("cancel"):
        return _dialogues_response(request, pledge)
    form = forms.DialogueForm(
        request.POST or None, instance=Dialogue(pledge=pledge), prefix="dialogue"
    )
    status = 200
    if request.method == "POST":
        outcome = editing.submit(
            form, lambda: services.dialogue_save(user=request.user, dialogue=form.instance)
        )
        if outcome.ok:
            if request.htmx:
                return _dialogues_response(request, pledge, saved=True)
            messages.success(request, _("The dialogue has been added."))
            return redirect(detail_url(pk, "dialogues"))
        status = outcome.status
    if request.htmx:
        return _dialogues_response(request, pledge, status=status, dialogue_form=form)
    return render(
        request,
        "pledges/dialogue_form.html",
        {"pledge": pledge, "form": form},
        status=status,
    )


@login_required
def dialogue_delete(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = access.get_object_or_404(request.user, DIALOGUES, EDIT, pk=pk)
    pledge = dialogue.pledge
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    if not pledge.editable:
        return not_editable(request, pledge, "dialogues")
    if request.method == "POST":
        services.dialogue_delete(user=request.user, dialogue=dialogue)
        if request.htmx:
            return _dialogues_response(request, pledge, removed=str(dialogue))
        messages.success(request, _("Removed: %(name)s") % {"name": dialogue})
        return redirect(detail_url(pledge.pk, "dialogues"))
    if request.htmx:
        return _dialogues_response(request, pledge, confirm=dialogue.pk)
    return render(
        request, "pledges/dialogue_confirm_delete.html", {"pledge": pledge, "dialogue": dialogue}
    )


# --- the lifecycle -----------------------------------------------------------------


def _transition(service, done: str):
    """The view that moves a pledge on through ``service`` and then says ``done``
    (marked with ``gettext_noop``, translated for each request)."""

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        pledge = access.get_object_or_404(request.user, PLEDGES, EDIT, pk=pk)
        if not_allowed := only(request, "POST"):
            return not_allowed
        try:
            result = service(user=request.user, pledge=pledge)
        except ValidationError as error:
            messages_from(request, error)
            return redirect("pledge-detail", pk=pledge.pk)
        except PermissionDenied as denied:
            raise Http404 from denied
        messages.success(request, _(done))
        return redirect("pledge-detail", pk=result.pk)

    view.__name__ = view.__qualname__ = service.__name__
    return login_required(view)


pledge_submit = _transition(
    services.pledge_submit, gettext_noop("The pledge has been sent to the police for review.")
)
pledge_renew = _transition(
    renewal.pledge_renew,
    gettext_noop(
        "Next year's pledge has been created as a draft, with the activities that "
        "were not carried out."
    ),
)
pledge_new_version = _transition(
    renewal.pledge_new_version,
    gettext_noop(
        "A new version has been created as a draft. The published version stays "
        "as it was until the new one is signed."
    ),
)


# --- export and import -------------------------------------------------------------


@login_required
def pledge_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    pledge = access.get_object_or_404(request.user, PLEDGES, INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    if fmt not in exports.SPREADSHEETS:
        raise Http404
    name = exports.filename(pledge.title or _("Citizen pledge"), _("activities"))
    return exports.file_response(importexport.export(fmt, pledge), fmt=fmt, filename=name)


@login_required
def pledge_import(request: HttpRequest, pk: int) -> HttpResponse:
    pledge, page = pledge_to_change(request, pk, "activities", "GET", "POST")
    if page is not None:
        return page
    form = forms.ActivityImportForm(request.POST or None, request.FILES or None)
    context = {
        "pledge": pledge,
        "municipality": pledge.municipality,
        "form": form,
        "headers": importexport.headers(),
        "max_rows": importexport.MAX_ROWS,
    }

    def done(report, upload):
        count = len(report.created)
        messages.success(
            request,
            ngettext(
                "%(count)d activity has been added from %(name)s.",
                "%(count)d activities have been added from %(name)s.",
                count,
            )
            % {"count": count, "name": upload.name},
        )
        # the partner column, row by row: assigned to an organisation or kept as text
        for line in report.partner_lines():
            messages.info(request, line)
        return redirect(detail_url(pledge.pk, "activities"))

    return imports.upload_page(
        request,
        form,
        template="pledges/editor_import.html",
        context=context,
        run=lambda upload: importexport.import_activities(
            user=request.user, pledge=pledge, name=upload.name, content=upload.read()
        ),
        done=done,
    )
