"""Bench figure 5 runs end to end at a tiny scale (what it measures is printed by `bench`, never asserted)."""

from __future__ import annotations

import pytest

from cases.bench.jilin import jilin_figure
from cases.models import AuthorizationCase, CrosserCase, Exercise

pytestmark = pytest.mark.django_db


def test_jilin_year_files_every_case_and_the_autopilot_plays_them_ret_1_aut_3(desk):
    """RET-1, AUT-3: the year's crossers and letters are all filed, and the autopilot closes most of them."""
    figure = jilin_figure(template=desk.exercise, scale=0.002)
    exercise = Exercise.objects.get(name="Jilin 1961 x0.002")
    crossers = CrosserCase.objects.filter(exercise=exercise)
    letters = AuthorizationCase.objects.filter(exercise=exercise)
    assert crossers.count() == 56 and letters.count() == 5
    assert crossers.filter(closed_at__isnull=False).count() > 40
    assert figure.name == "jilin_1961_year" and figure.target == 5 and figure.ratio > 0
    assert "56 crossers + 5 letters" in figure.detail and " 0 stuck" in figure.detail
    # The floor's twin exercise was rolled back: only the run's rows remain.
    assert not Exercise.objects.filter(name__endswith="(floor)").exists()
