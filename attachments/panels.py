"""The attachment list on the pages of lower apps (``councils.panels.register_for``):
a council, a meeting, a lägesbild, a problem, an agreement and a pledge (internal
pages), and the public attachments on the residents' pledge page."""

from __future__ import annotations

from django.db.models import OuterRef, Q

from agreements.models import Agreement
from attachments import selectors, services
from attachments.models import TARGETS, Attachment
from attachments.views import panel_context
from councils import access, panels
from councils.access import Capability
from followup import reports
from pledges.public_cache import aggregate, register_pledge_page_part

PANEL = "attachments/_panel.html"
PUBLIC_PANEL = "attachments/_public_panel.html"


def _internal_panel(request, obj, public: bool):
    if public:
        return _public_panel(request, obj, public)
    internal = access.can(request.user, Capability.INTERNAL, obj.scope_municipality_id)
    context = panel_context(request, obj, internal=internal)
    if not internal and not context["attachments"]:
        return None
    return context


def _public_panel(request, pledge, public: bool):
    """A published pledge's public attachments and those of its signed agreement."""
    rows = selectors.public_attachments().filter(
        Q(pledge_id=pledge.pk) | Q(agreement__pledges=pledge.pk, agreement__isnull=False)
    )
    attachments = list(rows.distinct().order_by("added_at", "pk"))
    return {"public": True, "attachments": attachments} if attachments else None


def _public_versions():
    """The public attachments of a pledge and of its agreement, in the version of its
    kept public page (``pledges.public_cache``)."""
    rows = selectors.public_attachments().filter(
        Q(pledge_id=OuterRef("pk")) | Q(agreement_id=OuterRef("agreement_id"))
    )
    return aggregate(rows, "SUM", "version")


def _public_count():
    rows = selectors.public_attachments().filter(
        Q(pledge_id=OuterRef("pk")) | Q(agreement_id=OuterRef("agreement_id"))
    )
    return aggregate(rows, "COUNT")


def register() -> None:
    # public_attachments() reads the attachments and their agreement's status
    watched = [Attachment, Agreement]
    register_pledge_page_part("attachment_versions", _public_versions, models=watched)
    register_pledge_page_part("attachment_count", _public_count, models=watched)
    for model in TARGETS.values():
        panels.register_for(model._meta.label_lower, PANEL, _internal_panel)
    reports.register_attachment_list(pdf_rows)


def pdf_rows(label: str, pk: int, internal: bool) -> list[dict]:
    """The attachment list of a pledge's or an agreement's PDF
    (``followup.reports.register_attachment_list``): every file in the internal PDF,
    the public ones in the others."""
    model = next((m for m in TARGETS.values() if m._meta.label_lower == label), None)
    if model is None:
        return []
    field = services.target_field(model(pk=pk))
    rows = Attachment.objects.filter(**{f"{field}_id": pk})
    if not internal:
        rows = rows.filter(public=True)
    return [
        {
            "title": row.title,
            "kind": row.get_kind_display(),
            "name": row.original_name,
            "size": row.size_label,
            "added": row.added_at,
        }
        for row in rows.order_by("added_at", "pk")
    ]
