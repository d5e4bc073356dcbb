"""Typed helpers that read settings from the environment.

Every helper also accepts ``NAME_FILE``: the path of a file whose contents are the
value (for Docker or systemd secrets). ``NAME`` wins when both are set.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    if name in os.environ:
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE points at {path!r}, which cannot be read: {exc}"
            ) from exc
    return None


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_month_day(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """A day of the year as ``MM-DD`` (``09-01``), read as ``(month, day)``."""
    value = env_str(name)
    if value is None or value.strip() == "":
        return default
    try:
        month, day = (int(part) for part in value.strip().split("-"))
        # 2000 is a leap year: 02-29 is a day of the year too
        dt.date(2000, month, day)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be a day of the year as MM-DD (e.g. 09-01), not {value!r}"
        ) from exc
    return month, day
