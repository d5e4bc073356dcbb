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


# --- a county board's logo ---------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: the largest logo file accepted, and the largest picture (pixels on a side)
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 4000


def logo_png(file) -> None:
    """A logo must be a PNG image, as its content says (whatever the file is called), of
    at most ``LOGO_MAX_BYTES``. SVG is not accepted: an SVG file can carry scripts and
    links to other files, and a PNG prints the same in every PDF."""
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo may be at most %(kb)s kB; this file is %(size)s kB."),
            params={"kb": LOGO_MAX_BYTES // 1024, "size": -(-file.size // 1024)},
            code="logo_too_big",
        )
    file.seek(0)
    head = file.read(len(PNG_SIGNATURE))
    file.seek(0)
    if head != PNG_SIGNATURE:
        raise ValidationError(_("The logo must be a PNG image."), code="logo_not_png")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            image.verify()
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as broken:
        raise ValidationError(
            _("The logo could not be read as a PNG image."), code="logo_broken"
        ) from broken
    finally:
        file.seek(0)
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The logo may be at most %(side)s pixels wide and high."),
            params={"side": LOGO_MAX_SIDE},
            code="logo_too_large",
        )
