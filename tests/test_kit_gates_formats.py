"""Dates and numbers for people go through one formatting layer: ``councils.formats``.

Templates use its filters (``{% load formats %}``: ``day``, ``iso``, ``moment``,
``number``, ``percent`` …), Python code its functions. This gate fails on the old
ways of doing it by hand:

- in templates: Django's ``|date``, ``|time``, ``|floatformat`` (and ``|intcomma``)
  filters and the ``{% now "…" %}`` tag, each a format chosen on the spot; and a
  date printed bare (``{{ a.start_date }}``, ``{{ p.signed_at|default:"" }}``), which
  Django writes in its own format ("Jan. 1, 2026" in English, ISO in a snapshot);
- in app code: ``strftime(…)``, a date format in an f-string (``f"{d:%Y-%m-%d}"``),
  and imports of ``django.utils.formats`` / ``dateformat`` / ``numberformat``.

Only ``councils/formats.py`` may do these. Test code is exempt. Machine formats
(``value.isoformat()`` in JSON, CSV cells, file names) are data, not formatting, and
are not flagged.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_PACKAGES = ("config", "councils", "agreements", "pledges", "est", "followup", "search")
THE_KIT = ROOT / "councils" / "formats.py"
TEMPLATE_PATTERN = re.compile(
    r"\|\s*(?P<filter>date|time|floatformat|intcomma)\b|\{%-?\s*now\s", re.MULTILINE
)
#: a date-named value printed with no filter of the kit (``_date``, ``_on``, ``_at``,
#: ``period_start``/``period_end``, ``next_review``), or a measured ``_value`` (Django
#: would print a decimal's stored places, "20,00"), or one only through default/escape
BARE_DATE = re.compile(
    r"\{\{\s*[\w.]*?\b(?:\w+_date|\w+_on|\w+_at|period_start|period_end|next_review|\w+_value)"
    r"\s*(?:\}\}|\|\s*(?:default|escape|force_escape|safe)\b)"
)
FORMAT_MODULES = {"django.utils.formats", "django.utils.dateformat", "django.utils.numberformat"}
HINT = "use councils.formats (templates: {% load formats %} and |day, |iso, |moment, |number)"


def template_violations(text: str) -> list[str]:
    """The hand-made formats in a template's text, with their line numbers."""
    found = []
    for match in TEMPLATE_PATTERN.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(f"line {line}: {match.group(0).strip()}")
    for match in BARE_DATE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(f"line {line}: a bare date {match.group(0).strip()}")
    return found


def python_violations(source: str) -> list[str]:
    """The hand-made formats in a Python module's source, with their line numbers."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "strftime"
        ):
            found.append(f"line {node.lineno}: strftime()")
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = ast.unparse(node.format_spec)
            if "%" in spec:
                found.append(f"line {node.lineno}: a date format in an f-string")
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
            if names & FORMAT_MODULES:
                found.append(f"line {node.lineno}: import from {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in FORMAT_MODULES:
                    found.append(f"line {node.lineno}: import {alias.name}")
    return found


def _templates():
    for directory in (ROOT / "templates", *sorted(ROOT.glob("*/templates"))):
        for path in sorted(directory.rglob("*")):
            if path.suffix in {".html", ".txt", ".xml", ".svg"} and ".venv" not in path.parts:
                yield path


def _app_modules():
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and path != THE_KIT:
                yield path


def test_templates_format_dates_and_numbers_through_the_kit():
    offences = [
        f"{path.relative_to(ROOT)} {offence}"
        for path in _templates()
        for offence in template_violations(path.read_text())
    ]
    assert not offences, f"{HINT}:\n" + "\n".join(offences)


def test_app_code_formats_dates_and_numbers_through_the_kit():
    offences = [
        f"{path.relative_to(ROOT)} {offence}"
        for path in _app_modules()
        for offence in python_violations(path.read_text())
    ]
    assert not offences, f"{HINT}:\n" + "\n".join(offences)


# --- the gate catches the old patterns ---------------------------------------------------


def test_the_template_gate_catches_the_old_filters():
    old = (
        '{% load i18n %}<td>{{ a.start|date:"j M Y" }}</td>\n'
        "<td>{{ a.signed_at|time:'H:i' }}</td>\n"
        '<td>{{ i.value|floatformat:"-2" }} {{ n|intcomma }} {{ d|date }}</td>\n'
        '<p>{% now "Y" %}</p>'
    )
    found = template_violations(old)
    assert len(found) == 6, found
    assert found[0].startswith("line 1:") and found[-1].startswith("line 4:")


def test_the_template_gate_catches_a_date_or_a_measured_value_printed_bare():
    """Django would print these as "Jan. 1, 2026" in English, or ISO from a snapshot."""
    old = (
        "<td>{{ activity.start_date }}</td>\n"
        '<dd>{{ snapshot.signatories.police.signed_on|default:"" }}</dd>\n'
        "<p>{{ pledge.period_start }} – {{ pledge.period_end }}</p>\n"
        "<p>{{ report.created_at }}</p>\n"
        "<td>{{ goal.baseline_value }}</td>"
    )
    found = template_violations(old)
    lines = [entry.split(":")[0] for entry in found]
    assert lines == ["line 1", "line 2", "line 3", "line 3", "line 4", "line 5"]


def test_the_template_gate_lets_the_kit_through():
    new = (
        "{% load i18n formats %}<td>{{ a.start|iso }}</td><td>{{ a.signed_at|moment }}</td>"
        "<td>{{ i.value|number }} {{ p|percent }} {{ a.start|day|default:'–' }}</td>"
        "{{ mandate|datefield }} {{ times }} {{ a.start_date|short_day }}"
        "{{ s.start_date|period:s.end_date }} {{ n.signed_on|day|default:'–' }}"
        "{% blocktranslate with date=p.signed_on|day %}on {{ date }}{% endblocktranslate %}"
    )
    assert template_violations(new) == []


def test_the_python_gate_catches_the_old_ways():
    old = (
        "import django.utils.dateformat\n"
        "from django.utils import formats\n"
        "from django.utils.formats import number_format\n"
        "label = day.strftime('%d %B %Y')\n"
        "message = f'due {day:%Y-%m-%d}'\n"
    )
    found = python_violations(old)
    assert [entry.split(":")[0] for entry in found] == [f"line {n}" for n in range(1, 6)], found


def test_the_python_gate_lets_the_kit_and_data_through():
    new = (
        "from councils import formats\n"
        "label = formats.day(day)\n"
        "message = f'due {formats.iso(day)} at {x:.1f} ({n:>3})'\n"
        "row = {'date': day.isoformat()}\n"
        "cell.number_format = 'yyyy-mm-dd'\n"
    )
    assert python_violations(new) == []
