"""``{% load drafts %}``: ``{% draft "comment" key %}`` is the text carried back to the
box ``draft-comment-<key>`` (``councils.drafts``), escaped; "" if none."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def draft(context, *parts) -> str:
    key = "-".join(str(part) for part in parts)
    return (context.get("drafts") or {}).get(key, "")
