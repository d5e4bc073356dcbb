"""The attachment list on the pages of lower apps (``councils.panels.register_for``):
a council, a meeting, a lägesbild, a problem, an agreement and a pledge (internal
pages), and the public attachments on the residents' pledge page."""

from __future__ import annotations

from django.db.models import Q

from attachments import selectors
from attachments.models import TARGETS
from attachments.views import panel_context
from councils import access, panels
from councils.access import Capability

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


def register() -> None:
    for model in TARGETS.values():
        panels.register_for(model._meta.label_lower, PANEL, _internal_panel)
