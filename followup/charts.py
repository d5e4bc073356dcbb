"""The charts moved to ``councils.charts`` so every app can draw them (EST's weekly
picture lies below followup); the names stay importable from here."""

from councils.charts import CHAR_WIDTH, LABEL_WIDTH, bar_svg, trend_svg, wrap

__all__ = ["CHAR_WIDTH", "LABEL_WIDTH", "bar_svg", "trend_svg", "wrap"]
