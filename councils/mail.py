"""The e-mail the project sends: every subject is built by ``subject``, so stored text
(from before ``councils.validators.single_line`` or written past it) can never make a
send fail on a line break in a header."""

from __future__ import annotations

import re

#: whitespace and control characters of any kind, collapsed to one space
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")

#: the longest subject sent; longer ones end with "…"
MAX_SUBJECT = 150


def subject(text: object) -> str:
    """``text`` as an e-mail subject: one line (any run of whitespace or control
    characters becomes one space), trimmed, at most MAX_SUBJECT characters."""
    line = _BREAKS.sub(" ", str(text)).strip()
    if len(line) > MAX_SUBJECT:
        line = line[: MAX_SUBJECT - 1].rstrip() + "…"
    return line
