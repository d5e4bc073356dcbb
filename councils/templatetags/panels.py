"""``{% load panels %}{% object_panels object %}``: the panels higher apps register for
this object's page (``councils.panels.register_for``), each with ``panel`` as its
context. On the residents' pages:
``{% object_panels pledge public=True label="pledges.pledge" %}``."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from councils import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj, public: bool = False, label: str = "") -> str:
    request = context.get("request")
    if request is None or obj is None:
        return ""
    parts = [
        render_to_string(name, {"panel": panel}, request=request)
        for name, panel in panels.object_context(request, obj, public=public, label=label)
    ]
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, escaped there
