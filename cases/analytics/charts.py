"""The dashboard's charts, drawn by pygal as inline SVG: no JavaScript, no CDN, prints as it shows.

Why pygal rather than a JavaScript library (Chart.js, Vega-Lite) served as a static file: the charts
are drawn once on the server, so a page printed or saved is exactly what the projector showed (a
canvas chart has to be redrawn for print, and Vega-Lite needs a 700 kB runtime in every page); no
network is needed in the classroom; tests can read the labels the class sees. pygal sizes its
margins to fit the labels it is given, so office names are never clipped, and it keeps value labels
inside the plot. Every name is shown as a person reads it: states by their labels in the model's
State choices, procedures by their verbose names, outcomes and regimes by their labels.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from typing import Any

import pygal
from pygal.style import Style

from cases.analytics.metrics import CumulativeFlow
from cases.analytics.outcomes import APPROVED, REFUSED, WITHDRAWN
from cases.wording import short_date

# Bands side by side must be told apart on a projector: no two colours closer than 60 in RGB (an olive beside
# the green of "approved", a crimson beside the red of "refused" were not).
PALETTE = ("#2e7d32", "#c62828", "#9e9e9e", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#f06292", "#42a5f5",
           "#4e342e", "#283593", "#f9a825")
BLUE, GREEN, RED = PALETTE[3], PALETTE[0], PALETTE[1]

OUTCOME_LABELS = {APPROVED: "Closed: approved", REFUSED: "Closed: refused", WITHDRAWN: "Closed: withdrawn or unused"}
OTHER_OPEN = "other open"
LEGEND_FONT_SIZE = 15
LEGEND_BOX_SIZE = 14
MARGIN = 8


def _style(colours: Sequence[str] = PALETTE) -> Style:
    """A style readable on a projector and in print: large sans-serif type, no backgrounds."""
    return Style(
        font_family="Helvetica, Arial, sans-serif",
        background="transparent", plot_background="transparent",
        foreground="#222", foreground_strong="#111", foreground_subtle="#bbb",
        colors=tuple(colours), opacity=".9", opacity_hover=".9",
        label_font_size=15, major_label_font_size=15, legend_font_size=LEGEND_FONT_SIZE, value_font_size=15,
        value_label_font_size=15, title_font_size=16, tooltip_font_size=14,
    )


def _config(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "js": [],  # no script from the internet: the SVG is complete as it is
        "disable_xml_declaration": True,
        "explicit_size": False,
        "truncate_label": -1,
        "truncate_legend": -1,
        "margin": MARGIN,
        "margin_right": 48,  # room for the last date under the axis
        "legend_box_size": LEGEND_BOX_SIZE,
        "show_y_guides": True,
        "show_x_guides": False,
        "style": _style(),
        "print_zeroes": True,
    }
    base.update(overrides)
    return base


def _bottom_legend(entries: int, columns: int) -> dict[str, Any]:
    """Return the options of a legend under the chart in ``columns`` columns with room for all its rows.

    pygal counts the rows as ``entries // columns``, one too few when the last row is not full (five bands in
    two columns got room for two rows, and the fifth band's name fell below the chart): the bottom margin
    gets the missing row, as tall as pygal makes each of its rows (1.5 times the box or the text).
    """
    missing = math.ceil(entries / columns) - entries // columns
    row = 1.5 * max(LEGEND_FONT_SIZE, LEGEND_BOX_SIZE)
    return {"legend_at_bottom": True, "legend_at_bottom_columns": columns,
            "margin_bottom": MARGIN + missing * row}


def legend_columns(labels: Sequence[str], width: int, *, most: int = 2) -> int:
    """Return how many legend columns (up to ``most``) hold every label on one line without running into the next.

    pygal does not cut the labels (``truncate_legend`` -1) and puts each column at a fixed offset, so a long
    label ran into its neighbour ("...the holder has not applied yet (155)" over the next band's name). A
    column is the plot's width (the chart's, less room for the count axis and the margins) shared out,
    less the colour box, measured as pygal measures text (0.6 of the font size a character).
    """
    longest = max(map(len, labels), default=0)
    for columns in range(most, 1, -1):
        room = (width - 140) / columns - (LEGEND_BOX_SIZE + 5)
        if longest * 0.6 * LEGEND_FONT_SIZE <= room:
            return columns
    return 1


def _render(chart: Any) -> str:
    """Render to an SVG element for inlining; drop pygal's config script (only its tooltips read it)."""
    svg = chart.render(is_unicode=True)
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.S)
    # pygal names each chart with a random uuid (its id and its CSS selectors); name it by its content
    # instead, so the same numbers draw the same page (cached pages and tests compare them byte for byte).
    found = re.search(r'id="chart-([0-9a-f-]{36})"', svg)
    if found:
        stable = hashlib.sha1(svg.replace(found.group(1), "").encode()).hexdigest()[:16]
        svg = svg.replace(found.group(1), stable)
    return svg.replace('class="pygal-chart"', 'class="pygal-chart bd-chart" role="img"', 1)


