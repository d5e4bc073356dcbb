"""Panels that higher apps add to the municipality page.

The municipality page belongs to councils, which imports no higher app. A higher
app registers a panel in its AppConfig.ready(): a template and a function that
builds its context for (request, municipality). Panels render in registration
order (INSTALLED_APPS order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]  # None: the panel is not shown


PANELS: list[Panel] = []


def register(template: str, context: Callable[[Any, Any], dict[str, Any] | None]) -> None:
    if any(panel.template == template for panel in PANELS):
        return  # ready() may run twice in tests
    PANELS.append(Panel(template, context))


def render_context(request, municipality) -> list[tuple[str, dict[str, Any]]]:
    shown = []
    for panel in PANELS:
        context = panel.context(request, municipality)
        if context is not None:
            shown.append((panel.template, context))
    return shown


# --- panels on one object's page -------------------------------------------------------
#
# The pages of a council, a meeting, a lägesbild, a problem, an agreement and a pledge
# belong to lower apps. A higher app registers a panel for a model ("councils.meeting")
# with ``register_for``; the page says ``{% load panels %}{% object_panels object %}``
# and each registered panel renders there with ``panel`` as its context (``public``
# is true on the residents' pages, where only what is public may show:
# ``{% object_panels pledge public=True label="pledges.pledge" %}``).


@dataclass(frozen=True)
class ObjectPanel:
    template: str
    #: (request, object, public) -> the context, or None: the panel is not shown
    context: Callable[[Any, Any, bool], dict[str, Any] | None]


OBJECT_PANELS: dict[str, list[ObjectPanel]] = {}


def register_for(
    label: str, template: str, context: Callable[[Any, Any, bool], dict[str, Any] | None]
) -> None:
    panels = OBJECT_PANELS.setdefault(label, [])
    if any(panel.template == template for panel in panels):
        return  # ready() may run twice in tests
    panels.append(ObjectPanel(template, context))


def object_context(
    request, obj, *, public: bool = False, label: str = ""
) -> list[tuple[str, dict[str, Any]]]:
    """The panels of ``obj``'s page; ``label`` names its model when ``obj`` is not a
    model instance (the residents' pages read into dataclasses that carry its ``pk``)."""
    shown = []
    for panel in OBJECT_PANELS.get(label or obj._meta.label_lower, []):
        context = panel.context(request, obj, public)
        if context is not None:
            shown.append((panel.template, context))
    return shown


class Registry:
    """Sections higher apps add to one kind of page of a lower app (the same pattern as
    the municipality page's panels): ``register(template, context)`` in a higher app's
    ``AppConfig.ready()``, ``render_context(request, obj)`` in the lower app's view."""

    def __init__(self) -> None:
        self.panels: list[Panel] = []

    def register(self, template: str, context: Callable[[Any, Any], dict[str, Any] | None]):
        if not any(panel.template == template for panel in self.panels):  # ready() may run twice
            self.panels.append(Panel(template, context))

    def render_context(self, request, obj) -> list[tuple[str, dict[str, Any]]]:
        shown = []
        for panel in self.panels:
            context = panel.context(request, obj)
            if context is not None:
                shown.append((panel.template, context))
        return shown
