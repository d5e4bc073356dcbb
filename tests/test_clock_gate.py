"""Nothing reads the calendar at import time.

A date taken when a module is imported is the day the process started, not the day a
request, a job or a frozen test runs on: a test that builds its data from such a date
passes on one day and fails on another. This gate reads every Python file of the
project (tests included) and fails on any call of a clock (``now()``, ``today()``,
``localdate()``, ``localtime()``, ``utcnow()``, ``time()``) that runs when the module
is imported: at module level, in a class body, in a default argument or a decorator.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from tests.apps import FEATURE_APPS

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("config", *FEATURE_APPS, "tests", "bench")
CLOCKS = {"now", "today", "localdate", "localtime", "utcnow", "time", "time_ns"}
#: the one file that must read the clock at start-up: it moves it for the dated test runs
MOVES_THE_CLOCK = ROOT / "tests" / "clock" / "sitecustomize.py"


def _python_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and path != MOVES_THE_CLOCK:
                yield path


def _clock_calls(node: ast.AST):
    """Clock calls under ``node`` that run when it is evaluated (a lambda's body runs later)."""
    if isinstance(node, ast.Lambda):
        return
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in CLOCKS:
            yield node
    for child in ast.iter_child_nodes(node):
        yield from _clock_calls(child)


def _import_time_nodes(tree: ast.Module):
    """The expressions Python evaluates when the module is imported."""
    pending = list(tree.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from statement.decorator_list
            yield from statement.args.defaults
            yield from (d for d in statement.args.kw_defaults if d is not None)
        elif isinstance(statement, ast.ClassDef):
            yield from statement.decorator_list
            yield from statement.bases
            pending.extend(statement.body)
        elif isinstance(statement, ast.If) and "__main__" in ast.unparse(statement.test):
            continue  # runs when the file is a script, not when it is imported
        elif isinstance(statement, ast.If | ast.Try | ast.With | ast.For | ast.While):
            # the bodies run at import; their tests/items too
            for field in ("test", "iter", "items"):
                value = getattr(statement, field, None)
                if isinstance(value, list):
                    yield from value
                elif value is not None:
                    yield value
            for field in ("body", "orelse", "finalbody"):
                pending.extend(getattr(statement, field, []))
            for handler in getattr(statement, "handlers", []):
                pending.extend(handler.body)
        else:
            yield statement


def test_no_module_reads_the_clock_at_import_time():
    found = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _import_time_nodes(tree):
            for call in _clock_calls(node):
                found.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call)}")
    assert not found, "Clock read at import time:\n" + "\n".join(found)


def test_the_gate_finds_an_import_time_clock():
    source = (
        "import datetime as dt\n"
        "from django.utils import timezone\n"
        "TODAY = timezone.localdate()\n"
        "class A:\n    when = dt.datetime.now()\n"
        "def f(day=dt.date.today()):\n    return timezone.now()\n"
        "LATER = lambda: timezone.now()\n"
    )
    tree = ast.parse(source)
    calls = [ast.unparse(c) for n in _import_time_nodes(tree) for c in _clock_calls(n)]
    assert sorted(calls) == ["dt.date.today()", "dt.datetime.now()", "timezone.localdate()"]


#: the one module that asks Django for the date; everything else asks it (``dates.today()``)
THE_CLOCK = ROOT / "councils" / "dates.py"


def _localdate_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "localdate" and not node.args and not node.keywords:
                yield node  # localdate(moment) converts a moment, it reads no clock


def test_the_application_asks_one_clock_for_the_date():
    """ "Today" is Stockholm's date from ``councils.dates.today()``: one place to read,
    to freeze and to move (``timezone.localdate()`` elsewhere is a second clock)."""
    found = []
    for path in _python_files():
        if path == THE_CLOCK or path.parts[len(ROOT.parts)] in ("tests", "bench"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [f"{path.relative_to(ROOT)}:{c.lineno}" for c in _localdate_calls(tree)]
    assert not found, "timezone.localdate() outside councils/dates.py:\n" + "\n".join(found)


def test_the_one_clock_gate_finds_localdate():
    tree = ast.parse(
        "from django.utils import timezone\ndef f():\n    return timezone.localdate()\n"
    )
    assert len(list(_localdate_calls(tree))) == 1
