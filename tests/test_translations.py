"""The translation catalogues are complete, compiled and in step with the source.

Swedish is the default language, so every string the interface shows needs a
Swedish translation. The compiled ``django.mo`` files are committed (a fresh
machine needs nothing more to serve Swedish pages), so they must be the compiled
``.po`` files. GNU gettext is required (``.ci/run`` installs it); none of these
tests writes to ``locale/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ["sv", "en"]
SV_PO = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"
# What `make messages` leaves out; hidden directories (.venv, .git) are skipped anyway.
IGNORED_DIRS = {"var", "bench", "staticfiles", "locale", "node_modules", "__pycache__"}
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def po_path(language: str) -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def test_every_swedish_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(SV_PO))
    assert len(catalogue) > 50
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"Untranslated in {SV_PO}: {untranslated}"
    assert not fuzzy, f"Fuzzy in {SV_PO} (check and unflag): {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_is_valid(language):
    metadata = polib.pofile(str(po_path(language))).metadata
    assert metadata["Language"] == language
    assert metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_swedish_translations_keep_every_placeholder():
    wrong = []
    for entry in polib.pofile(str(SV_PO)).translated_entries():
        if entry.msgid_plural:
            allowed = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
            # a form may leave the number out ("en kommun"), but never invent a name
            wrong += [
                entry.msgid
                for form in entry.msgstr_plural.values()
                if not set(PLACEHOLDER.findall(form)) <= allowed
            ]
        elif set(PLACEHOLDER.findall(entry.msgstr)) != set(PLACEHOLDER.findall(entry.msgid)):
            wrong.append(entry.msgid)
    assert not wrong, f"Placeholders differ between msgid and msgstr: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_is_the_compiled_po(language, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext (msgfmt) is needed: apt-get install gettext"
    po = po_path(language)
    compiled = tmp_path / "django.mo"
    # the same command as `manage.py compilemessages`
    subprocess.run([msgfmt, "--check-format", "-o", str(compiled), str(po)], check=True)  # noqa: S603
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), (
        f"locale/{language}/LC_MESSAGES/django.mo is not the compiled .po: run `make messages`"
    )


def _copy_sources(destination: Path) -> None:
    """Copy what makemessages reads (templates and Python, not locale/) to ``destination``."""
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [
            d for d in subdirectories if not d.startswith(".") and d not in IGNORED_DIRS
        ]
        for name in files:
            if Path(name).suffix in {".py", ".html", ".txt"}:
                target = destination / Path(directory).relative_to(ROOT) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(directory) / name, target)


def test_every_source_string_is_in_the_catalogue(tmp_path, monkeypatch):
    source, scratch = tmp_path / "src", tmp_path / "locale"
    _copy_sources(source)
    scratch.mkdir()
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[str(scratch)]):
        call_command("makemessages", locale=["sv"], verbosity=0, no_obsolete=True)
    extracted = polib.pofile(str(scratch / "sv" / "LC_MESSAGES" / "django.po"))
    assert len(extracted) > 50, "makemessages extracted almost nothing"
    catalogue = polib.pofile(str(SV_PO))
    missing = [
        e.msgid
        for e in extracted
        if catalogue.find(e.msgid, msgctxt=e.msgctxt) is None
        or catalogue.find(e.msgid, msgctxt=e.msgctxt).msgid_plural != e.msgid_plural
    ]
    assert not missing, f"In the source but not in {SV_PO} (run `make messages`): {missing}"


# Aliases, so that makemessages does not collect this file's strings.
translate, translate_plural = translation.gettext, translation.ngettext
MUNICIPALITIES = ("%(counter)s municipality", "%(counter)s municipalities")


def test_swedish_strings_are_served():
    with translation.override("sv"):
        assert translate("Log in") == "Logga in"
        assert translate("There is a problem") == "Det finns ett problem"
        assert translate("Skip to main content") == "Hoppa till huvudinnehållet"
        assert translate_plural(*MUNICIPALITIES, 1) % {"counter": 1} == "1 kommun"
        assert translate_plural(*MUNICIPALITIES, 290) % {"counter": 290} == "290 kommuner"


def test_english_is_the_msgid():
    with translation.override("en"):
        assert translate("Log in") == "Log in"
        assert translate_plural(*MUNICIPALITIES, 2) % {"counter": 2} == "2 municipalities"