def series_label(name: str, *, with_procedure: bool = True, outcome_labels: dict[str, str] | None = None) -> str:
    """Return the human label of a series name the analytics use.

    Outcomes ("approved") read "Closed: approved", or as ``outcome_labels`` words them for the procedures
    in the chart ("Closed: returned or sent home"); open states ("authorization: letter_issued") read
    as the procedure's verbose name and the state's label; regime codes read as the regime's label.
    """
    if outcome_labels and name in outcome_labels:
        return outcome_labels[name]
    if name in OUTCOME_LABELS:
        return OUTCOME_LABELS[name]
    if name == OTHER_OPEN:
        return "Open: other states"
    if ": " in name:
        from cases.procedures import all_procedures

        kind, state = name.split(": ", 1)
        proc = next((p for p in all_procedures() if p.kind == kind), None)
        if proc is not None:
            state_label = proc.state_label(state)
            return f"{proc.label}: {state_label}" if with_procedure else f"Open: {state_label}"
        return name
    from cases.regimes import REGIMES

    if name in REGIMES:
        return REGIMES[name].label
    return name


def sparse_labels(labels: list[str], keep: int = 5) -> list[str]:
    """Keep ``keep`` evenly spread labels under an axis (first and last among them), blank the rest and
    any label that repeats the one kept before it, so dates never run into each other."""
    n = len(labels)
    if n <= keep:
        return labels
    chosen = {round(i * (n - 1) / (keep - 1)) for i in range(keep)}
    out, last = [], None
    for i, label in enumerate(labels):
        show = i in chosen and label != last
        out.append(label if show else "")
        last = label if show else last
    return out


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def count_axis(top: float, *, most: int = 6) -> dict[str, Any]:
    """Return pygal options for a count axis from 0: evenly spaced whole-number labels (at most ``most``) whose
    step is 1, 2 or 5 times a power of ten, the last one at or above ``top`` (0, 10, 20, 30, 40 for 37).

    Left to itself pygal spaced them unevenly (0, 4, 12, 20, 28, 36)."""
    top = max(math.ceil(top), 1)
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * power
            if math.ceil(top / step) <= most - 1:
                last = step * math.ceil(top / step)
                return {"range": (0, last), "y_labels": list(range(0, last + 1, step))}
        power *= 10


def bar_chart(rows: list[tuple[str, float]], *, width: int = 640, unit: str = "", colour: str = BLUE) -> str:
    """Return horizontal bars, one per (label, value), the first row on top.

    Each label carries its value ("Work unit: 5"), so no number has to fit inside a short bar.
    """
    if not rows:
        return '<p class="bd-empty">Nothing yet.</p>'
    chart = pygal.HorizontalBar(**_config(
        width=width, height=max(120, 40 * len(rows) + 30), show_legend=False, show_x_labels=False,
        show_y_guides=False, show_x_guides=False, style=_style((colour,)), range=(0, max(v for _l, v in rows) or 1),
    ))
    ordered = list(reversed(rows))  # pygal draws the first label at the bottom
    chart.x_labels = [f"{label}: {_number(value)}{unit}" for label, value in ordered]
    chart.add("", [{"value": value, "label": label} for label, value in ordered])
    return _render(chart)


