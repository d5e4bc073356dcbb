"""``{% load formats %}``: the filters of ``councils.formats`` for templates.

``{{ d|day }}``, ``{{ d|short_day }}``, ``{{ d|iso }}``, ``{{ t|iso_datetime }}``,
``{{ t|moment }}``, ``{{ start|period:end }}``, ``{{ start|iso_period:end }}``, ``{{ x|number }}``,
``{{ x|number:1 }}``, ``{{ x|percent }}``. Each delegates to ``councils.formats``, so
a template shows a date or a number exactly as Python code (PDFs, e-mails, messages)
does. Like Django's own filters they fail silently: a value of the wrong kind shows
as nothing rather than breaking the page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import template

from councils import formats

register = template.Library()


def _quiet(function: Callable[..., str]) -> Callable[..., str]:
    @wraps(function)
    def filter_(*args: object) -> str:
        try:
            return function(*args)
        except (TypeError, ValueError, AttributeError):
            return formats.EMPTY

    return filter_


def _decimals(arg: object) -> int | None:
    return None if arg is None or arg == "" else int(arg)


def _open_ended(function: Callable[[object, object], str]) -> Callable[..., str]:
    """A period filter whose end may be left out: ``{{ start|period }}``."""

    def filter_(start: object, end: object = None) -> str:
        return function(start, end)

    return filter_


# Each filter is the function of the same name in councils.formats, made quiet.
for _name in ("day", "short_day", "iso", "iso_datetime", "moment"):
    register.filter(_name, _quiet(getattr(formats, _name)))
for _name in ("period", "iso_period"):
    register.filter(_name, _quiet(_open_ended(getattr(formats, _name))))


@register.filter
@_quiet
def number(value, decimals=None):
    return formats.number(value, _decimals(decimals))


@register.filter
@_quiet
def percent(value, decimals=None):
    return formats.percent(value, _decimals(decimals))
