"""Sections that higher apps add to the agreement page.

The agreement page belongs to agreements, which imports no higher app. A higher
app registers a section in its AppConfig.ready(): a template and a function that
builds its context for (request, agreement). The template gets it as
``extension``; sections render after the agreement's content, in registration
order. The same pattern as councils/panels.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from councils.panels import Registry


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]  # None: the section is not shown


SECTIONS: list[Section] = []


def register(template: str, context: Callable[[Any, Any], dict[str, Any] | None]) -> None:
    if any(section.template == template for section in SECTIONS):
        return  # ready() may run twice in tests
    SECTIONS.append(Section(template, context))


def render_context(request, agreement) -> list[tuple[str, dict[str, Any]]]:
    shown = []
    for section in SECTIONS:
        context = section.context(request, agreement)
        if context is not None:
            shown.append((section.template, context))
    return shown


#: sections on the page of a version shared for signature (``councils.sharing``)
SHARED_PAGE = Registry()


# --- the lägesbild's mapping section ----------------------------------------------------

#: what higher apps add under a lägesbild's mapping (kartläggning): the EST tertial
#: analyses attached to it, as frozen snapshots
PICTURE_SECTIONS: list[Section] = []


def register_picture(template: str, context: Callable[[Any, Any], dict[str, Any] | None]) -> None:
    if any(section.template == template for section in PICTURE_SECTIONS):
        return  # ready() may run twice in tests
    PICTURE_SECTIONS.append(Section(template, context))


def render_picture_context(request, picture) -> list[tuple[str, dict[str, Any]]]:
    shown = []
    for section in PICTURE_SECTIONS:
        context = section.context(request, picture)
        if context is not None:
            shown.append((section.template, context))
    return shown
