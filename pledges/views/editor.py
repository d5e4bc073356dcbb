"""The coordinator's pledge editor: the pledge page, its sections, dialogues and the
activity plan row by row, submit, renew, new version, export and import.

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
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop, ngettext
from django_htmx.http import HttpResponseClientRedirect

from councils import access, editing, exports, imports, signing
from councils.access import Capability
from councils.concurrency import Conflict
from councils.http import only
from councils.sections import Section, section_view
from pledges import forms, importexport, services
from pledges.models import Activity, Dialogue, Pledge
from pledges.selectors import comment_context

EDITOR = "pledges/editor.html"
INTERNAL, EDIT, READ = Capability.INTERNAL, Capability.EDIT, Capability.READ


# --- lookups: the object or 404 (councils.access) -------------------------------------

#: a pledge as the editor's pages show it
PLEDGES = Pledge.objects.select_related(
    "municipality",
    "municipality__county",
    "agreement",
    "vulnerable_area",
    "predecessor",
    "replaces",
)
ACTIVITIES = Activity.objects.select_related(
    "pledge", "pledge__municipality", "pledge__municipality__county"
)
#: an activity as its row shows it
ACTIVITY_ROWS = ACTIVITIES.select_related(
    "problem", "goal", "action_plan", "decision", "responsible_user"
).prefetch_related("themes")
DIALOGUES = Dialogue.objects.select_related(
    "pledge", "pledge__municipality", "pledge__municipality__county"
)


def _readable_pledge(user, pk: int) -> Pledge:
    """Published pledges are read by everyone with READ; the rest only with INTERNAL."""
    pledge = access.get_object_or_404(user, PLEDGES, READ, pk=pk)
    if not pledge.is_public and not access.can(user, INTERNAL, pledge.municipality_id):
        raise Http404
    return pledge


def _detail_url(pledge_id: int, anchor: str = "") -> str:
    return reverse("pledge-detail", args=[pledge_id]) + (f"#{anchor}" if anchor else "")


def _messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back(request, url: str) -> HttpResponse:
    """Back to the pledge: a redirect, or for htmx a client-side one (the page reloads,
    showing the messages) rather than a whole page swapped into a row."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _not_editable(request, pledge: Pledge, anchor: str = "") -> HttpResponse:
    messages.error(
        request,
        _(
            "The pledge is %(status)s and cannot be changed now. A published pledge is "
            "changed through a new version; one in review waits for the police's answer."
        )
        % {"status": pledge.get_status_display()},
    )
    return _back(request, _detail_url(pledge.pk, anchor))


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


def _activities(pledge: Pledge) -> tuple[list[Activity], list[Activity]]:
    """The activity plan (in order, each knowing whether it is first or last) and the
    removed activities that can still be restored, in one query (and one for themes)."""
    rows = list(
        pledge.activities.select_related(
            "problem", "goal", "action_plan", "decision", "responsible_user"
        )
        .prefetch_related("themes")
        .order_by("order", "pk")
    )
    active = [a for a in rows if a.deleted_at is None]
    for position, activity in enumerate(active):
        activity.is_first = position == 0
        activity.is_last = position == len(active) - 1
    return active, [a for a in rows if a.deleted_at is not None]


def _problems(pledge: Pledge) -> list:
    return list(pledge.problems.select_related("picture").order_by("rank", "pk"))


def _flags(user, pledge: Pledge) -> dict:
    can_edit = access.can(user, EDIT, pledge.municipality_id)
    return {
        "pledge": pledge,
        "municipality": pledge.municipality,
        "internal": access.can(user, INTERNAL, pledge.municipality_id),
        "can_edit": can_edit,
        "editable": can_edit and pledge.editable,
        # the "Themes" column only where the police region defines themes
        "has_themes": services.themes_for(pledge).exists(),
    }


def _submit_context(pledge: Pledge, flags: dict) -> dict:
    if not flags["editable"]:
        return {"missing": []}
    return {"missing": services.missing_for_submit(pledge)}


