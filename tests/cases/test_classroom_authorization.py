"""The "Yanbian authorization letters 1961-62" pack, seeded through authorization_issue_letter and played
by the autopilot with each regime's policy data (AUT-1 ... AUT-4)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from cases.classroom.loader import load_pack
from cases.classroom.packs import get_pack, pack_files, parse_date, parse_pack
from cases.classroom.timekeeping import fast_forward, time_move
from cases.models import AuthorizationCase

pytestmark = pytest.mark.django_db


def test_aut_pack_files_letters_month_by_month_as_in_lishu():
    """AUT-1: letters reach Lishu households as the D4 figures say: 12, 29, 63 and 6 a month."""
    exercise = load_pack("authorization-1961", name="Lishu")
    # The 40 letters before November 1960, and the work sized to a class of 5 (per_seat, also dated then).
    sized = get_pack("authorization-1961").sizing(5).seeded - 40
    assert AuthorizationCase.objects.filter(exercise=exercise).count() == 40 + sized
    time_move(exercise=exercise, actor=None, to=parse_date("1961-03-01"))
    monthly = Counter(timezone.localtime(c.filed_at).strftime("%Y-%m")
                      for c in AuthorizationCase.objects.filter(exercise=exercise))
    months = [monthly["1960-11"], monthly["1960-12"], monthly["1961-01"], monthly["1961-02"]]
    assert months == [40 + sized + 12, 29, 63, 6]
    exercise.refresh_from_db()
    assert exercise.regime == "1961_strict"


def test_autopilot_refuses_under_the_strict_1961_practice():
    """AUT-3: under the 1961 line the autopilot's county bureau refuses at the regime's rate; others depart."""
    # The same pack with a tenth of the letters, so the run stays quick.
    path = next(p for p in pack_files() if p.name == "authorization-1961.yaml")
    text = path.read_text()
    for big, small in (("count: 40", "count: 6"), ("count: 29", "count: 4"), ("count: 63", "count: 8")):
        text = text.replace(big, small)
    exercise = load_pack(parse_pack(path, text), name="Strict")
    report = fast_forward(exercise=exercise, actor=None, days=400)
    assert not report.stuck
    states = Counter(AuthorizationCase.objects.filter(exercise=exercise).values_list("state", flat=True))
    assert states["departed"] > 0 and states["refused"] > 0 and states["letter_unused"] > 0
    refused = Counter(AuthorizationCase.objects.filter(exercise=exercise, state="refused")
                      .values_list("regime", flat=True))
    assert refused["1961_strict"] > 0
