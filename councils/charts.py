"""Charts as inline SVG, drawn on the server: no JavaScript.

``bar_svg(bars, title=…)`` draws a distribution as horizontal bars; long labels wrap
onto several lines (``wrap``) instead of being cut, and the chart scales down to the
width it is given (its ``viewBox``), so it never makes a page scroll sideways. The page
puts a visible heading, a caption and a table of the same numbers beside it.

A small trend chart as inline SVG:

``trend_svg(series, title=…, description=…, baseline=…, target=…)`` returns safe
markup: an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``, the
values as a line with a dot and the value per year, the baseline and the target as
dashed lines. The description also lists every value in words, so a screen reader
gets the same as the eye. All text is escaped.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from councils import formats

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 28

_ids = itertools.count(1)


def trend_svg(
    series: Sequence[tuple[int, Decimal]],
    *,
    title: str,
    description: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    unit: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    uid = next(_ids)
    baseline = None if baseline is None else Decimal(baseline)
    target = None if target is None else Decimal(target)
    points = [(int(year), Decimal(value)) for year, value in series]
    words = [
        _("%(year)s: %(value)s") % {"year": year, "value": formats.number(value)}
        for year, value in points
    ]
    extra = []
    if baseline is not None:
        extra.append(_("baseline %(value)s") % {"value": formats.number(baseline)})
    if target is not None:
        extra.append(_("target %(value)s") % {"value": formats.number(target)})
    desc_parts = [description] if description else []
    if unit:
        desc_parts.append(_("Unit: %(unit)s.") % {"unit": unit})
    desc_parts.append(
        (_("Values by year: %(values)s.") % {"values": "; ".join(words)})
        if words
        else _("No values yet.")
    )
    if extra:
        desc_parts.append(", ".join(extra).capitalize() + ".")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc">',
        f'<title id="chart-{uid}-title">{escape(title)}</title>',
        f'<desc id="chart-{uid}-desc">{escape(" ".join(desc_parts))}</desc>',
    ]
    levels = [v for _y, v in points] + [v for v in (baseline, target) if v is not None]
    if not levels:
        out.append("</svg>")
        return mark_safe("".join(out))  # noqa: S308 - every text above is escaped

    low, high = min(levels), max(levels)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * Decimal("0.1")
    low, high = low - pad, high + pad
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    years = [y for y, _v in points]
    first, last = (min(years), max(years)) if years else (0, 0)

    def x(year: int) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (year - first) / (last - first)

    def y(value: Decimal) -> float:
        return TOP + plot_h * float((high - value) / (high - low))

    out.append(
        f'<g aria-hidden="true" font-size="11" font-family="sans-serif">'
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        f'stroke="#6b6b6b"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#6b6b6b"/>'
    )
    for value, label, colour, dash in (
        (baseline, _("Baseline"), "#8a4b00", "6 4"),
        (target, _("Target"), "#00703c", "2 3"),
    ):
        if value is None:
            continue
        out.append(
            f'<line class="trend-chart__{"baseline" if colour == "#8a4b00" else "target"}" '
            f'x1="{LEFT}" y1="{y(value):.1f}" x2="{LEFT + plot_w}" y2="{y(value):.1f}" '
            f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}"/>'
            f'<text x="{LEFT + plot_w}" y="{y(value) - 3:.1f}" text-anchor="end" '
            f'fill="{colour}">{escape(label)} {escape(formats.number(value))}</text>'
        )
    if points:
        line = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in points)
        out.append(
            f'<polyline class="trend-chart__line" points="{line}" fill="none" '
            f'stroke="#1d4f91" stroke-width="2"/>'
        )
        for year, value in points:
            out.append(
                f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="3" fill="#1d4f91"/>'
                f'<text x="{x(year):.1f}" y="{y(value) - 6:.1f}" text-anchor="middle" '
                f'fill="#0b0c0c">{escape(formats.number(value))}</text>'
                f'<text x="{x(year):.1f}" y="{height - 8}" text-anchor="middle" '
                f'fill="#0b0c0c">{year}</text>'
            )
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


# --- bar charts ------------------------------------------------------------------------

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH, LINE = 22, 8, 190, 220, 15
_bar_ids = itertools.count(1)
#: the average width of a character at the labels' font size (13 px), for wrapping
CHAR_WIDTH = 7.2


def wrap(label: str, width: int) -> list[str]:
    """``label`` in lines that fit ``width`` pixels (a word longer than a line is split)."""
    return textwrap.wrap(label, max(8, int(width / CHAR_WIDTH))) or [""]


def bar_svg(
    bars: Sequence[tuple[str, str, int]], *, title: str, label_width: int = LABEL_WIDTH
) -> SafeString:
    """A horizontal bar chart: ``<svg role="img">`` labelled by its title, with a
    description that lists every number in words. Labels wrap onto as many lines as
    they need. All text is escaped."""
    uid = next(_bar_ids)
    biggest = max((n for _v, _l, n in bars), default=0) or 1
    width = label_width + BAR_WIDTH + 48
    lines = [wrap(label, label_width - 12) for _v, label, _n in bars]
    heights = [max(BAR_HEIGHT, len(label) * LINE + 7) for label in lines]
    height = sum(heights) + GAP * (len(bars) + 1)
    desc = "; ".join(
        _("%(label)s: %(count)s") % {"label": label, "count": n} for _v, label, n in bars
    )
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="bar-title-{uid} bar-desc-{uid}">',
        f'<title id="bar-title-{uid}">{escape(title)}</title>',
        f'<desc id="bar-desc-{uid}">{escape(desc)}</desc>',
    ]
    y = GAP
    for (value, _label, n), label_lines, row_height in zip(bars, lines, heights, strict=True):
        length = round(BAR_WIDTH * n / biggest)
        bar_y = y + (row_height - BAR_HEIGHT) / 2
        first = y + (row_height - len(label_lines) * LINE) / 2 + LINE - 3
        spans = "".join(
            f'<tspan x="{label_width - 6}" y="{first + i * LINE:.1f}">{escape(line)}</tspan>'
            for i, line in enumerate(label_lines)
        )
        parts.append(
            f'<text text-anchor="end" font-size="13" fill="#0b0c0c">{spans}</text>'
            f'<rect class="bar bar--{escape(value)}" x="{label_width}" y="{bar_y:.1f}" '
            f'width="{length}" height="{BAR_HEIGHT}" fill="#1d4f91"></rect>'
            f'<text x="{label_width + length + 6}" y="{bar_y + BAR_HEIGHT - 6:.1f}" '
            f'font-size="13" fill="#0b0c0c">{n}</text>'
        )
        y += row_height + GAP
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
