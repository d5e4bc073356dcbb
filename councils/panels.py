"""Panels and sections that higher apps add to the pages of lower apps: one mechanism.

A page belongs to a lower app, which imports no higher app. A higher app registers a
panel in its ``AppConfig.ready()``: a template and a function that builds its context
from the page's arguments (``(request, municipality)``, ``(request, agreement)``, …), or
None when the panel is not shown. The lower app's view asks its ``Registry`` for the
panels to render (``render_context(request, obj)``); they render in registration order
(INSTALLED_APPS order). Each page has one registry: ``MUNICIPALITY_PAGE`` here,
``agreements.extensions`` and ``pledges.extensions`` for theirs, and one per model for
the panels on one object's page (``register_for``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[..., dict[str, Any] | None]  # None: the panel is not shown


class Registry:
    """The panels of one kind of page."""

    def __init__(self) -> None:
        self.panels: list[Panel] = []

    def register(self, template: str, context: Callable[..., dict[str, Any] | None]) -> None:
        if not any(panel.template == template for panel in self.panels):  # ready() may run twice
            self.panels.append(Panel(template, context))

    def render_context(self, *args: Any) -> list[tuple[str, dict[str, Any]]]:
        """(template, context) of every panel shown, for the page's arguments."""
        shown = []
        for panel in self.panels:
            context = panel.context(*args)
            if context is not None:
                shown.append((panel.template, context))
        return shown


#: the municipality page: context(request, municipality)
MUNICIPALITY_PAGE = Registry()
register = MUNICIPALITY_PAGE.register
render_context = MUNICIPALITY_PAGE.render_context


# --- panels on one object's page -------------------------------------------------------
#
# The pages of a council, a meeting, a lägesbild, a problem, an agreement and a pledge
# belong to lower apps. A higher app registers a panel for a model ("councils.meeting")
# with ``register_for``; the page says ``{% load panels %}{% object_panels object %}``
# and each registered panel renders there with ``panel`` as its context (``public``
# is true on the residents' pages, where only what is public may show:
# ``{% object_panels pledge public=True label="pledges.pledge" %}``).

#: one registry per model label: context(request, object, public)
OBJECT_PANELS: dict[str, Registry] = {}


def register_for(
    label: str, template: str, context: Callable[[Any, Any, bool], dict[str, Any] | None]
) -> None:
    OBJECT_PANELS.setdefault(label, Registry()).register(template, context)


def object_context(
    request, obj, *, public: bool = False, label: str = ""
) -> list[tuple[str, dict[str, Any]]]:
    """The panels of ``obj``'s page; ``label`` names its model when ``obj`` is not a
    model instance (the residents' pages read into dataclasses that carry its ``pk``)."""
    registry = OBJECT_PANELS.get(label or obj._meta.label_lower)
    return registry.render_context(request, obj, public) if registry else []
