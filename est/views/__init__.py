"""The pages of EST, one module per concern: reports (the report form, the list, the
weekly checklist, the import), picture (the weekly picture, its export and map, places
and categories) and meetings (the EST meeting, its measures, the tertial analysis)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import editing
from councils.concurrency import Conflict


def form_page(
    request: HttpRequest,
    form,
    *,
    save: Callable[[], Any],
    done: Callable[[Any], str],
    template: str = "councils/form.html",
    instance: Any = None,
    **context: Any,
) -> HttpResponse:
    """GET shows ``form``; POST saves through ``save()`` (400 with the errors, 409 with
    the other person's values) and redirects to ``done(saved)``."""
    context["form"] = form
    if instance is not None and instance.pk is not None and hasattr(instance, "history"):
        context["history_url"] = reverse(
            "record-history", kwargs={"label": instance._meta.label_lower, "pk": instance.pk}
        )
    if request.method != "POST":
        return render(request, template, context)
    outcome = editing.submit(form, save)
    if outcome.ok:
        messages.success(request, _("Saved."))
        return redirect(done(outcome.saved))
    return render(request, template, context | outcome.context, status=outcome.status)


def deleting(request: HttpRequest, service: Callable[..., None], **record: Any):
    """``delete`` for ``delete_page``: ``service(user=…, <record>, expected_version=…)``."""
    return lambda version: service(user=request.user, expected_version=version, **record)


def delete_page(
    request: HttpRequest,
    record: Any,
    *,
    delete: Callable[[int | None], None],
    back: str,
    title: str,
    done: str | None = None,
    **more: Any,
) -> HttpResponse:
    """The one confirmation: GET asks, POST deletes at the version shown. ``more`` adds
    to the page: ``consequence`` (what else the delete does), ``blocked`` (why the
    record is kept) and ``instead`` (the template of what to do instead). After the
    delete the user goes to ``done`` (``back`` by default)."""
    context = {"back_url": back, "record": record, "title": title} | more
    template = "councils/confirm_delete.html"
    if request.method != "POST":
        return render(request, template, context)
    try:
        delete(editing.posted_version(request))
    except Conflict as conflict:
        context |= {"record": conflict.current, "changed": True}
        return render(request, template, context, status=409)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, template, context, status=400)
    messages.success(request, _("Deleted."))
    return redirect(done or back)
