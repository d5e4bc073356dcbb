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

from councils import imports

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

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
#: an external style sheet by processing instruction
SVG_STYLESHEET = re.compile(r"<\?xml-stylesheet", re.IGNORECASE)
#: elements that run code or embed other documents
SVG_REFUSED_ELEMENTS = ("script", "foreignObject")
#: the links an SVG logo may have: to its own parts, or an embedded PNG or JPEG
SVG_LOCAL_LINK = re.compile(r"#\S*|data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]*", re.ASCII)


def _logo_size(file) -> None:
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo may be at most %(kb)s kB; this file is %(size)s kB."),
            params={"kb": LOGO_MAX_BYTES // 1024, "size": -(-file.size // 1024)},
            code="logo_too_big",
        )


def logo_type(content: bytes) -> str:
    """The content type of a stored logo (validated as PNG or SVG on upload)."""
    return "image/png" if content.startswith(PNG_SIGNATURE) else "image/svg+xml"


def logo_image(file) -> None:
    """A logo must be a PNG or an SVG image, as its content says (whatever the file is
    called), of at most ``LOGO_MAX_BYTES``. An SVG may not run code, fetch anything or
    declare entities (``_svg_checks``)."""
    _logo_size(file)
    file.seek(0)
    content = file.read()
    file.seek(0)
    if content.startswith(PNG_SIGNATURE):
        logo_png(file)
    else:
        logo_svg(content)


def logo_png(file) -> None:
    """A PNG logo: its content is a PNG image of at most ``LOGO_MAX_SIDE`` pixels a side.

    Also the validator the first migration of ``Organisation.logo`` names."""
    _logo_size(file)
    file.seek(0)
    head = file.read(len(PNG_SIGNATURE))
    file.seek(0)
    if head != PNG_SIGNATURE:
        raise ValidationError(_("The logo must be a PNG or SVG image."), code="logo_not_image")
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


def logo_svg(content: bytes) -> None:
    """An SVG logo: UTF-8 XML with no DOCTYPE or ENTITY declaration, an ``svg`` root in
    the SVG namespace, and nothing that runs code or reaches outside the file."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    if not text.lstrip().startswith("<"):
        raise ValidationError(_("The logo must be a PNG or SVG image."), code="logo_not_image")
    if SVG_STYLESHEET.search(text):
        raise ValidationError(
            _("The logo may not refer to an external style sheet."), code="svg_stylesheet"
        )
    try:
        root = imports.parse_xml(
            text,
            refusal=str(_("The logo could not be read as an SVG image.")),
            declared=str(_("The logo may not contain a DOCTYPE or ENTITY declaration.")),
        )
    except imports.ImportRefused as refused:
        raise ValidationError(str(refused), code="svg_refused") from refused
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise ValidationError(
            _("The logo's outermost element must be an svg element in the SVG namespace."),
            code="svg_root",
        )
    for element in root.iter():
        _svg_element_checks(element)


def _local(name: str) -> str:
    """A tag's or attribute's name without its namespace."""
    return name.rpartition("}")[2]


def _svg_element_checks(element) -> None:
    name = _local(element.tag)
    if name in SVG_REFUSED_ELEMENTS:
        raise ValidationError(
            _("The logo may not contain a <%(element)s> element."),
            params={"element": name},
            code="svg_element",
        )
    if name == "style" and re.search(r"url\(|@import", element.text or "", re.IGNORECASE):
        raise ValidationError(
            _("The logo's <style> may not contain url( or @import."), code="svg_style"
        )
    for attribute, value in element.attrib.items():
        attribute = _local(attribute)
        if attribute.lower().startswith("on"):
            raise ValidationError(
                _("The logo may not contain the event attribute %(attribute)s."),
                params={"attribute": attribute},
                code="svg_event",
            )
        if attribute == "href" and not SVG_LOCAL_LINK.fullmatch(value.strip()):
            raise ValidationError(
                _(
                    "The logo may only link to its own parts (#…) or to embedded PNG or "
                    "JPEG images; this link is refused: %(link)s"
                ),
                params={"link": value.strip()[:60]},
                code="svg_link",
            )