def _detail_context(request, pledge: Pledge) -> dict:
    flags = _flags(request.user, pledge)
    active, deleted = _activities(pledge)
    context = {
        **flags,
        **_submit_context(pledge, flags),
        "activities": active,
        "deleted_activities": deleted if flags["editable"] else [],
        "dialogues": list(pledge.dialogues.all()),
        "problems": _problems(pledge),
        "successor": None,
        "new_version": None,
        "last_review": None,
        "renewal_notices": [],
    }
    if flags["internal"]:
        if flags["editable"] and pledge.status == Pledge.Status.DRAFT:
            # what the renewal could not map, until the draft is first sent for review
            context["renewal_notices"] = services.renewal_notices(pledge)
        context["successor"] = Pledge.objects.filter(predecessor=pledge).first()
        context["new_version"] = Pledge.objects.filter(replaces=pledge).first()
        if pledge.status == Pledge.Status.CHANGES_REQUESTED:
            context["last_review"] = services.last_review(pledge)
        context["may_review"] = services.may_review(request.user, pledge)
        context["may_sign"] = {
            party: services.may_sign(request.user, pledge, party) for party in services.PARTIES
        }
        # the internal comments, as on the review page: the coordinator reads and answers
        comments = comment_context(request.user, pledge, next_url=_detail_url(pledge.pk))
        comments.pop("threads_by_activity", None)
        context.update(comments)
    context["signatures"] = signing.signatures(pledge, context.get("may_sign", {}), "pledge-sign")
    return context


@login_required
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _readable_pledge(request.user, pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(request, EDITOR, _detail_context(request, pledge))


# --- sections of the pledge --------------------------------------------------------

#: the sections of the pledge edited in place
SECTIONS = {
    "basics": Section(_lazy("Pledge and period"), forms.PledgeBasicsForm),
    "text": Section(_lazy("What we promise residents"), forms.PledgeTextForm),
    "problems": Section(_lazy("Problems it addresses"), forms.PledgeProblemsForm),
}


def _section_context(user, pledge: Pledge, saved: bool = False) -> dict:
    """What a section's partial needs; after a save, the submit panel (out of band) too."""
    flags = _flags(user, pledge)
    context = {**flags, "problems": _problems(pledge)}
    if saved:
        context.update(_submit_context(pledge, flags), oob_submit=True)
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
        detail_url=_detail_url(pk),
        context=lambda obj, saved=False: _section_context(request.user, obj, saved),
        save=lambda form: services.pledge_save(
            user=request.user,
            pledge=form.instance,
            expected_version=form.expected_version,
            problems=form.cleaned_data["problems"] if "problems" in form.fields else None,
        ),
        fresh=lambda: access.get_object_or_404(request.user, PLEDGES, EDIT, pk=pk),
        locked=lambda: _not_editable(request, pledge, f"section-{section}"),
    )


# --- dialogues ---------------------------------------------------------------------


def _dialogues_response(request, pledge: Pledge, *, status: int = 200, **extra) -> HttpResponse:
    context = {
        **_flags(request.user, pledge),
        "dialogues": list(pledge.dialogues.all()),
        **extra,
    }
    return render(request, f"{EDITOR}#dialogues", context, status=status)


