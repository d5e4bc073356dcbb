"""``{% load ui %}``: small pieces of accessible markup.

- ``{% unique_id "table" as table_id %}`` gives ``table-3f9a1c2e``, for
  ``aria-labelledby``: a table in a loop, or a row swapped in by htmx beside the page's
  own, never repeats an id.
- ``<h1{% entered_lang %}>{{ pledge.title }}</h1>``: marks text users wrote as Swedish
  on a page in another language.
"""

from __future__ import annotations

import secrets

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

#: the language users write their titles, texts and summaries in
ENTERED = "sv"


@register.simple_tag
def unique_id(prefix: str = "id") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


@register.simple_tag
def entered_lang() -> str:
    """`` lang="sv"`` on an element that shows what users wrote (titles, public text,
    activities, summaries: written in Swedish) when the page is in another language
    (WCAG 3.1.2, language of parts); nothing on a Swedish page, where it is the page's."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return "" if language == ENTERED else mark_safe(f' lang="{ENTERED}"')  # noqa: S308
