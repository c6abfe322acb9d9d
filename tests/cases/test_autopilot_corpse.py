"""Autopilot corpse policy: nationality findings in D6's 1961 proportions, joint inspections, returns (RET-14)."""

from __future__ import annotations

from collections import Counter

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.timekeeping import fast_forward
from cases.models.corpse import CorpseCase
from cases.models.crosser import AGREED_HANDOVER_POINTS
from cases.services.corpse import corpse_report

pytestmark = pytest.mark.django_db

N = 120


def test_bodies_found_are_identified_as_in_d6_and_returned_or_handled_where_found():
    """RET-14, RET-7: of 243 bodies D6 counts 82 Chinese, 11 DPRK and 150 unidentified; a year of autopilot
    on 120 bodies finds each share within 12 points (about 2.5 binomial standard deviations at N=120;
    the seed is fixed). DPRK residents' bodies go back at an agreed point, a suspected crime always has
    its joint inspection first, and no body is left undecided. The generic policy calls every body
    Chinese and fails."""
    exercise = load_pack("protocol-1964", name="Corpses")
    for i in range(N):
        corpse_report(exercise=exercise, place_found="the Tumen near Namyang" if i % 2 else "the Yalu", actor=None)
    fast_forward(exercise=exercise, actor=None, days=365)
    cases = list(CorpseCase.objects.filter(exercise=exercise))
    assert len(cases) == N and all(c.state in ("returned", "handled_here") for c in cases)
    # The first finding: a joint inspection is held for a suspected crime or an unknown nationality, so a
    # body inspected jointly without a suspected crime was first found "unknown" (the inspection may
    # establish it later). Bodies with a suspected crime (about 5%) count under their final finding.
    first = Counter(
        "unknown" if c.joint_inspection_held and not c.crime_suspected else c.nationality_finding for c in cases)
    shares = {k: v / N for k, v in first.items()}
    assert any(c.joint_inspection_held for c in cases)
    assert shares.get("chinese", 0) == pytest.approx(82 / 243, abs=0.12)
    assert shares.get("korean", 0) == pytest.approx(11 / 243, abs=0.12)
    assert shares["unknown"] == pytest.approx(150 / 243, abs=0.12)
    for c in cases:
        if c.state == "returned":
            assert c.nationality_finding == "korean" and c.handover_point in AGREED_HANDOVER_POINTS
        else:
            assert c.nationality_finding != "korean"
        if c.crime_suspected:
            assert c.joint_inspection_held
