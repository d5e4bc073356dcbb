"""Indicators: values per municipality and year, goals that point at them, imports.

Writes go through the keyword-only services here:

- ``import_csv`` and ``import_kolada``: a whole file, every row or none, with a
  row-by-row report (through ``councils.imports``, as ``pledges.importexport``);
- ``goal_indicator_set``: point an agreement goal at an indicator.

Whenever values change, the goals that measure them get their ``latest_value`` and
``latest_year`` from the newest value (``goals_refresh_latest``): that is what the
renewal of an agreement takes as the next baseline. The goal's history records who.

Kolada's HTTP client and the reading of its JSON are ``followup.kolada``; the read the
agreement page uses (``goal_progress``) is in ``followup.selectors``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Goal
from councils import access, imports
from councils.access import Capability
from councils.concurrency import bump, delete_tracked, save_tracked
from councils.imports import ImportRefused
from councils.models import Municipality, User
from councils.selectors import values_of
from councils.validators import has_control
from followup import dashboard, kolada, selectors
from followup.models import GoalIndicator, Indicator, IndicatorValue

#: The largest file an import accepts (checked before the file is read).
MAX_BYTES = imports.MAX_BYTES
#: The most values one file may hold.
MAX_ROWS = 20_000

Gender = IndicatorValue.Gender
#: The largest value a goal's latest result holds (DecimalField(12, 2)).
GOAL_VALUE_LIMIT = Decimal("1e10")
CENT = Decimal("0.01")


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    #: Kolada rows without a value (Kolada reports missing values as null)
    skipped: int = 0
    goals_updated: int = 0
    #: Kolada indicators that did not exist and were created
    new_indicators: list[Indicator] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> int:
        return self.created + self.updated


@dataclass(frozen=True)
class _Row:
    number: int
    indicator: Indicator
    municipality: Municipality
    area: str
    year: int
    gender: str
    value: Decimal

    @property
    def key(self) -> tuple:
        # an indicator created by this import has no pk until it is saved
        indicator = self.indicator.pk or f"new:{self.indicator.code}"
        return (indicator, self.municipality.pk, self.area, self.year, self.gender)


def _require_importer(user) -> None:
    """Imports touch every municipality: the site's administrators only."""
    if not access.administers(user):
        raise PermissionDenied(_("Only administrators may import indicator values."))


# --- reading cells -------------------------------------------------------------------


