"""The charts' legends as Chromium draws them: every entry inside the chart, none running into another.

pygal places legend columns at fixed offsets without cutting the names, and reserved one row too few when
the last row was not full. On the letters pack's projector "Open: Authorization letter issued; the holder
has not applied yet (155)" ran over the next band's name; with five bands in two columns the fifth name
fell below the chart. The charts are drawn alone in a page the size of the projector's.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.analytics.charts import cumulative_flow_chart
from cases.analytics.metrics import CumulativeFlow

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Each legend entry's text box; the chart's own box.
BOXES = """() => {
  const svg = document.querySelector('svg.bd-chart'), frame = svg.getBoundingClientRect();
  const boxes = [...svg.querySelectorAll('.legends text')].map(t => {
    const r = t.getBoundingClientRect(); return {text: t.textContent, left: r.left, right: r.right, top: r.top,
                                                   bottom: r.bottom}; });
  return {frame: {left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom}, boxes};
}"""


def _flow(bands: list[str]) -> CumulativeFlow:
    times = [dt.datetime(1961, 1, 1) + dt.timedelta(days=10 * i) for i in range(12)]
    return CumulativeFlow(times=times, bands=bands, counts={b: [40 * i + k for i in range(12)] for k, b in
                                                            enumerate(bands)})


CASES = {
    # The letters pack's bands on its projector: the long one first.
    "long names": ["authorization: letter_issued", "authorization: examination", "authorization: examination_overdue"],
    # Short names in two columns, the last row not full.
    "odd count": ["approved", "refused", "withdrawn", "marriage: married", "marriage: centre_review"],
}


@pytest.mark.parametrize("bands", CASES.values(), ids=CASES.keys())
def test_legend_entries_are_inside_the_chart_and_apart(chromium, bands):
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.set_content(f'<div style="width:1100px">{cumulative_flow_chart(_flow(bands))}</div>')
        found = page.evaluate(BOXES)
        frame, boxes = found["frame"], found["boxes"]
        assert len(boxes) == len(bands)
        columns = len({round(box["left"]) for box in boxes})
        assert columns == (1 if bands[0].startswith("authorization") else 2), boxes
        for box in boxes:
            assert frame["left"] <= box["left"] and box["right"] <= frame["right"] + 1, box
            assert frame["top"] <= box["top"] and box["bottom"] <= frame["bottom"] + 1, box
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                apart = a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or \
                    b["bottom"] <= a["top"]
                assert apart, (a["text"], b["text"])
    finally:
        page.close()
