"""Validators of the project's text: a single-line field (a title, a name, a role, a
place) holds no line break and no other control character.

Such text ends up in e-mail subjects, CSV cells, PDF headings and page titles, where
a line break breaks the line or, in a mail header, the whole send. Text areas (model
``TextField``) may hold line breaks and are not checked here.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: C0 controls (NUL, TAB, LF, CR, ESC …), DEL, C1 controls (NEL …) and the Unicode
#: line and paragraph separators
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

SINGLE_LINE_MESSAGE = _("The field may not contain line breaks or other control characters.")


def has_control(text: str) -> bool:
    """Whether ``text`` holds a character a single-line field refuses."""
    return CONTROL.search(text) is not None


def single_line(value) -> None:
    """A single-line field's validator: no line break or other control character."""
    if isinstance(value, str) and has_control(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")
