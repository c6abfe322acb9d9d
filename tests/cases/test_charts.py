"""The dashboard's charts from pygal: human labels in legends and axes, no script, no clipped labels."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from cases.analytics.charts import bar_chart, cumulative_flow_chart, funnel_chart, line_chart, week_columns
from cases.analytics.metrics import CumulativeFlow
from cases.models import AuthorizationCase, MarriageCase
from cases.procedures import get_procedure


def texts(svg: str) -> list[str]:
    """Return the text a reader sees in an SVG (every <text> element's content)."""
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.S)]


def flow(bands: list[str]) -> CumulativeFlow:
    times = [dt.datetime(1961, 1, 1) + dt.timedelta(days=10 * i) for i in range(12)]
    return CumulativeFlow(times=times, bands=bands, counts={b: [i + k for i in range(12)] for k, b in enumerate(bands)})


@pytest.mark.django_db
def test_cumulative_flow_legend_names_states_by_their_labels_not_keys():
    state = AuthorizationCase.State.values[0]
    bands = ["approved", "refused", "withdrawn", f"authorization: {state}", "marriage: filed", "other open"]
    shown = texts(cumulative_flow_chart(flow(bands)))
    label = get_procedure("authorization").state_label(state)
    assert f"Authorization letter case: {label} (14)" in shown
    assert f"{get_procedure('marriage').label}: {MarriageCase.State('filed').label} (15)" in shown
    assert "Closed: approved (11)" in shown and "Open: other states (16)" in shown
    assert not [t for t in shown if re.search(r"\b[a-z]+_[a-z_]+\b|authorization: ", t)]  # no internal keys


@pytest.mark.django_db
def test_one_procedure_legend_leaves_out_its_name():
    shown = texts(cumulative_flow_chart(flow(["approved", "marriage: filed"])))
    assert f"Open: {MarriageCase.State('filed').label} (12)" in shown


def test_bar_labels_are_whole_and_carry_their_values():
    office = "County / city public security bureau of Yanji County, Yanbian Korean Autonomous Prefecture"
    svg = bar_chart([(office, 12), ("Work unit", 3)])
    shown = texts(svg)
    assert f"{office}: 12" in shown and "Work unit: 3" in shown  # not cut short with an ellipsis
    y = {t: float(v) for v, t in re.findall(r'<text\b[^>]*\by="([0-9.]+)"[^>]*>([^<]*: (?:12|3))</text>', svg)}
    assert y[f"{office}: 12"] < y["Work unit: 3"]  # the rows in the order given, top to bottom


def test_funnel_labels_sit_beside_their_bars_with_count_and_share():
    svg = funnel_chart([("Filed", 40), ("Approved in China", 10), ("Refused", 0)])
    shown = texts(svg)
    assert {"Filed: 40 (100%)", "Approved in China: 10 (25%)", "Refused: 0 (0%)"} <= set(shown)


def test_charts_are_plain_svg_without_scripts_or_remote_files():
    svgs = [
        bar_chart([("a", 1)]), funnel_chart([("Filed", 2), ("Closed", 1)]),
        week_columns([("1 Jan", 2, 1), ("8 Jan", 0, 3)]), line_chart({"x": [0, 1, 2]}, x_label="days"),
    ]
    for svg in svgs:
        assert svg.startswith("<svg") and 'class="pygal-chart bd-chart"' in svg
        assert "<script" not in svg
        assert not re.search(r'(href|src)="https?:', svg)


@pytest.mark.django_db
def test_line_chart_names_regimes_by_their_labels():
    from cases.regimes import REGIMES

    code = next(iter(REGIMES))
    shown = texts(line_chart({code: [0, 2, 5]}))
    assert REGIMES[code].label in shown and code not in shown


def test_week_columns_have_a_legend_and_period_labels():
    shown = texts(week_columns([(f"{d} Jan 1961", d % 3, d % 2) for d in range(1, 21)]))
    assert "Filed" in shown and "Closed" in shown and "1 Jan 1961" in shown


def test_empty_charts_say_so():
    assert "Nothing" in bar_chart([]) and "Nothing" in funnel_chart([]) and "Nothing" in week_columns([])


def test_axis_dates_never_crowd_even_when_the_run_is_one_day():
    same_day = CumulativeFlow(times=[dt.datetime(1959, 3, 2)] * 40, bands=["approved"],
                              counts={"approved": [1] * 40})
    shown = [t for t in texts(cumulative_flow_chart(same_day)) if "1959" in t and "(" not in t]
    assert shown == ["2 Mar 1959"]
    shown = [t for t in texts(cumulative_flow_chart(flow(["approved"]))) if "1961" in t]
    assert len(shown) == 5 and shown[0] == "1 Jan 1961"