@login_required
def dialogue_create(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = access.get_object_or_404(request.user, PLEDGES, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    if not pledge.editable:
        return _not_editable(request, pledge, "dialogues")
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
            return redirect(_detail_url(pk, "dialogues"))
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
        return _not_editable(request, pledge, "dialogues")
    if request.method == "POST":
        services.dialogue_delete(user=request.user, dialogue=dialogue)
        if request.htmx:
            return _dialogues_response(request, pledge, removed=str(dialogue))
        messages.success(request, _("Removed: %(name)s") % {"name": dialogue})
        return redirect(_detail_url(pledge.pk, "dialogues"))
    if request.htmx:
        return _dialogues_response(request, pledge, confirm=dialogue.pk)
    return render(
        request, "pledges/dialogue_confirm_delete.html", {"pledge": pledge, "dialogue": dialogue}
    )


# --- activities, row by row --------------------------------------------------------


def _mark_position(activity: Activity) -> Activity:
    """Whether the row is first or last of the plan, for its move buttons."""
    siblings = Activity.objects.filter(pledge_id=activity.pledge_id, deleted_at__isnull=True)
    before = Q(order__lt=activity.order) | Q(order=activity.order, pk__lt=activity.pk)
    after = Q(order__gt=activity.order) | Q(order=activity.order, pk__gt=activity.pk)
    activity.is_first = not siblings.filter(before).exists()
    activity.is_last = not siblings.filter(after).exists()
    return activity


def _fresh_activity(user, pk: int) -> Activity:
    """The activity as stored, with what its row shows (after a change, or to cancel one)."""
    return _mark_position(access.get_object_or_404(user, ACTIVITY_ROWS, INTERNAL, pk=pk))


def _row(request, activity: Activity, partial: str = "activity-row", **extra) -> HttpResponse:
    """One activity row; with the submit panel swapped out of band when it may change."""
    pledge = activity.pledge
    flags = _flags(request.user, pledge)
    context = {**flags, "activity": activity, **extra}
    if extra.get("oob_submit"):
        context.update(_submit_context(pledge, flags))
    return render(request, f"{EDITOR}#{partial}", context, status=extra.get("status", 200))


def _activity_form_response(request, pledge, form, *, activity, status=200, **extra):
    context = {
        **_flags(request.user, pledge),
        "form": form,
        "activity": activity,
        **extra,
    }
    if request.htmx:
        return render(request, f"{EDITOR}#activity-form-row", context, status=status)
    return render(request, "pledges/activity_form.html", context, status=status)


def _save_activity(request, pledge: Pledge, activity: Activity, form) -> HttpResponse:
    """Validate and save through the service; answer with the row or the form again."""
    title = activity.title  # the form overwrites the instance's fields as it cleans
    outcome = editing.submit(
        form,
        lambda: services.activity_save(
            user=request.user,
            activity=form.instance,
            expected_version=form.expected_version if activity.pk else None,
            themes=form.themes,
        ),
    )
    if outcome.ok:
        if request.htmx:
            return _row(
                request,
                _fresh_activity(request.user, outcome.saved.pk),
                saved=True,
                oob_submit=True,
            )
        messages.success(request, _("Saved: %(title)s") % {"title": outcome.saved.title})
        return redirect(_detail_url(pledge.pk, f"activity-{outcome.saved.pk}"))
    if activity.pk:
        activity.title = title
    return _activity_form_response(
        request, pledge, form, activity=activity, status=outcome.status, **outcome.context
    )


@login_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new row: with htmx a form row appended to the table, else a page."""
    pledge = access.get_object_or_404(request.user, PLEDGES, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    if request.htmx and request.GET.get("cancel"):
        return HttpResponse("")  # the form row is swapped for nothing: it goes away
    if not pledge.editable:
        return _not_editable(request, pledge, "activities")
    activity = Activity(pledge=pledge)
    form = forms.ActivityForm(
        request.POST or None, instance=activity, pledge=pledge, prefix="activity-new"
    )
    if request.method == "POST":
        return _save_activity(request, pledge, activity, form)
    if request.htmx:
        # the link that was pressed stays on the page: move focus into the new row
        form.fields["title"].widget.attrs["autofocus"] = True
    return _activity_form_response(request, pledge, form, activity=activity)


def _activity_to_change(request, pk: int, *methods: str):
    """The activity to change and its pledge, or the page to answer instead.

    Another organisation's activity is a 404 whatever the method; a pledge that is
    no longer editable sends the user back to the row.
    """
    activity = access.get_object_or_404(request.user, ACTIVITIES, EDIT, pk=pk)
    if not_allowed := only(request, *methods):
        return activity, None, not_allowed
    pledge = activity.pledge
    if not pledge.editable:
        return activity, pledge, _not_editable(request, pledge, f"activity-{activity.pk}")
    return activity, pledge, None


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A row as a form (htmx) or a page; saving answers with the row, 409 if stale."""
    activity, pledge, page = _activity_to_change(request, pk, "GET", "POST")
    if page is not None:
        return page
    if activity.deleted_at is not None:
        messages.error(request, _("The activity has been removed. Restore it to change it."))
        return _back(request, _detail_url(pledge.pk, "deleted-activities"))
    form = forms.ActivityForm(
        request.POST or None, instance=activity, pledge=pledge, prefix=f"activity-{activity.pk}"
    )
    if request.method == "POST":
        return _save_activity(request, pledge, activity, form)
    return _activity_form_response(request, pledge, form, activity=activity)


@login_required
def activity_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The row as it is stored (htmx: cancel an edit or a removal)."""
    activity = access.get_object_or_404(request.user, ACTIVITY_ROWS, INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    if not request.htmx:
        return redirect(_detail_url(activity.pledge_id, f"activity-{activity.pk}"))
    activity = _mark_position(activity)
    if activity.deleted_at is not None:
        return _row(request, activity, "activity-deleted-row")
    return _row(request, activity)


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (a row, or a page), then remove; the removed row offers an undo."""
    activity, pledge, page = _activity_to_change(request, pk, "GET", "POST")
    if page is not None:
        return page
    if request.method == "POST":
        try:
            services.activity_delete(
                user=request.user,
                activity=activity,
                expected_version=editing.posted_version(request),
            )
        except Conflict as conflict:
            current = _fresh_activity(request.user, conflict.current.pk)
            if request.htmx:
                return _row(
                    request, current, "activity-confirm-row", changed=True, status=editing.CONFLICT
                )
            return render(
                request,
                "pledges/activity_confirm_delete.html",
                {"pledge": pledge, "activity": current, "changed": True},
                status=editing.CONFLICT,
            )
        except ValidationError as error:
            _messages_from(request, error)
            return _back(request, _detail_url(pledge.pk, f"activity-{activity.pk}"))
        if request.htmx:
            return _row(request, activity, "activity-deleted-row", oob_submit=True)
        messages.success(
            request,
            _("Removed: %(title)s. You can restore it under “Removed activities”.")
            % {"title": activity.title},
        )
        return redirect(_detail_url(pledge.pk, "deleted-activities"))
    if activity.deleted_at is not None:
        return _back(request, _detail_url(pledge.pk, "deleted-activities"))
    if request.htmx:
        return _row(request, activity, "activity-confirm-row")
    return render(
        request,
        "pledges/activity_confirm_delete.html",
        {"pledge": pledge, "activity": activity},
    )


@login_required
def activity_restore(request: HttpRequest, pk: int) -> HttpResponse:
    activity, pledge, page = _activity_to_change(request, pk, "POST")
    if page is not None:
        return page
    services.activity_restore(user=request.user, activity=activity)
    if request.htmx:
        return _row(
            request, _fresh_activity(request.user, activity.pk), restored=True, oob_submit=True
        )
    messages.success(request, _("Restored: %(title)s") % {"title": activity.title})
    return redirect(_detail_url(pledge.pk, f"activity-{activity.pk}"))


DIRECTIONS = ("up", "down")


@login_required
def activity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One place up or down. The two rows trade places, so htmx swaps the table body."""
    activity, pledge, page = _activity_to_change(request, pk, "POST")
    if page is not None:
        return page
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        return HttpResponseBadRequest(_("Move an activity up or down."))
    if activity.deleted_at is not None:
        return _back(request, _detail_url(pledge.pk, "deleted-activities"))
    services.activity_move(user=request.user, activity=activity, direction=direction)
    if request.htmx:
        active, _deleted = _activities(pledge)
        for row in active:
            if row.pk == activity.pk:  # keep focus on the button that was pressed
                stays = not (row.is_first if direction == "up" else row.is_last)
                row.focus = direction if stays else ("down" if direction == "up" else "up")
        return render(
            request,
            f"{EDITOR}#activity-rows",
            {
                **_flags(request.user, pledge),
                "activities": active,
                "moved": activity.pk,
                "direction": direction,
            },
        )
    return redirect(_detail_url(pledge.pk, f"activity-{activity.pk}"))


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
            _messages_from(request, error)
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
    services.pledge_renew,
    gettext_noop(
        "Next year's pledge has been created as a draft, with the activities that "
        "were not carried out."
    ),
)
pledge_new_version = _transition(
    services.pledge_new_version,
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
    name = f"{slugify(pledge.title) or 'medborgarlofte'}-aktiviteter"
    return exports.file_response(importexport.export(fmt, pledge), fmt=fmt, filename=name)


@login_required
def pledge_import(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = access.get_object_or_404(request.user, PLEDGES, EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    if not pledge.editable:
        return _not_editable(request, pledge, "activities")
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
        return redirect(_detail_url(pledge.pk, "activities"))

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
