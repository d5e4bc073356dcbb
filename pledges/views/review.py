"""Pledge views: the police review and sign-off.

The liaison's review queue; the review page (what changed since the last review,
the activities with their comments, approve or request changes, earlier reviews);
internal comments and their answers; signing for each party; the in-app
notifications. Every object view looks the pledge up through ``councils.access``
first (404 for a pledge the user may not know), then checks the method.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from agreements.models import Agreement
from councils import access, dates, drafts, editing, signing
from councils import cache as cache_keys
from councils.access import Capability
from councils.http import only
from councils.views.signing import sign_page
from pledges import notifications, reads, selectors, services
from pledges.changes import since_last_review
from pledges.forms_review import ApproveForm, CommentForm, RequestChangesForm
from pledges.models import Activity, Comment, Notification, Pledge
from pledges.selectors import Thread, comment_context, may_comment, thread_of
from pledges.views.rows import shown_values

S = Pledge.Status

#: notifications per page of the in-app list
NOTIFICATIONS_PER_PAGE = 50


# --- lookups: the object or 404 (councils.access) -------------------------------------

#: a pledge as the review pages show it
PLEDGES = Pledge.objects.select_related("municipality", "municipality__county", "submitted_by")
#: the pledge of a review page, by key with SQL made once
PLEDGE = access.ByKey(PLEDGES)
COMMENTS = Comment.objects.select_related("pledge", "pledge__municipality")
REVIEW = "pledges/review.html"
#: the threads and boxes of the comments (the review page's activities include them)
COMMENTS_TEMPLATE = "pledges/_comments.html"


def _return_url(request: HttpRequest, pledge: Pledge, target: str | None = None) -> str:
    """Where to return after a comment: a page of this site the form came from, else review.

    Only a path of this site counts ("/…"): anything else, such as a bare word, would be
    taken by ``redirect`` for the name of a URL pattern.
    """
    target = (target or "").split("#", 1)[0]
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("pledge-review", args=[pledge.pk])


# --- the review queue --------------------------------------------------------------


def _days_since(moment) -> int:
    if moment is None:
        return 0
    return (dates.today() - timezone.localtime(moment).date()).days


#: the queue's pledges (in review, or approved and not signed by the police) with what
#: its tables show and nothing more, by SQL made once (the ids of the municipalities the
#: user reviews written in)
QUEUE = access.InScope(
    Pledge.objects.select_related("municipality", "submitted_by")
    .only(
        "title",
        "status",
        "submitted_at",
        "reviewed_at",
        "municipality__name",
        *(f"submitted_by__{name}" for name in ("first_name", "last_name", "username")),
    )
    .filter(Q(status=S.IN_REVIEW) | Q(status=S.APPROVED, police_signed_on__isnull=True))
)
#: the agreements awaiting the police's signature, likewise, oldest first
QUEUED_AGREEMENTS = access.InScope(
    Agreement.objects.select_related("municipality")
    .only("title", "shared_for_signature_at", "municipality__name")
    .filter(status=Agreement.Status.AWAITING_SIGNATURE, police_signed_on__isnull=True)
    .order_by("shared_for_signature_at", "pk")
)


def _oldest_first(rows: list, moment: str) -> list:
    """``rows`` by ``moment``, those without one last (as PostgreSQL orders them), then
    by key."""

    def waited(row):
        when = getattr(row, moment)
        return (0, when, row.pk) if when is not None else (1, None, row.pk)

    return sorted(rows, key=waited)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Pledges waiting for this user's review, oldest first; approved ones, and agreements,
    awaiting the police's signature. One query for both lists of pledges."""
    if not_allowed := only(request, "GET"):
        return not_allowed
    queued = access.visible(QUEUE, request.user, Capability.REVIEW)
    in_review = _oldest_first([p for p in queued if p.status == S.IN_REVIEW], "submitted_at")
    awaiting = _oldest_first([p for p in queued if p.status == S.APPROVED], "reviewed_at")
    agreements = access.visible(QUEUED_AGREEMENTS, request.user, Capability.REVIEW)
    return render(
        request,
        "pledges/review_queue.html",
        {
            "in_review": [(p, _days_since(p.submitted_at)) for p in in_review],
            "awaiting_signature": [(p, _days_since(p.reviewed_at)) for p in awaiting],
            "agreements": [(a, _days_since(a.shared_for_signature_at)) for a in agreements],
        },
    )


