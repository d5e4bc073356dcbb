"""The activity plan as a spreadsheet: export to CSV or XLSX, import from either.

The import reads the same columns the export writes, so a plan exported, edited
in a spreadsheet and imported again comes back as it was. Every row is checked
with ``ActivityForm`` and saved through ``services.activity_save`` inside one
transaction: one wrong row and nothing is saved; the report says, row by row,
what is wrong.

The partner column names the responsible partner: a name that matches one of the
municipality's partner organisations (an active partnership; case and spaces aside,
as the migration that linked the typed names did) assigns that organisation, and the
report says which rows did; any other name is kept as the typed name.

Headers and choice values are accepted in every language of the interface (and as
their codes), so a file exported in English imports in Swedish. Cells that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) are written with a leading apostrophe; the import takes it off again.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from agreements.models import ActionPlan, Goal, PriorityProblem
from councils import exports, imports
from councils.editing import add_service_errors
from councils.imports import ImportRefused
from councils.models import User
from councils.partners import Partnership
from councils.validators import has_control
from pledges import services
from pledges.forms import ActivityForm, responsible_users, themes_of
from pledges.models import Activity, Pledge

#: The largest file the import accepts.
MAX_BYTES = imports.MAX_BYTES
#: The most activities one file may hold (a plan has tens; this leaves room to spare).
MAX_ROWS = 500
#: The most rows read, empty ones included, before the file is refused.
MAX_SCANNED_ROWS = 20 * MAX_ROWS
#: What an XLSX file (a zip archive) may unpack to.
MAX_UNPACKED_BYTES = imports.MAX_UNPACKED_BYTES

#: The columns, in order: the fields of the activity form, but the decision (a file
#: names no meeting's decision) and the responsible organisation (its name is the
#: partner column).
COLUMNS = [
    name
    for name in ActivityForm.Meta.fields
    if name not in ("decision", "responsible_organisation")
]
CHOICES = {
    "type": Activity.Type,
    "status": Activity.Status,
    "responsible_party": Activity.Party,
    "cadence": Activity.Cadence,
}
DEFAULTS = {"status": Activity.Status.PLANNED, "cadence": Activity.Cadence.TERTIAL}
DATES = ("start_date", "end_date", "next_follow_up")
#: Themes are listed in one cell, separated by this.
THEME_SEPARATOR = ";"


def _header(name: str) -> str:
    return capfirst(str(Activity._meta.get_field(name).verbose_name))


def headers() -> list[str]:
    """The column headers in the active language."""
    return [_header(name) for name in COLUMNS]


def _header_map() -> dict[str, str]:
    return imports.in_every_language(
        lambda: [(_header(n), n) for n in COLUMNS] + [(n, n) for n in COLUMNS]
    )


def _choice_map(choices) -> dict[str, str]:
    return imports.in_every_language(
        lambda: (
            [(label, value) for value, label in choices.choices]
            + [(value, value) for value in choices.values]
        )
    )


# --- export ------------------------------------------------------------------------


def activities_for_export(pledge: Pledge):
    return (
        pledge.activities.filter(deleted_at__isnull=True)
        .select_related(
            "problem", "goal", "action_plan", "responsible_user", "responsible_organisation"
        )
        .prefetch_related("themes")
        .order_by("order", "pk")
    )


def _row(activity: Activity) -> list:
    values = {
        "title": activity.title,
        "description": activity.description,
        "type": activity.get_type_display(),
        "status": activity.get_status_display(),
        "responsible_party": activity.get_responsible_party_display(),
        # the responsible organisation's name (an import keeps it as the typed name)
        "partner_name": activity.partner_display,
        "responsible_user": activity.responsible_user.username
        if activity.responsible_user_id
        else "",
        "responsible_name": activity.responsible_name,
        "responsible_email": activity.responsible_email,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "recurrence": activity.recurrence,
        "problem": activity.problem.title if activity.problem_id else "",
        "goal": activity.goal.text if activity.goal_id else "",
        "action_plan": activity.action_plan.title if activity.action_plan_id else "",
        "themes": f"{THEME_SEPARATOR} ".join(t.title for t in activity.themes.all()),
        "cadence": activity.get_cadence_display(),
        "next_follow_up": activity.next_follow_up,
    }
    return [values[name] for name in COLUMNS]


def export(fmt: str, pledge: Pledge) -> bytes:
    """The plan as a file of kind ``fmt`` ("csv" or "xlsx"), through ``councils.exports``."""
    rows = (_row(activity) for activity in activities_for_export(pledge))
    # the title and the description get wide columns
    return exports.render(fmt, headers(), rows, sheet=_("Activities"), widths={"A": 40, "B": 50})


# --- import ------------------------------------------------------------------------


def partner_key(name: str) -> str:
    """A partner's name as the import compares it: case, runs of spaces and Unicode's
    two spellings of å, ä, ö aside."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)
    created: list[Activity] = field(default_factory=list)
    #: (row number, organisation name): rows whose partner column named a partner
    partners_matched: list[tuple[int, str]] = field(default_factory=list)
    #: (row number, name): rows whose partner column is kept as a typed name
    partners_as_text: list[tuple[int, str]] = field(default_factory=list)

    def partner_lines(self) -> list[str]:
        """The row report of the partner column, one line a row."""
        return [
            imports.row_error(
                number, _("assigned to the partner organisation %(name)s.") % {"name": name}
            )
            for number, name in self.partners_matched
        ] + [
            imports.row_error(
                number,
                _(
                    "“%(name)s” is not a partner organisation of the municipality and is "
                    "kept as a typed name."
                )
                % {"name": name},
            )
            for number, name in self.partners_as_text
        ]

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(name: str, content: bytes) -> Iterator[list[str]]:
    """The file's rows as lists of text; the file kind comes from its name."""
    return imports.read_rows(name, content, max_cols=len(COLUMNS) + 20)


