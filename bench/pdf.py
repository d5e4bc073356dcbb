"""The county summary PDF on the national data set: WeasyPrint against Chromium.

The HTML of Västra Götaland's county summary (49 municipalities) is built once, then
printed twice in the same run, each in its own process so that peak memory is the
printer's own:

- WeasyPrint, as the report task prints it (``followup.reports.html_to_pdf``, with the
  static-only URL fetcher), in a child Python process (``python -m bench.pdf render``);
- ``chromium --headless --print-to-pdf`` of the same HTML written to a file, its font
  URLs pointing at the same font files.

Time is wall-clock seconds of the print alone (HTML building is reported separately);
peak memory is the printing process's maximum resident set size (WeasyPrint's includes
the Python process with Django loaded; Chromium's is its largest process, measured
through a small wrapper process whose only children are Chromium's). The ratio is
WeasyPrint's time over Chromium's.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

COUNTY_CODE = "14"  # Västra Götalands län
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "chromium")
FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"


@dataclass(frozen=True)
class Print:
    printer: str
    seconds: float
    peak_mb: float
    pages: int
    size_kb: float


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def build_html(year: int) -> tuple[str, float, int]:
    """The county summary's HTML, the seconds it took and the number of municipalities."""
    from councils.models import County
    from followup import reports

    county = County.objects.get(code=COUNTY_CODE)
    start = time.perf_counter()
    html = reports.county_summary_html(county.pk, year)
    seconds = time.perf_counter() - start
    return html, seconds, county.municipalities.count()


def _render_child(html_path: Path, pdf_path: Path) -> None:
    """In the child process: print with WeasyPrint, write the PDF, report on stdout."""
    from followup import reports

    html = html_path.read_text(encoding="utf-8")
    start = time.perf_counter()
    pdf = reports.html_to_pdf(html)
    seconds = time.perf_counter() - start
    pdf_path.write_bytes(pdf)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))


def weasyprint(html_path: Path, pdf_path: Path) -> Print:
    result = subprocess.run(
        [sys.executable, "-m", "bench.pdf", "render", str(html_path), str(pdf_path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    return Print(
        "WeasyPrint",
        measured["seconds"],
        measured["peak_mb"],
        _pages(pdf_path),
        pdf_path.stat().st_size / 1024,
    )


def chromium(html: str, folder: Path) -> Print:
    """Chromium's print of the same HTML: fonts from the same files, by file:// URL."""
    page = folder / "county-summary-chromium.html"
    page.write_text(html.replace('url("/static/fonts/', f'url("{FONTS.as_uri()}/'), "utf-8")
    pdf = folder / "county-summary-chromium.pdf"
    profile = folder / "chromium-profile"
    command = [
        shutil.which(CHROMIUM) or CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]
    # a small wrapper process runs Chromium, so that its RUSAGE_CHILDREN is Chromium's
    # processes alone (the bench's own earlier children would count here otherwise)
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True, timeout=600)\n"
        "seconds = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'seconds': seconds, 'peak_kb': peak}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command], check=True, capture_output=True, text=True
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    seconds, peak_kb = measured["seconds"], measured["peak_kb"]
    shutil.rmtree(profile, ignore_errors=True)
    return Print(
        "Chromium --print-to-pdf",
        seconds,
        peak_kb / 1024,
        _pages(pdf),
        pdf.stat().st_size / 1024,
    )


def measure(year: int) -> dict:
    """Build the HTML and print it with both; Chromium first, so that its peak memory
    (the largest child so far) is not WeasyPrint's child."""
    html, html_seconds, municipalities = build_html(year)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as name:
        folder = Path(name)
        chrome = chromium(html, folder) if shutil.which(CHROMIUM) else None
        html_path = folder / "county-summary.html"
        html_path.write_text(html, "utf-8")
        weasy = weasyprint(html_path, folder / "county-summary.pdf")
    return {
        "municipalities": municipalities,
        "html_seconds": html_seconds,
        "html_kb": len(html.encode()) / 1024,
        "prints": [p for p in (weasy, chrome) if p is not None],
        "ratio": weasy.seconds / chrome.seconds if chrome else None,
    }


def rows(result: dict) -> list[tuple[str, str]]:
    """(label, note) of each printer, for the bench's table."""
    label = f"county summary PDF, Västra Götaland ({result['municipalities']} municipalities)"
    out = []
    for p in result["prints"]:
        note = f"{p.seconds:.2f} s, peak {p.peak_mb:.0f} MB, {p.pages} pages, {p.size_kb:.0f} kB"
        if p.printer == "WeasyPrint" and result["ratio"] is not None:
            note += f"; {result['ratio']:.1f} × Chromium's time"
        out.append((f"{label}: {p.printer}", note))
    return out


def table(result: dict) -> list[str]:
    """The Markdown lines of the PDF section."""
    lines = [
        f"County summary PDF, Västra Götaland ({result['municipalities']} municipalities): "
        f"HTML built in {result['html_seconds']:.2f} s ({result['html_kb']:.0f} kB).",
        "",
        "| printer | seconds | peak memory MB | pages | PDF kB |",
        "|---|---:|---:|---:|---:|",
    ]
    for p in result["prints"]:
        lines.append(
            f"| {p.printer} | {p.seconds:.2f} | {p.peak_mb:.0f} | {p.pages} | {p.size_kb:.0f} |"
        )
    if result["ratio"] is None:
        lines.append("")
        lines.append(f"Chromium not found at {CHROMIUM}: no ratio (set BENCH_CHROMIUM).")
    else:
        lines.append("")
        lines.append(
            f"WeasyPrint / Chromium time ratio: {result['ratio']:.1f} "
            "(same HTML, same machine, same run)."
        )
    return lines


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if len(sys.argv) == 4 and sys.argv[1] == "render":
        _render_child(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        from django.utils import timezone

        print("\n".join(table(measure(timezone.localdate().year))))
