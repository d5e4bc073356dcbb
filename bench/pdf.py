"""The county summary PDF on the national data set: WeasyPrint against Chromium.

Västra Götaland's county summary (49 municipalities), each printer in its own process
so that peak memory is the printer's own:

- WeasyPrint as the report task prints it (``followup.reports.county_summary_pdf``: the
  summary put together from parts, each laid out once and reused while its content is
  the same, ``followup.county_pdf``), in a child Python process (``python -m bench.pdf
  task``): first cold (no part laid out in the process), then again after one
  municipality's activity changed (in a transaction rolled back after), as a worker
  prints it the next time;
- ``chromium --headless --print-to-pdf`` of the whole summary as one HTML document
  (``county_summary_html``) written to a file, its font URLs pointing at the same font
  files: printed ``CHROMIUM_PRINTS`` times, each with a new profile, and its time the
  median (one print's time moved by half between runs of the bench; the spread is shown).

Time is wall-clock seconds: WeasyPrint's from the data to the PDF's bytes (its parts'
HTML is made inside), Chromium's of the print alone (the HTML's building is reported
separately). Peak memory is the printing process's maximum resident set size
(WeasyPrint's includes the Python process with Django loaded; Chromium's is its largest
process, measured through a small wrapper process whose only children are Chromium's).
The ratios are WeasyPrint's times over Chromium's.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

COUNTY_CODE = "14"  # Västra Götalands län
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "chromium")
#: how many times Chromium prints; its time is their median
CHROMIUM_PRINTS = 3
#: how many times WeasyPrint prints again, each after another change; its time is their
#: median (one print again moved by a fifth between runs of the bench)
AGAIN_PRINTS = 3
FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"


@dataclass(frozen=True)
class Print:
    printer: str
    seconds: float
    peak_mb: float
    pages: int
    size_kb: float
    #: the fastest and slowest of several prints, when ``seconds`` is their median
    spread: tuple[float, float] | None = None


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


def _task_child(year: int, pdf_path: Path) -> None:
    """In the child process: the county summary as the report task prints it, cold, then
    again after one municipality changed; report on stdout."""
    from django.db import transaction

    from councils import dates
    from councils.models import County
    from followup import county_pdf, county_summary, reports
    from pledges.models import Activity

    county = County.objects.get(code=COUNTY_CODE)
    county_pdf.clear_cache()
    start = time.perf_counter()
    pdf = reports.county_summary_pdf(county.pk, year)
    cold = time.perf_counter() - start
    pdf_path.write_bytes(pdf)

    summary = county_summary.county_summary(county, year, dates.today())
    section = next(s for s in summary.reported if s.activities)
    changed = Activity.objects.filter(
        pledge__municipality=section.row.municipality,
        title=section.activities[0].title,
        deleted_at__isnull=True,
    )
    seconds_again = []
    for turn in range(1, AGAIN_PRINTS + 1):
        with transaction.atomic():
            assert changed.update(title=f"{section.activities[0].title} (ändrad {turn})")
            start = time.perf_counter()
            again = reports.county_summary_pdf(county.pk, year)
            seconds_again.append(time.perf_counter() - start)
            transaction.set_rollback(True)
        assert again != pdf
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": cold,
                "again": statistics.median(seconds_again),
                "again_spread": [min(seconds_again), max(seconds_again)],
                "changed": section.row.municipality.name,
                "peak_mb": peak_kb / 1024,
            }
        )
    )


def weasyprint(year: int, pdf_path: Path) -> tuple[Print, float, tuple[float, float], str]:
    """The task's print, cold; the seconds of the print again after one municipality
    changed (the median of ``AGAIN_PRINTS``, each after another change) and their
    spread; and that municipality."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.pdf", "task", str(year), str(pdf_path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    cold = Print(
        "WeasyPrint",
        measured["seconds"],
        measured["peak_mb"],
        _pages(pdf_path),
        pdf_path.stat().st_size / 1024,
    )
    return cold, measured["again"], tuple(measured["again_spread"]), measured["changed"]


def _chromium_once(command: list[str]) -> tuple[float, int]:
    """One print: its seconds and the peak resident set size of Chromium's processes."""
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
    return measured["seconds"], measured["peak_kb"]


def chromium(html: str, folder: Path) -> Print:
    """Chromium's print of the same HTML: fonts from the same files, by file:// URL;
    ``CHROMIUM_PRINTS`` prints, each with a new profile, the median time and the
    largest peak."""
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
    times, peaks = [], []
    for _ in range(CHROMIUM_PRINTS):
        seconds, peak_kb = _chromium_once(command)
        shutil.rmtree(profile, ignore_errors=True)
        times.append(seconds)
        peaks.append(peak_kb)
    return Print(
        "Chromium --print-to-pdf",
        statistics.median(times),
        max(peaks) / 1024,
        _pages(pdf),
        pdf.stat().st_size / 1024,
        spread=(min(times), max(times)),
    )


def measure(year: int) -> dict:
    """Build the HTML and print it with Chromium, then the task's print with WeasyPrint;
    Chromium first, so that its peak memory (the largest child so far) is not
    WeasyPrint's child."""
    html, html_seconds, municipalities = build_html(year)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as name:
        folder = Path(name)
        chrome = chromium(html, folder) if shutil.which(CHROMIUM) else None
        weasy, again, again_spread, changed = weasyprint(year, folder / "county-summary.pdf")
    return {
        "municipalities": municipalities,
        "html_seconds": html_seconds,
        "html_kb": len(html.encode()) / 1024,
        "prints": [p for p in (weasy, chrome) if p is not None],
        "ratio": weasy.seconds / chrome.seconds if chrome else None,
        "again_seconds": again,
        "again_spread": again_spread,
        "again_ratio": again / chrome.seconds if chrome else None,
        "changed": changed,
    }


def rows(result: dict) -> list[tuple[str, str]]:
    """(label, note) of each print, for the bench's table: WeasyPrint cold, WeasyPrint
    again after one municipality changed, Chromium."""
    label = f"county summary PDF, Västra Götaland ({result['municipalities']} municipalities)"
    out = []
    for p in result["prints"]:
        note = f"{p.seconds:.2f} s, peak {p.peak_mb:.0f} MB, {p.pages} pages, {p.size_kb:.0f} kB"
        if p.spread is not None:
            note += f" (median of {CHROMIUM_PRINTS} prints, {p.spread[0]:.2f}–{p.spread[1]:.2f} s)"
        if p.printer == "WeasyPrint" and result["ratio"] is not None:
            note += f"; {result['ratio']:.1f} × Chromium's time"
        name = (
            "WeasyPrint, cold (as the report task prints it)"
            if p.printer == "WeasyPrint"
            else p.printer
        )
        out.append((f"{label}: {name}", note))
        if p.printer == "WeasyPrint":
            low, high = result["again_spread"]
            note = (
                f"{result['again_seconds']:.2f} s after {result['changed']} changed (median "
                f"of {AGAIN_PRINTS} prints, each after another change, {low:.2f}–{high:.2f} s)"
            )
            if result["again_ratio"] is not None:
                note += f"; {result['again_ratio']:.2f} × Chromium's time"
            out.append((f"{label}: WeasyPrint, again after one municipality changed", note))
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
        seconds = f"{p.seconds:.2f}"
        if p.spread is not None:
            seconds += f" (median of {CHROMIUM_PRINTS}: {p.spread[0]:.2f}–{p.spread[1]:.2f})"
        lines.append(f"| {p.printer} | {seconds} | {p.peak_mb:.0f} | {p.pages} | {p.size_kb:.0f} |")
    low, high = result["again_spread"]
    lines.append(
        f"| WeasyPrint again, {result['changed']} changed | {result['again_seconds']:.2f} "
        f"(median of {AGAIN_PRINTS}: {low:.2f}–{high:.2f}) | | | |"
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
    if len(sys.argv) == 4 and sys.argv[1] == "task":
        _task_child(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        from django.utils import timezone

        print("\n".join(table(measure(timezone.localdate().year))))