def parse_decimal(text: str) -> Decimal:
    """``1 234,5``, ``1234.5`` or ``-0,25`` as a Decimal; ValueError otherwise."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.replace("\u2212", "-")  # a typographic minus
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def _fits_value(number: Decimal) -> bool:
    """IndicatorValue.value is DecimalField(14, 4)."""
    return abs(number) < Decimal("1e10")


GENDERS = {
    "": Gender.TOTAL,
    "t": Gender.TOTAL,
    "k": Gender.WOMEN,
    "m": Gender.MEN,
    "totalt": Gender.TOTAL,
    "total": Gender.TOTAL,
    "kvinnor": Gender.WOMEN,
    "women": Gender.WOMEN,
    "män": Gender.MEN,
    "men": Gender.MEN,
}


class _Lookups:
    """Indicators by code or name, municipalities by SCB code: loaded once per import."""

    def __init__(self) -> None:
        self.indicators: dict[str, Indicator] = {}
        indicators = list(Indicator.objects.all())
        for indicator in indicators:  # names first, so that a code wins over a name
            self.indicators.setdefault(indicator.name.strip().casefold(), indicator)
        for indicator in indicators:
            if indicator.code:
                self.indicators[indicator.code.strip().casefold()] = indicator
        self.kolada = {
            i.code.strip().casefold(): i for i in indicators if i.source == Indicator.Source.KOLADA
        }
        self.municipalities = {m.code: m for m in Municipality.objects.all()}


# --- saving a checked file -------------------------------------------------------


def _save_rows(*, user: User, rows: list[_Row], report: ImportReport) -> None:
    """Create or update every value, in bulk; then refresh the goals they measure."""
    if not rows:
        return
    indicator_ids = {row.indicator.pk for row in rows}
    municipality_ids = {row.municipality.pk for row in rows}
    existing = {
        (v.indicator_id, v.municipality_id, v.area, v.year, v.gender): v
        for v in IndicatorValue.objects.filter(
            indicator_id__in=indicator_ids,
            municipality_id__in=municipality_ids,
            year__in={row.year for row in rows},
        )
    }
    new, changed = [], []
    for row in rows:
        stored = existing.get(row.key)
        if stored is None:
            new.append(
                IndicatorValue(
                    **values_of(row, "indicator", "municipality", "area", "year", "gender", "value")
                )
            )
        elif stored.value != row.value:
            stored.value = row.value
            changed.append(stored)
    IndicatorValue.objects.bulk_create(new, batch_size=500)
    IndicatorValue.objects.bulk_update(changed, ["value"], batch_size=500)
    if new or changed:  # a bulk write sends no signal: the dashboard's rows read these
        dashboard.FIGURES.changed()
    report.created += len(new)
    report.updated += len(changed)
    report.goals_updated += goals_refresh_latest(
        user=user, indicator_ids=indicator_ids, municipality_ids=municipality_ids
    )


def _duplicates(rows: list[_Row]) -> list[str]:
    errors = []
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.key in seen:
            errors.append(
                _("Row %(row)d: the same value is also on row %(other)d.")
                % {"row": row.number, "other": seen[row.key]}
            )
        else:
            seen[row.key] = row.number
    return errors


def _finish(
    *,
    user: User,
    entries: Iterable[tuple[int, Any]],
    check: Callable[[int, Any], list[str]],
    rows: list[_Row],
    report: ImportReport,
    check_all: Callable[[], list[str]] | None = None,
) -> ImportReport:
    """Every entry through ``check`` (which adds to ``rows``), then ``check_all``, then
    save every row (the new indicators first), or, with any error, nothing."""

    def save() -> None:
        for indicator in report.new_indicators:
            indicator.save()
        _save_rows(user=user, rows=rows, report=report)

    report.errors = imports.all_or_none(
        entries,
        check,
        check_all=lambda: (check_all() if check_all else []) + _duplicates(rows),
        save=save,
    )
    if report.errors:
        report.new_indicators = []
    return report


# --- CSV -------------------------------------------------------------------------

#: The CSV columns, in order.
CSV_COLUMNS = ("indicator", "municipality", "area", "year", "gender", "value")


def csv_headers() -> list[str]:
    return [
        _("Indicator (code or name)"),
        _("Municipality (SCB code)"),
        _("Area"),
        _("Year"),
        _("Gender (T/K/M)"),
        _("Value"),
    ]


def _looks_like_header(row: list[str]) -> bool:
    """A first row whose year and value are both not numbers holds the headers."""
    year = row[3] if len(row) > 3 else ""
    value = row[5] if len(row) > 5 else ""
    try:
        parse_decimal(value)
    except ValueError:
        return not year.isdigit()
    return False


def _csv_row(number: int, cells: list[str], lookups: _Lookups, errors: list[str]) -> _Row | None:
    def error(message: str) -> None:
        errors.append(imports.row_error(number, message))

    if len(cells) < len(CSV_COLUMNS):
        error(
            _("expected %(expected)d columns, found %(found)d.")
            % {"expected": len(CSV_COLUMNS), "found": len(cells)}
        )
        return None
    name, code, area, year_text, gender_text, value_text = cells[: len(CSV_COLUMNS)]
    problems = len(errors)
    indicator = lookups.indicators.get(name.casefold())
    if indicator is None:
        error(_("there is no indicator with the code or name “%(value)s”.") % {"value": name})
    municipality = lookups.municipalities.get(code.zfill(4) if code.isdigit() else code)
    if municipality is None:
        error(_("there is no municipality with the SCB code “%(value)s”.") % {"value": code})
    if len(area) > 200:
        error(_("the area is longer than 200 characters."))
    if has_control(area):
        error(_("the area may not contain line breaks or other control characters."))
    year = int(year_text) if year_text.isdigit() else None
    if year is None or not 1990 <= year <= 2100:
        error(_("the year “%(value)s” is not a year between 1990 and 2100.") % {"value": year_text})
    gender = GENDERS.get(gender_text.casefold())
    if gender is None:
        error(_("the gender “%(value)s” is not T, K or M.") % {"value": gender_text})
    value = None
    try:
        value = parse_decimal(value_text)
    except ValueError:
        error(_("the value “%(value)s” is not a number.") % {"value": value_text})
    else:
        if not _fits_value(value):
            error(_("the value “%(value)s” is too large.") % {"value": value_text})
    if len(errors) > problems:
        return None
    return _Row(
        number, indicator, municipality, area, year, gender, value.quantize(Decimal("0.0001"))
    )


def import_csv(*, user: User, name: str, content: bytes) -> ImportReport:
    """Save the file's values (create or update): every row, or none.

    Raises ``ImportRefused`` for a file that cannot be read at all; otherwise the
    report lists every wrong row (and then nothing has been saved).
    """
    _require_importer(user)
    imports.check_size(content, MAX_BYTES)
    return import_cells(user=user, rows=imports.read_rows(name, content, kinds=("csv",)))


def import_cells(*, user: User, rows) -> ImportReport:
    """``import_csv`` of rows already read (lists of cells in the CSV's column order),
    such as the API's: every row saved, or none."""
    _require_importer(user)
    lookups = _Lookups()
    numbered = [(n, cells) for n, cells in enumerate(rows, start=1) if any(cells)]
    if numbered and _looks_like_header(numbered[0][1]):
        numbered = numbered[1:]
    if not numbered:
        raise ImportRefused(_("The file has no values."))
    if len(numbered) > MAX_ROWS:
        raise ImportRefused(
            _("The file has more than %(max)d values. Split it into smaller files.")
            % {"max": MAX_ROWS}
        )
    rows: list[_Row] = []

    def check(number: int, cells: list[str]) -> list[str]:
        errors: list[str] = []
        row = _csv_row(number, cells, lookups, errors)
        if row is not None:
            rows.append(row)
        return errors

    return _finish(user=user, entries=numbered, check=check, rows=rows, report=ImportReport())


# --- Kolada ----------------------------------------------------------------------


def import_kolada(*, user: User, content: bytes | dict, name: str = "kolada.json") -> ImportReport:
    """Save the values of a Kolada v2 answer (``/v2/data/kpi/…``): every row, or none.

    A KPI that no indicator has as its Kolada code becomes a new indicator (named by
    its code; rename it afterwards). Values Kolada reports as null are skipped.
    """
    _require_importer(user)
    if isinstance(content, bytes):
        imports.check_size(content, MAX_BYTES)
        if not name.lower().endswith(".json"):
            raise ImportRefused(_("Choose a Kolada JSON file (a file name ending in .json)."))
    document = kolada.document(content)
    lookups = _Lookups()
    report = ImportReport()
    rows: list[_Row] = []
    found: list[str] = []

    def check(number: int, entry: Any) -> list[str]:
        errors: list[str] = []

        def error(message: str) -> None:
            errors.append(_("Entry %(row)d: %(message)s") % {"row": number, "message": message})

        if not isinstance(entry, dict):
            error(_("not a Kolada value."))
            found.extend(errors)
            return errors
        kpi = imports.clean_cell(entry.get("kpi"))
        code = imports.clean_cell(entry.get("municipality"))
        period = entry.get("period")
        values = entry.get("values")
        problems = len(errors)
        if not kpi:
            error(_("no KPI."))
        elif has_control(kpi):
            error(_("the KPI may not contain line breaks or other control characters."))
        municipality = lookups.municipalities.get(code)
        if municipality is None:
            error(_("there is no municipality with the SCB code “%(value)s”.") % {"value": code})
        try:
            year = int(period)
        except (TypeError, ValueError, OverflowError):  # JSON's 1e999 is infinity
            year = None
        if year is None or not 1990 <= year <= 2100:
            error(
                _("the period “%(value)s” is not a year between 1990 and 2100.") % {"value": period}
            )
        if not isinstance(values, list):
            error(_("no list of values."))
        if len(errors) > problems:
            found.extend(errors)
            return errors
        indicator = lookups.kolada.get(kpi.casefold())
        if indicator is None:
            indicator = Indicator(
                name=f"Kolada {kpi}", source=Indicator.Source.KOLADA, code=kpi, unit=""
            )
            lookups.kolada[kpi.casefold()] = indicator
            report.new_indicators.append(indicator)
        for item in values:
            gender = (
                GENDERS.get(imports.clean_cell(item.get("gender")).casefold())
                if isinstance(item, dict)
                else None
            )
            if gender is None:
                error(_("the gender of a value is not T, K or M."))
                continue
            raw = item.get("value")
            if raw is None:
                report.skipped += 1
                continue
            try:
                value = parse_decimal(str(raw))
            except ValueError:
                error(_("the value “%(value)s” is not a number.") % {"value": raw})
                continue
            if not _fits_value(value):
                error(_("the value “%(value)s” is too large.") % {"value": raw})
                continue
            rows.append(
                _Row(
                    number,
                    indicator,
                    municipality,
                    "",
                    year,
                    gender,
                    value.quantize(Decimal("0.0001")),
                )
            )
        if len(rows) > MAX_ROWS:
            raise ImportRefused(
                _("The file has more than %(max)d values. Split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        found.extend(errors)
        return errors

    def check_all() -> list[str]:
        if not rows and not found and not report.skipped:
            raise ImportRefused(_("The file has no values."))
        return []

    # new indicators are saved by _finish, in the transaction, before the values
    return _finish(
        user=user,
        entries=enumerate(document["values"], start=1),
        check=check,
        check_all=check_all,
        rows=rows,
        report=report,
    )


# --- goals and their latest value --------------------------------------------------


def _goal_value(value: Decimal) -> Decimal | None:
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if abs(rounded) < GOAL_VALUE_LIMIT else None


def goals_refresh_latest(
    *, user: User | None, indicator_ids: Iterable[int], municipality_ids: Iterable[int]
) -> int:
    """Set ``latest_value``/``latest_year`` of the goals measured by these indicators in
    these municipalities from the newest value. Returns how many goals changed."""
    indicator_ids, municipality_ids = set(indicator_ids), set(municipality_ids)
    links = list(
        GoalIndicator.objects.filter(
            indicator_id__in=indicator_ids,
            goal__agreement__municipality_id__in=municipality_ids,
        ).select_related("goal", "goal__agreement")
    )
    if not links:
        return 0
    series = selectors.indicator_series(indicator_ids, municipality_ids)
    changed = 0
    for link in links:
        goal = link.goal
        points = series.get(
            (link.indicator_id, goal.agreement.municipality_id, link.area, link.gender)
        )
        if not points:
            continue
        year, value = points[-1]
        latest = _goal_value(value)
        if latest is None or (goal.latest_value == latest and goal.latest_year == year):
            continue
        _goal_set_latest(user=user, goal=goal, value=latest, year=year)
        changed += 1
    return changed


def _goal_set_latest(*, user: User | None, goal: Goal, value: Decimal, year: int) -> None:
    """Not the signed content: the latest result may change on a signed agreement."""
    goal.latest_value = value
    goal.latest_year = year
    bump(goal, user=user, update_fields=["latest_value", "latest_year"])


@transaction.atomic
def goal_indicator_set(
    *, user: User, goal: Goal, indicator: Indicator | None, area: str = "", gender: str = "T"
) -> GoalIndicator | None:
    """Point ``goal`` at ``indicator`` (or at none), and take the latest value from it."""
    access.require(user, Capability.EDIT, goal.agreement.municipality_id)
    link = GoalIndicator.objects.filter(goal=goal).first()
    if indicator is None:
        if link is not None:
            delete_tracked(link, user=user)
        return None
    link = link or GoalIndicator(goal=goal)
    link.indicator, link.area, link.gender = indicator, area.strip(), gender
    save_tracked(link, user=user)
    goals_refresh_latest(
        user=user, indicator_ids=[indicator.pk], municipality_ids=[goal.agreement.municipality_id]
    )
    return link
