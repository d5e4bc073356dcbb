"""The import of a partner's own export of incident reports (CSV or XLSX), through the
one import pipeline (``councils.imports``): every row checked, saved all or none, the
problems reported row by row. Each row goes through ``services.report_save`` (the
weekly totals in the same transaction, the description refusing personal numbers)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from councils import imports
from councils.models import Municipality, Organisation, User
from est import services
from est.models import MAX_COST, MAX_COUNT, Place, Report, TimeBand

#: the most rows one file may hold
MAX_ROWS = 5000

COLUMNS = {
    "occurred_on": gettext_lazy("date"),
    "time": gettext_lazy("time"),
    "place": gettext_lazy("place"),
    "area": gettext_lazy("area"),
    "category": gettext_lazy("category"),
    "count": gettext_lazy("count"),
    "cost": gettext_lazy("cost"),
    "description": gettext_lazy("description"),
}
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _aliases() -> dict[str, str]:
    found = imports.in_every_language(lambda: [(label, key) for key, label in COLUMNS.items()])
    for key in COLUMNS:
        found.setdefault(key, key)
    return found


def _bands() -> dict[str, str]:
    return imports.in_every_language(lambda: [(label, value) for value, label in TimeBand.choices])


def _number(text: str, low: int, high: int) -> int | None:
    try:
        value = int(text.replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


def import_reports(
    *,
    user: User,
    municipality: Municipality,
    organisation: Organisation,
    name: str,
    content: bytes,
) -> ImportReport:
    imports.check_size(content)
    rows = iter(imports.read_rows(name, content, max_cols=len(COLUMNS) + 5))
    header = next(rows, None)
    if header is None:
        raise imports.ImportRefused(_("The file is empty."))
    columns = imports.map_columns(
        header, _aliases(), required="place", required_label=str(COLUMNS["place"])
    )
    numbered = imports.numbered(
        rows,
        start=2,
        max_rows=MAX_ROWS,
        too_many=_("The file has more than %(max)d rows.") % {"max": MAX_ROWS},
    )
    places = list(Place.objects.filter(municipality=municipality))
    categories = {c.name.casefold(): c for c in services.categories_for(municipality)}
    bands = _bands()
    report = ImportReport()

    def check(number: int, cells: list[str]) -> list[str]:
        values = {key: cells[i] if i < len(cells) else "" for i, key in enumerate(columns) if key}
        errors: list[str] = []

        def error(message: str, column: str | None = None) -> None:
            errors.append(
                imports.row_error(number, message, str(COLUMNS[column]) if column else None)
            )

        try:
            occurred_on = dt.date.fromisoformat(values.get("occurred_on", ""))
        except ValueError:
            occurred_on = None
            error(_("Write the date as YYYY-MM-DD."), "occurred_on")
        time_text = values.get("time", "").strip()
        band, clock = "", None
        if time_text:
            if match := _CLOCK.match(time_text):
                clock = dt.time(int(match.group(1)), int(match.group(2)))
            elif time_text.casefold() in bands:
                band = bands[time_text.casefold()]
            else:
                error(
                    imports.not_a_choice(time_text, [label for _v, label in TimeBand.choices]),
                    "time",
                )
        place_name, area = values.get("place", "").casefold(), values.get("area", "").casefold()
        matching = [
            p
            for p in places
            if p.name.casefold() == place_name and (not area or p.area.casefold() == area)
        ]
        if len(matching) != 1:
            error(
                _("“%(value)s” is not one place of the municipality's list (give the area too).")
                % {"value": values.get("place", "")},
                "place",
            )
        category = categories.get(values.get("category", "").casefold())
        if category is None:
            error(
                imports.not_a_choice(
                    values.get("category", ""), [c.name for c in categories.values()]
                ),
                "category",
            )
        count = _number(values.get("count") or "1", 1, MAX_COUNT)
        if count is None:
            error(_("Write a whole number from 1 to %(max)d.") % {"max": MAX_COUNT}, "count")
        cost = _number(values.get("cost") or "0", 0, MAX_COST)
        if cost is None:
            error(_("Write a whole number of kronor, 0 or more."), "cost")
        if errors:
            return errors
        row = Report(
            municipality=municipality,
            organisation=organisation,
            occurred_on=occurred_on,
            time_band=band,
            occurred_at=clock,
            place=matching[0],
            category=category,
            count=count,
            cost=cost,
            description=values.get("description", ""),
        )
        try:
            row.full_clean(exclude=["week", "reported_by"])
            services.report_save(user=user, report=row)
        except ValidationError as invalid:
            for name_, messages in invalid.message_dict.items():
                column = name_ if name_ in COLUMNS else None
                for message in messages:
                    error(message, column)
            return errors
        report.saved += 1
        return errors

    report.errors = imports.all_or_none(numbered, check)
    if report.errors:
        report.saved = 0
    return report
