"""The README's environment-variable table says what config/settings.py reads, with the
defaults it uses in production (``DEBUG`` off), and docker-compose.yml sets the same
defaults (issue 22: the table said ``SECURE_HSTS_PRELOAD`` defaults to false while
settings and compose default to true).

The table's rule: the first value in backticks in the default column is the production
default (``31536000`` unless ``DEBUG``); an empty default is written "none", "empty"
or "unset"; a default built from paths (``var/media/``) is not compared.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPERS = {"env_str", "env_bool", "env_int", "env_list", "env_month_day"}
EMPTY_WORDS = ("none", "empty", "unset")
#: compose defaults that differ from the settings' on purpose, and why
COMPOSE_DIFFERS = {
    "ALLOWED_HOSTS": "compose answers on localhost out of the box, to be tried there",
    "SITE_URL": "compose publishes port 8000 on localhost",
    "FILE_STORAGE": "compose keeps files in PostgreSQL, for web and workers on several hosts",
}


class Unknown:
    """A default that is not a value of its own (a path, an f-string)."""


def _render(value) -> str | type[Unknown]:
    if value is Unknown:
        return Unknown
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple) and len(value) == 2:  # env_month_day
        return f"{value[0]:02d}-{value[1]:02d}"
    if isinstance(value, list):
        return ",".join(value)
    return "" if value is None else str(value)


def settings_defaults(source: str) -> dict[str, str | type[Unknown]]:
    """Every variable ``config/settings.py`` reads, with its default when ``DEBUG`` is
    off, rendered as the README writes it (a default naming earlier settings is worked
    out from theirs)."""
    tree = ast.parse(source)
    targets = {
        node.value.lineno: node.targets[0].id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and isinstance(node.targets[0], ast.Name)
    }
    calls = sorted(
        (
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in HELPERS
        ),
        key=lambda node: node.lineno,
    )
    known: dict[str, object] = {"DEBUG": False}
    defaults: dict[str, str | type[Unknown]] = {}
    for call in calls:
        name = call.args[0].value
        given = call.args[1] if len(call.args) > 1 else None
        given = next((k.value for k in call.keywords if k.arg == "default"), given)
        try:
            value = (
                None
                if given is None
                else eval(compile(ast.Expression(given), "", "eval"), {}, known)  # noqa: S307
            )
        except (NameError, TypeError):
            value = Unknown
        if name != "DEBUG" and targets.get(call.lineno):
            known[targets[call.lineno]] = value
        defaults[name] = _render(value)
    return defaults


def readme_table(text: str) -> dict[str, str]:
    """The Configuration section's table: variable name → its default cell (a row of
    several names gives each its own value when there are as many)."""
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z0-9_]+)`", cells[0])
        values = re.findall(r"`([^`]*)`", cells[1])
        for index, name in enumerate(names):
            if len(names) > 1 and len(values) == len(names):
                rows[name] = f"`{values[index]}`"
            else:
                rows[name] = cells[1]
    return rows


def documented_default_matches(cell: str, expected) -> bool:
    if expected is Unknown:
        return True
    if expected == "":
        return cell.lower().startswith(EMPTY_WORDS)
    first = re.search(r"`([^`]*)`", cell)
    return first is not None and first.group(1) == expected


def compose_environment(text: str) -> dict[str, str]:
    """The ``x-app-env`` block of docker-compose.yml: name → value as written."""
    block = text.split("x-app-env: &app-env\n", 1)[1].split("\n\n", 1)[0]
    return {
        name: value.strip().strip('"')
        for name, value in (
            line.strip().split(":", 1)
            for line in block.splitlines()
            if not line.strip().startswith("#")
        )
    }


def compose_default(value: str) -> str | None:
    """``x`` of ``${NAME:-x}``; None for a value compose fixes or requires."""
    match = re.fullmatch(r"\$\{[A-Z0-9_]+:-(.*)\}", value)
    return match.group(1) if match else None


# --- the checks -------------------------------------------------------------------------


def _sources():
    return (
        settings_defaults((ROOT / "config" / "settings.py").read_text(encoding="utf-8")),
        readme_table((ROOT / "README.md").read_text(encoding="utf-8")),
        compose_environment((ROOT / "docker-compose.yml").read_text(encoding="utf-8")),
    )


def test_every_variable_the_settings_read_is_in_the_readme_and_no_other():
    settings, readme, _compose = _sources()
    assert sorted(set(settings) - set(readme)) == [], "read by settings, not in the README"
    assert sorted(set(readme) - set(settings)) == [], "in the README, not read by settings"


def test_the_readme_gives_the_settings_production_defaults():
    settings, readme, _compose = _sources()
    wrong = {
        name: (readme[name], expected)
        for name, expected in settings.items()
        if name in readme and not documented_default_matches(readme[name], expected)
    }
    assert wrong == {}, "README default cell, settings' default"


def test_compose_sets_only_variables_the_settings_read_with_their_defaults():
    settings, _readme, compose = _sources()
    assert sorted(set(compose) - set(settings)) == []
    wrong = {
        name: (default, settings[name])
        for name, value in compose.items()
        if (default := compose_default(value)) is not None
        and name not in COMPOSE_DIFFERS
        and settings[name] is not Unknown
        and default != settings[name]
    }
    assert wrong == {}, "compose default, settings' default"


def test_the_checks_find_the_old_mismatch():
    """The table as it was: SECURE_HSTS_PRELOAD said `false`, settings say true."""
    settings = settings_defaults(
        "SECURE_HSTS_SECONDS = env_int('SECURE_HSTS_SECONDS', 0 if DEBUG else 31_536_000)\n"
        "SECURE_HSTS_PRELOAD = env_bool('SECURE_HSTS_PRELOAD', "
        "default=SECURE_HSTS_SECONDS >= 31_536_000)\n"
    )
    assert settings == {"SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_PRELOAD": "true"}
    table = readme_table(
        "## Configuration\n\n| variable | default | meaning |\n|---|---|---|\n"
        "| `SECURE_HSTS_PRELOAD` | `false` | add `preload` to HSTS |\n"
        "| `EMAIL_HOST`, `EMAIL_PORT` | `localhost`, `25` | SMTP server |\n"
    )
    assert table == {
        "SECURE_HSTS_PRELOAD": "`false`",
        "EMAIL_HOST": "`localhost`",
        "EMAIL_PORT": "`25`",
    }
    assert not documented_default_matches(table["SECURE_HSTS_PRELOAD"], "true")
    assert compose_default("${SECURE_HSTS_PRELOAD:-false}") == "false"
    assert compose_default("redis://redis:6379/0") is None


# --- the process set ---------------------------------------------------------------------

SET_UP = ["migrate", "load_reference_data", "load_regional_themes"]


def _manage_commands(text: str) -> list[str]:
    return re.findall(r"manage\.py ([a-z_]+)", text)


def test_compose_web_sets_up_what_production_needs_before_gunicorn():
    """Without load_regional_themes Stockholm's required themes would be missing."""
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    web = compose.split("\n  web:\n", 1)[1].split("\n  worker:", 1)[0]
    assert _manage_commands(web) == SET_UP
    assert web.index("load_regional_themes") < web.index("exec gunicorn")


def test_the_readme_recipe_runs_the_same_set_up_and_collectstatic():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    recipe = readme.split("### The same processes by hand", 1)[1].split("\n## ", 1)[0]
    commands = _manage_commands(recipe)
    assert [c for c in commands if c in SET_UP] == SET_UP
    assert "collectstatic" in commands and "seed_demo" not in commands
    for process in ("gunicorn config.wsgi:application", "-A config worker", "-A config beat"):
        assert process in recipe