# --- the review page ---------------------------------------------------------------


def _review_context(request: HttpRequest, pledge: Pledge, kept=None, **forms) -> dict:
    user = request.user
    # the page as asked for (a GET), not as answered after a failed send (its errors
    # and the text sent go into the boxes): only then are its activities kept rendered
    asked = kept is None
    kept = drafts.take(request) if asked else kept
    reviews = reads.reviews_of(pledge)
    last = reviews[0] if reviews else None
    activities = reads.reviewed_activity_list(pledge)
    changes = since_last_review(pledge, last, activities)
    reviewer = services.may_review(user, pledge)
    review_url = reverse("pledge-review", args=[pledge.pk])
    may_sign = {party: services.may_sign(user, pledge, party) for party in services.PARTIES}
    comments = comment_context(user, pledge, next_url=review_url)
    shown = {a.pk for a in activities}
    by_activity = comments.pop("threads_by_activity")
    comments["activity_threads"] = [
        (activity, threads)
        for activity, threads in comments["activity_threads"]
        if activity.pk not in shown
    ]
    rows = [(a, by_activity.get(a.pk, [])) for a in activities]
    return {
        **comments,
        "municipality": pledge.municipality,
        "reviews": reviews,
        "last_review": last,
        "changes": changes,
        "has_changes": any(changes.values()),
        "activity_rows": rows,
        # kept rendered under their fingerprint, unless a box carries text back
        "rows_digest": rows_digest(pledge, rows, comments["may_comment"])
        if asked and not kept
        else None,
        "may_review": reviewer,
        "is_submitter": pledge.submitted_by_id == user.pk,
        "may_decide": reviewer
        and pledge.status == S.IN_REVIEW
        and pledge.submitted_by_id != user.pk,
        "may_sign": may_sign,
        "signatures": signing.signatures(pledge, may_sign, "pledge-sign"),
        "can_edit": access.can(user, Capability.EDIT, pledge.municipality_id),
        "approve_form": forms.get("approve_form") or _decision_form(ApproveForm, kept),
        "changes_form": forms.get("changes_form") or _decision_form(RequestChangesForm, kept),
        "pledge_page": _pledge_page(pledge),
        "drafts": kept,
    }


def _comment_values(comment: Comment) -> tuple:
    return (
        comment.pk,
        comment.text,
        str(comment.author),
        comment.organisation_name,
        comment.created_at,
    )


def _thread_values(thread: Thread) -> tuple:
    root = thread.root
    return (
        _comment_values(root),
        root.resolved_at,
        str(root.resolved_by) if root.resolved_by_id else "",
        [_comment_values(reply) for reply in thread.replies],
    )


def rows_digest(pledge: Pledge, rows: list[tuple[Activity, list[Thread]]], comment: bool) -> str:
    """The fingerprint of the review page's activities as it shows them: each one's
    values (``rows.shown_values``) and its comment threads (every comment's text,
    author and time, who resolved it when), whether the user may comment (the boxes and
    buttons) and the language. The page keeps the rendered activities under it
    (``pledges/review.html``): two thirds of its time went to rendering them."""
    parts: list[object] = [
        cache_keys.template_version(REVIEW),
        cache_keys.template_version(COMMENTS_TEMPLATE),
        pledge.pk,
        translation.get_language(),
        comment,
    ]
    for activity, threads in rows:
        parts.append((shown_values(activity), [_thread_values(t) for t in threads]))
    return cache_keys.key("pledge-review-rows:1", *parts)[1]


#: the decision boxes of the review page: their form class, prefix and template part
DECISIONS = {
    ApproveForm: ("draft-approve", "decision-approve"),
    RequestChangesForm: ("draft-changes", "decision-changes"),
}


def _decision_form(form_class, kept: dict, data=None):
    """A decision's box: its message is the text area ``draft-<approve|changes>-message``
    of the page's one form (``councils.drafts``), prefilled with a draft carried back."""
    prefix = DECISIONS[form_class][0]
    key = f"{prefix.removeprefix(drafts.PREFIX)}-message"
    form = form_class(data, prefix=prefix, initial={"message": kept.get(key, "")})
    form.fields["message"].widget.attrs["form"] = "drafts"
    return form


