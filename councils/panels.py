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