def funnel_chart(stages: list[tuple[str, int]], *, width: int = 640, basis: str = "") -> str:
    """Return a funnel: one bar per stage, top to bottom, each labelled with its count and share of the first.

    ``basis`` names what the first stage counts ("of all cases filed"), written after every share.
    """
    if not stages or not stages[0][1]:
        return '<p class="bd-empty">Nothing filed yet.</p>'
    first = stages[0][1]
    chart = pygal.HorizontalBar(**_config(
        width=width, height=max(140, 44 * len(stages) + 30), show_legend=False, show_x_labels=False,
        show_y_guides=False, show_x_guides=False, range=(0, first),
    ))
    ordered = list(reversed(stages))
    of = f" {basis}" if basis else ""
    chart.x_labels = [f"{label}: {n} ({100 * n / first:.0f}%{of})" for label, n in ordered]
    refused = ("refus", "not approved")
    chart.add("cases", [
        {"value": n, "color": RED if any(w in label.lower() for w in refused) else BLUE, "label": label}
        for label, n in ordered
    ])
    return _render(chart)


def cumulative_flow_chart(cfd: CumulativeFlow, *, width: int = 900, height: int = 340,
                          outcome_labels: dict[str, str] | None = None) -> str:
    """Return a stacked-area cumulative-flow chart: closed outcomes at the bottom, then the open states.

    The top edge is the number of cases filed so far. The legend names every band as a person reads
    it and gives the number in it at the end of the run; ``outcome_labels`` words the closed bands for the
    procedures in the chart (``figures.closed_shares``), else they read "Closed: approved"...
    """
    if not cfd.times or not any(cfd.total(i) for i in range(len(cfd.times))):
        return '<p class="bd-empty">Nothing filed yet.</p>'
    bands = [b for b in cfd.bands if any(cfd.counts[b])]
    kinds = {b.split(": ", 1)[0] for b in bands if ": " in b}
    with_procedure = len(kinds) > 1  # one procedure: its name on every band says nothing
    labels = [f"{series_label(band, with_procedure=with_procedure, outcome_labels=outcome_labels)} "
              f"({cfd.counts[band][-1]})" for band in bands]
    chart = pygal.StackedLine(**_config(
        width=width, height=height + 26 * len(bands), fill=True, show_dots=False,
        **_bottom_legend(len(bands), 1 if with_procedure else legend_columns(labels, width)), include_x_axis=True,
        **count_axis(max(cfd.total(i) for i in range(len(cfd.times)))),
        style=_style([PALETTE[cfd.bands.index(b) % len(PALETTE)] for b in bands]), y_title="cases",
    ))
    chart.x_labels = sparse_labels([short_date(t) for t in cfd.times])
    for band, label in zip(bands, labels, strict=True):
        chart.add(label, cfd.counts[band])
    return _render(chart)


def line_chart(series: dict[str, list[int]], *, width: int = 900, height: int = 300, x_label: str = "") -> str:
    """Return one line per named series over the same sample points (queue growth side by side)."""
    if not series or not any(any(v) for v in series.values()):
        return '<p class="bd-empty">Nothing to draw.</p>'
    chart = pygal.Line(**_config(
        width=width, height=height + 30 * len(series), show_dots=False, **_bottom_legend(len(series), 1),
        include_x_axis=True, x_title=x_label, stroke_style={"width": 3},
        style=_style((RED, BLUE, GREEN, PALETTE[4])), show_x_labels=False,
        **count_axis(max(max(v, default=0) for v in series.values())),
    ))
    n = max(len(v) for v in series.values())
    chart.x_labels = [str(i) for i in range(n)]
    for name, values in series.items():
        chart.add(series_label(name), values)
    return _render(chart)


def week_columns(weeks: list[tuple[str, int, int]], *, width: int = 640, height: int = 260) -> str:
    """Return filed (blue) and closed (green) cases per period as paired columns.

    ``weeks`` holds (label, filed, closed); some period labels are shown under the axis, all in the
    tooltips.
    """
    if not weeks or not any(f or c for _l, f, c in weeks):
        return '<p class="bd-empty">Nothing yet.</p>'
    chart = pygal.Bar(**_config(
        width=width, height=height + 30, **_bottom_legend(2, 2), include_x_axis=True,
        **count_axis(max(max(f, c) for _l, f, c in weeks)), style=_style((BLUE, GREEN)), y_title="cases",
    ))
    chart.x_labels = sparse_labels([label for label, _f, _c in weeks], keep=4)
    chart.add("Filed", [f for _l, f, _c in weeks])
    chart.add("Closed", [c for _l, _f, c in weeks])
    return _render(chart)


__all__ = ["bar_chart", "cumulative_flow_chart", "funnel_chart", "line_chart", "series_label",
           "week_columns"]
