"""The attachments of an object: the list (also the panel htmx swaps on the object's
page), the upload, the download, the removal, and the residents' download.

Every lookup goes through ``councils.access``: an object or attachment the user may
not see answers 404. Reading an object's attachments needs INTERNAL, except public
ones of a published pledge or a signed agreement (READ; residents on the public
page); adding and removing need EDIT. Files are served only here, as attachments
with their real type, ``nosniff`` and a sandboxing CSP.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from attachments import selectors, services, sniffing
from attachments.forms import AttachmentForm
from attachments.models import TARGETS, Attachment
from attachments.sniffing import Refused
from councils import access, editing, exports
from councils.access import Capability
from councils.concurrency import Conflict
from councils.http import accepts_upload, only

#: the page of each kind of object, where its attachments are listed
PAGES = {
    "council": "council-detail",
    "meeting": "meeting-detail",
    "picture": "picture-detail",
    "problem": "problem-detail",
    "agreement": "agreement-detail",
    "pledge": "pledge-detail",
}
ATTACHMENTS = Attachment.objects.select_related("added_by")
#: the body an upload may have: the largest file and its form
FORM_OVERHEAD = 64 * 1024


def _upload_limit() -> int:
    return settings.ATTACHMENT_MAX_FILE_BYTES + FORM_OVERHEAD


def page_url(target) -> str:
    field = services.target_field(target)
    return reverse(PAGES[field], args=[target.pk]) + "#attachments"


def _target_or_404(request: HttpRequest, target: str, pk: int):
    """The object, if the user may read its attachments; whether they see all of them."""
    model = TARGETS.get(target)
    if model is None:
        raise Http404
    obj = access.get_object_or_404(
        request.user, model._default_manager.all(), Capability.READ, pk=pk
    )
    internal = access.can(request.user, Capability.INTERNAL, obj.scope_municipality_id)
    if not internal and not services.may_be_public(obj):
        raise Http404
    return obj, internal


def panel_context(request: HttpRequest, obj, *, internal: bool, form=None) -> dict:
    """What ``attachments/_panel.html`` shows for ``obj``."""
    can_edit = internal and access.can(request.user, Capability.EDIT, obj.scope_municipality_id)
    target = services.target_field(obj)
    return {
        "object": obj,
        "target": target,
        "attachments": selectors.list_for(obj, public_only=not internal),
        "can_edit": can_edit,
        "frozen": services.frozen(obj),
        "form": form
        if form is not None
        else (AttachmentForm(may_be_public=services.may_be_public(obj)) if can_edit else None),
        "internal": internal,
        "object_url": page_url(obj),
    }


@login_required
def attachment_list(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    obj, internal = _target_or_404(request, target, pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    context = panel_context(request, obj, internal=internal)
    if request.htmx:
        return render(request, "attachments/_panel.html", {"panel": context})
    return render(request, "attachments/list.html", {"panel": context})


@accepts_upload(_upload_limit)
@login_required
def attachment_upload(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    obj, internal = _target_or_404(request, target, pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    if not internal or not access.can(request.user, Capability.EDIT, obj.scope_municipality_id):
        raise PermissionDenied
    may_be_public = services.may_be_public(obj)
    form = AttachmentForm(request.POST or None, request.FILES or None, may_be_public=may_be_public)
    if request.method == "POST" and form.is_valid():
        try:
            attachment = services.attach(
                obj,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                public=form.cleaned_data.get("public", False),
                user=request.user,
            )
        except Refused as refused:
            form.add_error("file", str(refused))
        else:
            message = _("Attached: %(title)s") % {"title": attachment.title}
            if request.htmx:
                context = panel_context(request, obj, internal=True)
                context["added"] = message
                return render(request, "attachments/_panel.html", {"panel": context})
            messages.success(request, message)
            return redirect(page_url(obj))
    status = editing.INVALID if request.method == "POST" else 200
    context = panel_context(request, obj, internal=True, form=form)
    template = "attachments/_panel.html" if request.htmx else "attachments/list.html"
    return render(request, template, {"panel": context}, status=status)


def serve(attachment: Attachment) -> HttpResponse:
    """The stored file as a download (``councils.exports.attached_download``)."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    fmt = sniffing.format_of(attachment.content_type)
    return exports.attached_download(handle, fmt=fmt, name=attachment.original_name)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access.get_object_or_404(request.user, ATTACHMENTS, Capability.READ, pk=pk)
    internal = access.can(request.user, Capability.INTERNAL, attachment.municipality_id)
    if not internal and not (attachment.public and services.may_be_public(attachment.target)):
        raise Http404
    if not_allowed := only(request, "GET"):
        return not_allowed
    return serve(attachment)


@login_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access.get_object_or_404(request.user, ATTACHMENTS, Capability.EDIT, pk=pk)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    obj = attachment.target
    context = {"attachment": attachment, "object": obj, "back_url": page_url(obj)}
    if services.frozen(obj):
        context["blocked"] = _(
            "The attachments of a signed agreement or a published pledge cannot be removed. "
            "Add a new file to the next version instead."
        )
        status = 409 if request.method == "POST" else 200
        return render(request, "attachments/confirm_delete.html", context, status=status)
    if request.method == "POST":
        try:
            services.remove(
                attachment, expected_version=editing.posted_version(request), user=request.user
            )
        except Conflict as conflict:
            context.update(attachment=conflict.current, changed=True)
            return render(
                request, "attachments/confirm_delete.html", context, status=editing.CONFLICT
            )
        message = _("Removed: %(title)s") % {"title": attachment.title}
        if request.htmx:
            panel = panel_context(request, obj, internal=True)
            panel["added"] = message
            return render(request, "attachments/_panel.html", {"panel": panel})
        messages.success(request, message)
        return redirect(page_url(obj))
    return render(request, "attachments/confirm_delete.html", context)


def public_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A public attachment of a published pledge or a signed agreement, for anyone."""
    if not_allowed := only(request, "GET"):
        return not_allowed
    return serve(selectors.public_attachment_or_404(pk))
