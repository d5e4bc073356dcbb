"""About places, never about people: what a report's description may not hold.

- ``personal_numbers(text)``: Swedish personal identity numbers (personnummer, and
  samordningsnummer, whose day is 60 higher): 10 or 12 digits, with or without the
  separator (``-`` or ``+``, or a space), whose last digit is the Luhn check digit of
  the ten. The description refuses them.
- ``name_like(text)``: what looks like a person's name, two capitalised words in a
  row that do not start a sentence ("såg Kalle Andersson"). The form asks the
  reporter to confirm before it saves such a description (a place such as "Stora
  torget" is written with one capital in Swedish, but "Stora Torget" warns too).
"""

from __future__ import annotations

import re
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NUMBER = re.compile(r"(?<![\d])(?:(\d{2}))?(\d{6})[-+ ]?(\d{4})(?![\d])")
_WORD = r"[A-ZÅÄÖÉÜ][a-zåäöéüß]+(?:-[A-ZÅÄÖÉÜ]?[a-zåäöéüß]+)?"
_CAPITALISED = re.compile(rf"(?<![\w])({_WORD})(?![\w])")
_SENTENCE_END = re.compile(r"(^|[.!?:;\n]\s*|[\"“”'(]\s*)$")

PERSONAL_NUMBER_MESSAGE = _(
    "Write about places, never about people: remove the personal identity number."
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _plausible_day(ten: str) -> bool:
    month, day = int(ten[2:4]), int(ten[4:6])
    if day > 60:  # samordningsnummer
        day -= 60
    return 1 <= month <= 12 and 1 <= day <= 31


def personal_numbers(text: str) -> list[str]:
    """The personal identity numbers written in ``text``."""
    found = []
    for match in _NUMBER.finditer(text or ""):
        century, date_part, last = match.groups()
        ten = date_part + last
        if century and century not in ("18", "19", "20"):
            continue
        if _plausible_day(ten) and luhn_ok(ten):
            found.append(match.group(0))
    return found


def check_no_personal_numbers(text: str) -> None:
    if personal_numbers(text):
        raise ValidationError(PERSONAL_NUMBER_MESSAGE, code="personal_number")


def name_like(text: str) -> list[str]:
    """Pairs of capitalised words that do not start a sentence: they may be a name."""
    text = text or ""
    words = list(_CAPITALISED.finditer(text))
    found = []
    for first, second in pairwise(words):
        if text[first.end() : second.start()].strip(" \t"):
            continue  # not next to each other
        if _SENTENCE_END.search(text[: first.start()]):
            continue  # the first word starts a sentence
        found.append(f"{first.group(1)} {second.group(1)}")
    return found
