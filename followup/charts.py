"""A small trend chart as inline SVG, drawn on the server: no JavaScript.

``trend_svg(series, title=…, description=…, baseline=…, target=…)`` returns safe
markup: an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``, the
values as a line with a dot and the value per year, the baseline and the target as
dashed lines. The description also lists every value in words, so a screen reader
gets the same as the eye. All text is escaped.
"""

from __future__ import annotations

import itertools
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