class _Lookups:
    """Text in a cell → the id of what it names, within the pledge's municipality."""

    def __init__(self, pledge: Pledge):
        municipality_id = pledge.municipality_id
        self.headers = _header_map()
        self.choices = {name: _choice_map(choices) for name, choices in CHOICES.items()}
        # where two share a name, the current lägesbild and the newest agreement win
        self.by_name = {
            "problem": self._first(
                PriorityProblem.objects.filter(picture__municipality_id=municipality_id)
                .order_by("-picture__is_current", "-picture__period_start", "-pk")
                .values_list("title", "pk")
            ),
            "goal": self._first(
                Goal.objects.filter(agreement__municipality_id=municipality_id)
                .order_by("-agreement__start_date", "-pk")
                .values_list("text", "pk")
            ),
            "action_plan": self._first(
                ActionPlan.objects.filter(municipality_id=municipality_id)
                .order_by("-valid_from", "-pk")
                .values_list("title", "pk")
            ),
            "responsible_user": self._first(
                responsible_users(municipality_id).values_list("username", "pk")
            ),
        }
        # the municipality's partners now; a name two of them share assigns neither
        partners: dict[str, list[tuple[int, str]]] = {}
        active = Partnership.objects.active().filter(municipality_id=municipality_id)
        for pk, name in active.values_list("organisation_id", "organisation__name").distinct():
            partners.setdefault(partner_key(name), []).append((pk, name))
        self.partners = {key: found[0] for key, found in partners.items() if len(found) == 1}
        themes = list(themes_of(pledge))
        self.themes = {t.title.casefold(): t.pk for t in themes} | {
            t.code.casefold(): t.pk for t in themes
        }

    @staticmethod
    def _first(pairs) -> dict[str, int]:
        found: dict[str, int] = {}
        for text, pk in pairs:
            found.setdefault(text.strip().casefold(), pk)
        return found


NOT_FOUND = {
    "problem": lambda v: _("there is no priority problem called “%(value)s”.") % {"value": v},
    "goal": lambda v: (
        _("there is no goal “%(value)s” in the municipality's agreements.") % {"value": v}
    ),
    "action_plan": lambda v: _("there is no action plan called “%(value)s”.") % {"value": v},
    "responsible_user": lambda v: (
        _("there is no user “%(value)s” in the municipality or its local police area.")
        % {"value": v}
    ),
}


def _columns(header: list[str], lookups: _Lookups) -> list[str | None]:
    return imports.map_columns(
        header, lookups.headers, required="title", required_label=_header("title")
    )


