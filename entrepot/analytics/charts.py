"""The dashboards' charts, drawn on the server as inline SVG by pygal.

Why pygal: a maintained charting library on PyPI that renders SVG in Python, so the
charts need no JavaScript, no CDN and no static bundle (plotly would ship a 4 MB
script); they show with JavaScript off, print, and are read by tests as text. pygal's
optional tooltip script is loaded from a CDN by default: `js=[]` turns that off, so
nothing is fetched from anywhere. Each chart sits above a table of its numbers.
"""

from __future__ import annotations

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#333333",
    foreground_strong="#111111",
    foreground_subtle="#888888",
    colors=("#b5482a", "#2a6fb5", "#3c8d4f", "#8a5ab5"),
    font_family="sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    title_font_size=14,
    value_font_size=10,
)


def _config(**extra) -> dict:
    return {
        "js": [],  # no CDN script
        "disable_xml_declaration": True,
        "style": STYLE,
        "width": 760,
        "height": 300,
        "show_legend": False,
        "print_values": False,
        "margin": 12,
        **extra,
    }


def _svg(chart) -> SafeString:
    # pygal escapes every label and value it writes
    return mark_safe(chart.render(is_unicode=True))


def _x_labels(points, grain: str) -> tuple[list[str], list[str]]:
    fmt = "%Y-%m-%d" if grain == "d" else "%Y-%m"
    labels = [p.start.strftime(fmt) for p in points]
    step = max(1, len(labels) // 8)
    return labels, labels[::step]


def gmv_chart(points, grain: str) -> SafeString:
    """GMV (CNY) per day or month of the range."""
    chart = pygal.Bar(**_config(title=_("GMV per %(period)s (CNY)") % {
        "period": _("day") if grain == "d" else _("month")}, show_minor_x_labels=False,
        x_label_rotation=0, truncate_label=-1))  # fmt: skip
    chart.x_labels, chart.x_labels_major = _x_labels(points, grain)
    # chart coordinates, not money: the exact amounts are in the table below the chart
    chart.add(_("GMV"), [float(p.gmv.amount) for p in points])
    return _svg(chart)


def cross_border_chart(points, grain: str) -> SafeString:
    """The cross-border share of GMV (%) per day or month."""
    chart = pygal.Line(**_config(
        title=_("Cross-border share of GMV (%)"), range=(0, 100), show_minor_x_labels=False,
        x_label_rotation=0, truncate_label=-1, allow_interruptions=True,
    ))  # fmt: skip
    chart.x_labels, chart.x_labels_major = _x_labels(points, grain)
    chart.add(
        _("Cross-border share"),
        [float(p.cross_border_share) if p.cross_border_share is not None else None
         for p in points],
    )  # fmt: skip
    return _svg(chart)


def breakdown_chart(title: str, rows, limit: int = 10) -> SafeString:
    """Horizontal bars of GMV (CNY) for the largest rows of a breakdown."""
    shown = rows[:limit]
    chart = pygal.HorizontalBar(**_config(title=title, height=60 + 26 * max(1, len(shown))))
    chart.x_labels = [row.label for row in shown]
    chart.add(_("GMV"), [float(row.gmv.amount) for row in shown])
    return _svg(chart)
