"""The change history of one record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from councils import access, history
from councils.access import Capability
from councils.http import only


@login_required
def record_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Every saved version of one record: who, for which organisation, when, which fields."""
    model = history.TRACKED.get(label)
    if model is None:
        raise Http404
    record = access.get_object_or_404(request.user, model, Capability.INTERNAL, pk=pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    versions = list(
        record.history.select_related("history_user").order_by("history_date", "history_id")
    )
    rows = [
        (version, history.changes(version, versions[n - 1] if n else None))
        for n, version in enumerate(versions)
    ]
    rows.reverse()
    return render(
        request,
        "councils/record_history.html",
        {"record": record, "model_name": model._meta.verbose_name, "rows": rows},
    )