def _y_labels(svg: str) -> list[str]:
    axis = re.search(r'<g class="axis y[^"]*">(.*?)</g>\s*</g>', svg, flags=re.S)
    assert axis, "no y axis"
    return texts(axis.group(1))


def test_count_axes_are_evenly_spaced_whole_numbers():
    """The projector's and dashboard's count axes read 0, 10, 20, 30, 40 (pygal alone gave 0, 4, 12, 20, 28, 36):
    at most six labels, a step of 1, 2 or 5 times a power of ten, the last at or above the highest count."""
    from cases.analytics.charts import count_axis

    for top in [0, 1, 3, 5, 6, 7, 12, 37, 99, 100, 101, 999, 2667, 28028]:
        labels = count_axis(top)["y_labels"]
        steps = {b - a for a, b in itertools.pairwise(labels)}
        assert labels[0] == 0 and labels[-1] >= top and len(labels) <= 6 and len(steps) == 1, (top, labels)
        (step,) = steps
        assert int(str(step).rstrip("0") or "0") in (1, 2, 5), (top, labels)
    assert _y_labels(week_columns([("w1", 3, 1), ("w2", 37, 12), ("w3", 5, 22)])) == ["0", "10", "20", "30", "40"]
    assert _y_labels(line_chart({"a": [0, 3, 9, 17, 23], "b": [1, 2, 3]})) == ["0", "5", "10", "15", "20", "25"]


@pytest.mark.django_db
def test_the_cumulative_flow_axis_counts_up_to_the_cases_filed():
    labels = _y_labels(cumulative_flow_chart(flow(["approved", "marriage: filed"])))  # 11 + 12 = 23 at the end
    assert labels == ["0", "5", "10", "15", "20", "25"]


def _legend_bottoms(svg: str) -> tuple[float, list[tuple[str, float]]]:
    """Return the SVG's height and, for each legend entry, its text and the bottom of its box."""
    height = float(re.search(r'viewBox="0 0 [0-9.]+ ([0-9.]+)"', svg).group(1))
    legends = re.search(r'<g transform="translate\(([0-9.]+), ([0-9.]+)\)" class="legends">(.*?)</g>\s*</g>', svg,
                        flags=re.S)
    assert legends, "no legend at the bottom"
    top = float(legends.group(2))
    entries = re.findall(r'<rect x="[0-9.]+" y="([0-9.]+)" width="[0-9.]+" height="([0-9.]+)"[^>]*/>'
                         r'<text[^>]*>([^<]*)</text>', legends.group(3))
    return height, [(text, top + float(y) + float(h)) for y, h, text in entries]


@pytest.mark.django_db
@pytest.mark.parametrize("n", range(1, 9))
def test_every_legend_entry_is_inside_the_chart(n):
    """pygal reserves one legend row too few when the entries do not fill the last row (5 bands in two
    columns: it left room for two rows, and the fifth band's name fell below the chart on the projector)."""
    states = [s for s in MarriageCase.State.values][:n - 1]
    one_procedure = ["refused", *(f"marriage: {s}" for s in states)]
    two_procedures = ["approved", *(f"marriage: {s}" for s in states[:-1]), "authorization: letter_issued"][:n]
    charts = [cumulative_flow_chart(flow(one_procedure)), cumulative_flow_chart(flow(two_procedures)),
              week_columns([("w1", 3, 1), ("w2", 5, 2)]), line_chart({f"s{i}": [0, i, 2 * i] for i in range(1, n + 1)})]
    short = ["approved", "refused", "withdrawn", "marriage: married", "marriage: centre_review", "other open",
             "marriage: repatriated", "marriage: refused_dprk"][:n]  # names that fit two columns
    two_columns = cumulative_flow_chart(flow(short))
    assert len(set(re.findall(r'<rect x="([0-9.]+)" y="[0-9.]+" width="14"', two_columns))) == min(n, 2)
    charts.append(two_columns)
    for svg in charts:
        height, entries = _legend_bottoms(svg)
        assert entries and all(bottom <= height for _text, bottom in entries), (height, entries)


def test_no_two_chart_colours_are_hard_to_tell_apart():
    """'Closed: approved' (dark green) and a band in olive green read as one colour on a projector."""
    import itertools

    from cases.analytics.charts import PALETTE

    def rgb(colour: str) -> tuple[int, ...]:
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    close = [(a, b) for a, b in itertools.combinations(PALETTE, 2)
             if sum((x - y) ** 2 for x, y in zip(rgb(a), rgb(b), strict=True)) ** 0.5 < 60]
    assert not close and len(set(PALETTE)) == len(PALETTE)