def _pledge_page(pledge: Pledge) -> str:
    """The coordinator's page of the pledge (the editor's)."""
    return reverse("pledge-detail", args=[pledge.pk])


@login_required
def pledge_review(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = access.get_object_or_404(request.user, PLEDGE, Capability.INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    return render(request, REVIEW, _review_context(request, pledge))


def _decide(request: HttpRequest, pk: int, form_class, service, *, key: str, done: str):
    pledge = access.get_object_or_404(request.user, PLEDGE, Capability.INTERNAL, pk=pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    if not services.may_review(request.user, pledge):
        raise Http404
    box = drafts.box(request)
    # a box of the page's one form, or a form of its own (field "message")
    form = _decision_form(form_class, {}, request.POST) if box else form_class(request.POST)

    def save():
        try:
            return service(user=request.user, pledge=pledge, message=form.cleaned_data["message"])
        except PermissionDenied as denied:
            raise Http404 from denied

    outcome = editing.submit(form, save)
    review_url = reverse("pledge-review", args=[pledge.pk])
    if outcome.ok:
        messages.success(request, done)
        # the page changes (the decision is made): the other boxes' text comes back
        drafts.keep(request, review_url, drafts.others(request, box))
        if request.htmx:
            return HttpResponseClientRedirect(review_url)
        return redirect(review_url)
    if request.htmx and box:
        context = {"pledge": pledge, key: form}
        part = DECISIONS[form_class][1]
        return render(request, f"pledges/review.html#{part}", context, status=outcome.status)
    return render(
        request,
        "pledges/review.html",
        {**_review_context(request, pledge, kept=_posted(request), **{key: form}), "failed": key},
        status=outcome.status,
    )


def _posted(request: HttpRequest) -> dict[str, str]:
    """Every box's text as posted: a page answered with errors keeps all of it."""
    return drafts.others(request, "")


@login_required
def pledge_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        ApproveForm,
        services.pledge_approve,
        key="approve_form",
        done=_("The pledge is approved. The coordinators have been told."),
    )


@login_required
def pledge_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        RequestChangesForm,
        services.pledge_request_changes,
        key="changes_form",
        done=_("Changes have been requested. The coordinators have been told."),
    )


# --- comments ----------------------------------------------------------------------


def _comment_data(request: HttpRequest) -> tuple[str, dict]:
    """The box that was sent and the comment it makes: ``comment-pledge``,
    ``comment-<activity>`` or ``reply-<comment>`` of the page's one form; a form of its
    own posts the fields themselves (``text``, ``activity``, ``reply_to``)."""
    box = drafts.box(request)
    if not box:
        return "", request.POST
    kind, _sep, ref = box.partition("-")
    data = {"text": drafts.text(request, box)}
    if kind == "comment" and ref != "pledge":
        data["activity"] = ref
    elif kind == "reply":
        data["reply_to"] = ref
    return box, data


def _comment_box(request, pledge: Pledge, form, box: str, status: int, saved=None):
    """htmx: the box that was sent, again (empty after a comment, with the error after
    a failed one); an answer swaps its whole thread."""
    cleaned = getattr(form, "cleaned_data", {})
    kind = box.partition("-")[0]
    error = " ".join(form.errors.get("text", []) or form.non_field_errors())
    context = {"pledge": pledge, "may_comment": True, "drafts": {}}
    if kind == "reply" and (saved or cleaned.get("reply_to")):
        context.update(thread=thread_of(pledge, saved or cleaned["reply_to"]), reply_error=error)
        return render(request, "pledges/_comments.html#thread", context, status=status)
    activity = cleaned.get("activity")
    context.update(comment_activity=activity, comment_key=activity.pk if activity else "pledge")
    if saved is None:
        context.update(comment_error=error or _("The comment could not be added."))
        context["drafts"] = {box: drafts.text(request, box)}
        return render(request, "pledges/_comments.html#comment-form", context, status=status)
    context["thread"] = thread_of(pledge, saved)
    return render(request, "pledges/_comments.html#comment-added", context, status=status)


@login_required
def pledge_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a comment to the pledge, to one of its activities, or answer a comment."""
    pledge = access.get_object_or_404(request.user, PLEDGE, Capability.INTERNAL, pk=pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    if not may_comment(request.user, pledge):
        raise Http404
    box, data = _comment_data(request)
    form = CommentForm(data, pledge=pledge)

    def save():
        try:
            return services.comment_add(
                user=request.user,
                pledge=pledge,
                text=form.cleaned_data["text"],
                activity=form.cleaned_data["activity"],
                reply_to=form.cleaned_data["reply_to"],
            )
        except PermissionDenied as denied:
            raise Http404 from denied

    outcome = editing.submit(form, save)
    if request.htmx and box:
        return _comment_box(request, pledge, form, box, outcome.status, outcome.saved)
    back = _return_url(request, pledge, request.POST.get("next"))
    # without JavaScript the page comes back with what is typed in its other boxes
    drafts.keep(request, back, drafts.others(request, box))
    if outcome.ok:
        messages.success(request, _("Your comment has been added."))
        return redirect(f"{back}#comment-{outcome.saved.pk}")
    cleaned = getattr(form, "cleaned_data", {})
    return render(
        request,
        "pledges/comment_form.html",
        {
            "pledge": pledge,
            "form": form,
            "back": back,
            "activity": cleaned.get("activity"),
            "reply_to": cleaned.get("reply_to"),
        },
        status=outcome.status,
    )


@login_required
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a comment (and so its thread) resolved; it stays in the history."""
    comment = access.get_object_or_404(request.user, COMMENTS, Capability.INTERNAL, pk=pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    pledge = comment.pledge
    if not may_comment(request.user, pledge):
        raise Http404
    try:
        services.comment_resolve(user=request.user, comment=comment)
    except PermissionDenied as denied:
        raise Http404 from denied
    if request.htmx:
        context = {"pledge": pledge, "may_comment": True, "drafts": {}}
        context["thread"] = thread_of(pledge, comment)
        return render(request, "pledges/_comments.html#thread", context)
    messages.success(request, _("The comment is marked as resolved. It stays in the history."))
    back = _return_url(request, pledge, request.POST.get("next"))
    drafts.keep(request, back, drafts.others(request, drafts.box(request)))
    return redirect(f"{back}#comment-{comment.pk}")


# --- signing -----------------------------------------------------------------------


@login_required
def pledge_sign(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    pledge = access.get_object_or_404(request.user, PLEDGE, Capability.INTERNAL, pk=pk)

    def signed(saved: Pledge) -> HttpResponse:
        messages.success(request, _signed_message(saved, party))
        return redirect(_after_signing(pledge, party))

    return sign_page(
        request,
        pledge,
        party,
        sign=lambda **signature: services.pledge_sign(
            user=request.user, pledge=pledge, party=party, **signature
        ),
        signed=signed,
        template="pledges/sign.html",
        context=lambda: {
            "pledge": pledge,
            "signed_on": getattr(pledge, f"{party}_signed_on"),
            "signed_by": getattr(pledge, f"{party}_signatory_name"),
            "approved": pledge.status == S.APPROVED,
        },
    )


def _signed_message(pledge: Pledge, party: str) -> str:
    if pledge.status == S.PUBLISHED:
        return _("Both parties have signed: the pledge is now published.")
    if party == "municipality":
        return _("Your signature has been recorded. The police sign next.")
    return _("Your signature has been recorded. The municipality signs next.")


def _after_signing(pledge: Pledge, party: str) -> str:
    """Each signer lands on their own page: the municipality on its pledge page, the
    police on their review page, at the signatures."""
    if party == "municipality":
        return _pledge_page(pledge) + "#signing"
    return reverse("pledge-review", args=[pledge.pk]) + "#signing"


# --- notifications -----------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; unread ones are marked."""
    if not_allowed := only(request, "GET"):
        return not_allowed
    user = request.user
    page = Paginator(notifications.notifications_for(user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = []
    for notification in page:
        pledge = notification.pledge
        # the police go to the review page; the municipality to its own pledge page
        if pledge is None:
            url = reverse("agreement-detail", args=[notification.agreement_id])
        elif services.may_review(user, pledge):
            url = reverse("pledge-review", args=[pledge.pk])
        else:
            url = _pledge_page(pledge)
        rows.append((notification, url))
    unread = selectors.unread_notifications(user)
    return render(
        request,
        "pledges/notification_list.html",
        # the header's count (context_processors.notifications) is this one: counted once
        {"page": page, "rows": rows, "unread": unread, "unread_notifications": unread},
    )


@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "POST"):
        return not_allowed
    marked = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notification-list")
