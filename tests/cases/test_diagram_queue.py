"""The procedure diagram coloured by queue size; without counts it draws exactly as before."""

from __future__ import annotations

import pytest

from cases.diagram import procedure_queue_svg, procedure_svg
from cases.models import MarriageCase

pytestmark = pytest.mark.django_db


def test_queue_colouring_marks_counts_and_darkens_the_longest_queue(desk):
    svg = procedure_queue_svg(MarriageCase, None, {"filed": 6, "examination": 3})
    assert 'data-state="filed" data-count="6"' in svg
    assert 'data-state="examination" data-count="3"' in svg
    assert ">6</text>" in svg and ">3</text>" in svg
    assert "bd-current" not in svg
    assert "centre_review" in svg and "dissuasion" in svg  # no variant: both procedures drawn


def test_no_counts_keeps_the_case_diagram_unchanged(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Li Dongshan")
    assert procedure_svg(case) == procedure_svg(case, counts=None)
    assert "data-count" not in procedure_svg(case)
