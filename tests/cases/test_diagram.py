"""The procedure diagram: every state of the case's variant, the current one marked, flow top-down."""

from __future__ import annotations

import pytest

from cases.diagram import layers, procedure_svg
from cases.models import MarriageCase

pytestmark = pytest.mark.django_db


def test_pre1958_diagram_layers_flow_from_filing_to_registration(desk):
    rows = layers(MarriageCase, "pre1958")
    flat = [s for row in rows for s in row]
    assert "centre_review" in flat and "dissuasion" not in flat  # only this variant's steps
    depth = {s: i for i, row in enumerate(rows) for s in row}
    assert depth["filed"] == 0
    assert depth["filed"] < depth["province_review"] < depth["centre_review"] < depth["china_approved"]
    assert depth["married"] < depth["registered"]


def test_svg_marks_only_the_current_state(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Li Dongshan")
    svg = procedure_svg(case)
    assert svg.count("bd-current") == 1
    assert 'class="bd-state bd-current" data-state="filed"' in svg
    assert svg.startswith("<svg") and svg.endswith("</svg>")