def _form_data(cells: dict[str, str], lookups: _Lookups) -> tuple[dict, list[tuple[str, str]]]:
    """The row as ActivityForm data, and the cells that name something unknown."""
    data: dict = {}
    unknown: list[tuple[str, str]] = []
    for name in COLUMNS:
        value = cells.get(name, "")
        if name in CHOICES:
            data[name] = lookups.choices[name].get(value.casefold(), value) if value else ""
            if value and value.casefold() not in lookups.choices[name]:
                labels = [label.lower() for label in CHOICES[name].labels]
                unknown.append((name, imports.not_a_choice(value, labels)))
            if not value and name in DEFAULTS:
                data[name] = DEFAULTS[name]
        elif name in lookups.by_name:
            if value:
                pk = lookups.by_name[name].get(value.casefold())
                if pk is None:
                    unknown.append((name, NOT_FOUND[name](value)))
                data[name] = pk or ""
            else:
                data[name] = ""
        elif name == "partner_name":
            # a line break is the single-line check's to refuse, never a match's to hide
            named = value.strip() and not has_control(value)
            partner = lookups.partners.get(partner_key(value)) if named else None
            data["responsible_organisation"] = partner[0] if partner else ""
            data[name] = "" if partner else value
        elif name == "themes":
            chosen = []
            for part in filter(None, (p.strip() for p in value.split(THEME_SEPARATOR))):
                pk = lookups.themes.get(part.casefold())
                if pk is None:
                    unknown.append(
                        (
                            name,
                            _("“%(value)s” is not a theme of the police region.") % {"value": part},
                        )
                    )
                else:
                    chosen.append(pk)
            data[name] = chosen
        else:
            data[name] = value
    return data, unknown


def _row_errors(number: int, form: ActivityForm, unknown: list[tuple[str, str]]) -> list[str]:
    errors = []
    reported = set()
    for name, message in unknown:
        reported.add(name)
        errors.append(imports.row_error(number, message, column=_header(name)))
    for name, messages in form.errors.items():
        if name in reported:
            continue
        for message in messages:
            column = _header(name) if name in COLUMNS else None
            errors.append(imports.row_error(number, message, column=column))
    return errors


def _note_partner(report: ImportReport, number: int, activity: Activity) -> None:
    if activity.responsible_organisation_id:
        report.partners_matched.append((number, activity.responsible_organisation.name))
    elif activity.partner_name.strip():
        report.partners_as_text.append((number, activity.partner_name))


def import_activities(*, user: User, pledge: Pledge, name: str, content: bytes) -> ImportReport:
    """Append the file's activities to ``pledge``: every row, or none.

    Raises ``ImportRefused`` for a file that cannot be read at all; otherwise the
    report lists every wrong row (and then nothing has been saved).
    """
    imports.check_size(content, MAX_BYTES)
    lookups = _Lookups(pledge)
    rows = read_rows(name, content)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportRefused(_("The file is empty.")) from None
    columns = _columns(header, lookups)
    numbered = imports.numbered(
        rows,
        start=2,
        max_rows=MAX_ROWS,
        max_scanned=MAX_SCANNED_ROWS,
        too_many=_("The file has more than %(max)d activities. Split it into smaller files.")
        % {"max": MAX_ROWS},
    )
    if not numbered:
        raise ImportRefused(_("The file has no activities below its headers."))
    report = ImportReport()

    def check_row(number: int, row: list[str]) -> list[str]:
        cells = {n: v for n, v in zip(columns, row, strict=False) if n}
        data, unknown = _form_data(cells, lookups)
        form = ActivityForm(data, instance=Activity(pledge=pledge), pledge=pledge)
        if form.is_valid() and not unknown:
            try:
                with transaction.atomic():
                    services.activity_save(user=user, activity=form.instance, themes=form.themes)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                report.created.append(form.instance)
                _note_partner(report, number, form.instance)
                return []
        return _row_errors(number, form, unknown)

    report.errors = imports.all_or_none(numbered, check_row)
    if report.errors:
        report.created = []
        report.partners_matched, report.partners_as_text = [], []
    return report
