"""Hostile input, attachments: files that must be refused whatever their name says."""

from __future__ import annotations

import io

import pytest

from attachments import services, sniffing
from tests.attachments import samples

HOSTILE = {
    "wrong extension (a program named .pdf)": (lambda: samples.EXE, "protokoll.pdf"),
    "PDF + HTML polyglot": (samples.pdf_html_polyglot, "a.pdf"),
    "zip bomb as DOCX": (samples.zip_bomb_docx, "avtal.docx"),
    "SVG with script": (lambda: samples.SVG, "bild.png"),
    "HTML page": (lambda: samples.HTML_PAGE, "a.txt"),
    "PDF with JavaScript": (
        lambda: samples.pdf_with(b"/OpenAction << /S /JavaScript /JS (x) >>"),
        "a.pdf",
    ),
    "PDF with JavaScript in an object stream": (
        lambda: samples.pdf_with(b"/OpenAction << /S /JavaScript /JS (x) >>", packed=True),
        "a.pdf",
    ),
    "PDF with escaped names": (
        lambda: samples.pdf_with(b"/AA << /O << /S /J#61vaScript >> >>"),
        "a.pdf",
    ),
    "PDF with embedded files": (
        lambda: samples.pdf_with(b"/Names << /EmbeddedFiles 3 0 R >>"),
        "a.pdf",
    ),
    "macro-enabled DOCX": (lambda: samples.docx({"word/vbaProject.bin": b"\0"}), "a.docx"),
    "docm content type": (
        lambda: samples.docx(
            types=samples.DOCX_TYPES.replace(b"document.main", b"document.macroEnabled.main")
        ),
        "a.docx",
    ),
    "plain zip": (lambda: samples._zip({"a.txt": b"x"}), "a.zip"),
    "gzip": (lambda: b"\x1f\x8b\x08" + b"\0" * 20, "a.csv"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_the_accepted_types(name):
    make, filename = HOSTILE[name]
    with pytest.raises(sniffing.Refused) as refused:
        sniffing.sniff(io.BytesIO(make()), filename)
    assert "PDF" in str(refused.value) and "DOCX" in str(refused.value)


def test_an_oversized_file_is_refused_before_it_is_read(settings):
    settings.ATTACHMENT_MAX_FILE_BYTES = 10

    class Unreadable:
        size = 11
        name = "a.pdf"

        def read(self, *args):
            raise AssertionError("read")

    with pytest.raises(sniffing.Refused):
        services.attach(
            object(), upload=Unreadable(), title="t", kind="other", public=False, user=None
        )


@pytest.mark.parametrize(
    "name",
    [
        "../../../etc/passwd",
        "C:\\Windows\\system32\\a.pdf",
        "a\x00b\x1b[31m\r\n.pdf",
        "å" * 300 + ".pdf",
    ],
)
def test_hostile_file_names_become_bounded_display_text(name):
    cleaned = services.clean_name(name)
    assert not any(char in cleaned for char in "/\\\x00\x1b\r\n")
    assert 0 < len(cleaned) <= services.NAME_LENGTH
