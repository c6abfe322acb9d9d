"""Small inline SVG charts for the dashboard: no JavaScript, no CDN, readable on a projector."""

from __future__ import annotations

from html import escape

from cases.analytics.metrics import CumulativeFlow

PALETTE = ("#2e7d32", "#c62828", "#9e9e9e", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#558b2f",
           "#4e342e", "#283593", "#f9a825")
FONT = 'font-family="sans-serif"'


def bar_chart(rows: list[tuple[str, float]], *, width: int = 640, unit: str = "", colour: str = "#1565c0") -> str:
    """Return horizontal bars, one per (label, value), largest value full width."""
    if not rows:
        return '<p class="bd-empty">Nothing yet.</p>'
    bar_h, gap, label_w = 30, 8, 260
    height = len(rows) * (bar_h + gap) + gap
    largest = max(v for _l, v in rows) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="bd-chart" role="img">']
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(2.0, (width - label_w - 70) * value / largest)
        text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.68:.0f}" text-anchor="end" font-size="15" {FONT}>'
            f"{escape(_short(label, 34))}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.0f}" height="{bar_h}" fill="{colour}" rx="3"/>'
            f'<text x="{label_w + w + 6:.0f}" y="{y + bar_h * 0.68:.0f}" font-size="16" font-weight="700" {FONT}>'
            f"{text}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def funnel_chart(stages: list[tuple[str, int]], *, width: int = 640) -> str:
    """Return a funnel: centred bars narrowing stage by stage, each with its count and share of the first."""
    if not stages or not stages[0][1]:
        return '<p class="bd-empty">Nothing filed yet.</p>'
    bar_h, gap = 42, 6
    height = len(stages) * (bar_h + gap)
    first = stages[0][1]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="bd-chart" role="img">']
    for i, (label, n) in enumerate(stages):
        w = max(4.0, (width - 20) * n / first)
        x = (width - w) / 2
        y = i * (bar_h + gap)
        colour = PALETTE[1] if "refus" in label.lower() or "not approved" in label.lower() else PALETTE[3]
        parts.append(
            f'<rect x="{x:.0f}" y="{y}" width="{w:.0f}" height="{bar_h}" fill="{colour}" opacity="0.85" rx="4"/>'
            f'<text x="{width / 2:.0f}" y="{y + bar_h * 0.64:.0f}" text-anchor="middle" font-size="16" {FONT} '
            f'fill="#000" stroke="#fff" stroke-width="2" paint-order="stroke" font-weight="600">'
            f"{escape(label)}: {n} ({100 * n / first:.0f}%)</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def cumulative_flow_chart(cfd: CumulativeFlow, *, width: int = 900, height: int = 340) -> str:
    """Return a stacked-area cumulative-flow chart with a legend; the top edge is cases filed so far."""
    if not cfd.times or not any(cfd.total(i) for i in range(len(cfd.times))):
        return '<p class="bd-empty">Nothing filed yet.</p>'
    left, right, top, bottom = 50, 230, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(cfd.times)
    peak = max(cfd.total(i) for i in range(n)) or 1

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + plot_w * i / max(1, n - 1), top + plot_h * (1 - v / peak)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="bd-chart" role="img">']
    base = [0] * n
    for k, band in enumerate(cfd.bands):
        upper = [base[i] + cfd.counts[band][i] for i in range(n)]
        if any(cfd.counts[band]):
            pts = [xy(i, upper[i]) for i in range(n)] + [xy(i, base[i]) for i in reversed(range(n))]
            d = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            parts.append(f'<polygon points="{d}" fill="{PALETTE[k % len(PALETTE)]}" opacity="0.85">'
                         f"<title>{escape(band)}</title></polygon>")
        base = upper
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>')
    parts.append(f'<text x="{left - 6}" y="{top + 12}" text-anchor="end" font-size="13" {FONT}>{peak}</text>')
    parts.append(f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="13" {FONT}>0</text>')
    for i in (0, n // 2, n - 1):
        x, _y = xy(i, 0)
        parts.append(f'<text x="{x:.0f}" y="{height - 8}" text-anchor="middle" font-size="13" {FONT}>'
                     f"{cfd.times[i]:%d %b %Y}</text>")
    for k, band in enumerate(cfd.bands):
        y = top + 8 + k * 20
        parts.append(
            f'<rect x="{width - right + 12}" y="{y - 10}" width="14" height="14" fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{width - right + 32}" y="{y + 2}" font-size="13" {FONT}>'
            f"{escape(_short(band, 30))} ({cfd.counts[band][-1]})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def line_chart(series: dict[str, list[int]], *, width: int = 900, height: int = 300, x_label: str = "") -> str:
    """Return one line per named series over the same sample points (queue growth side by side)."""
    if not series or not any(any(v) for v in series.values()):
        return '<p class="bd-empty">Nothing to draw.</p>'
    left, right, top, bottom = 50, 200, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(v) for v in series.values())
    peak = max(max(v) for v in series.values() if v) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="bd-chart" role="img">',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
             f'<text x="{left - 6}" y="{top + 12}" text-anchor="end" font-size="13" {FONT}>{peak}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="13" {FONT}>0</text>',
             f'<text x="{left + plot_w / 2:.0f}" y="{height - 8}" text-anchor="middle" font-size="13" {FONT}>'
             f"{escape(x_label)}</text>"]
    colours = (PALETTE[1], PALETTE[3], PALETTE[0], PALETTE[4])
    for k, (name, values) in enumerate(series.items()):
        pts = " ".join(f"{left + plot_w * i / max(1, n - 1):.1f},{top + plot_h * (1 - v / peak):.1f}"
                       for i, v in enumerate(values))
        colour = colours[k % len(colours)]
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="3"/>')
        parts.append(f'<rect x="{width - right + 12}" y="{top + k * 22}" width="14" height="14" fill="{colour}"/>'
                     f'<text x="{width - right + 32}" y="{top + 12 + k * 22}" font-size="14" {FONT}>'
                     f"{escape(name)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def week_columns(weeks: list[tuple[str, int, int]], *, width: int = 640, height: int = 260) -> str:
    """Return filed (blue) and closed (green) cases per period as paired columns; labels under the first,
    middle and last period. ``weeks`` holds (label, filed, closed)."""
    if not weeks or not any(f or c for _l, f, c in weeks):
        return '<p class="bd-empty">Nothing yet.</p>'
    left, top, bottom, right = 40, 24, 28, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(weeks)
    slot = plot_w / n
    peak = max(max(f, c) for _l, f, c in weeks) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="bd-chart" role="img">',
             f'<rect x="{left}" y="4" width="12" height="12" fill="{PALETTE[3]}"/>'
             f'<text x="{left + 16}" y="15" font-size="13" {FONT}>filed</text>'
             f'<rect x="{left + 70}" y="4" width="12" height="12" fill="{PALETTE[0]}"/>'
             f'<text x="{left + 86}" y="15" font-size="13" {FONT}>closed</text>',
             f'<text x="{left - 6}" y="{top + 12}" text-anchor="end" font-size="13" {FONT}>{peak}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>']
    for i, (label, filed, closed) in enumerate(weeks):
        x = left + i * slot
        for j, (v, colour) in enumerate(((filed, PALETTE[3]), (closed, PALETTE[0]))):
            h = plot_h * v / peak
            parts.append(f'<rect x="{x + j * slot * 0.45:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.42:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: {v}</title></rect>')
        if i in (0, n // 2, n - 1):
            anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
            tx = x if i == 0 else x + slot if i == n - 1 else x + slot / 2
            parts.append(f'<text x="{tx:.0f}" y="{height - 8}" text-anchor="{anchor}" font-size="13" '
                         f"{FONT}>{escape(label)}</text>")
    parts.append("</svg>")
    return "".join(parts)
