"""The charts moved to ``councils.charts`` so every app can draw them (EST's weekly
picture lies below followup); the names stay importable from here."""

from councils.charts import bar_svg, trend_svg, wrap

__all__ = ["bar_svg", "trend_svg", "wrap"]
