"""Autopilot crosser policy: the 1961 line ends like D6's Jilin figures; the Protocol follows its own line.

RET-1, RET-3, RET-4, RET-7, RET-8, RET-9, RET-10 (policies/crosser.py, rates in cases/regimes/__init__.py).
"""

from __future__ import annotations

from collections import Counter

import pytest

from cases.choices import Nationality
from cases.classroom.loader import load_pack
from cases.classroom.policies.crosser import jilin_1961_report_mix
from cases.classroom.timekeeping import fast_forward
from cases.models import Case, CaseEvent, Exercise
from cases.models.crosser import AGREED_HANDOVER_POINTS, CrosserCase
from cases.regimes import JILIN_1961
from cases.services.crosser import crosser_report
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

N = 200  # reports per regime: a few hundred cases keep the test quick
STILL_THERE = {"settled_in_dprk", "left_alone", "tried_where_caught", "persuasion", "stay_requested"}


def _report_population(exercise: Exercise, regime: str) -> list[int]:
    """Report N crossers in D6's Jilin 1961 proportions (jilin_1961_report_mix), under ``regime``."""
    mix = jilin_1961_report_mix()
    total = sum(mix.values())
    ids = []
    for kind, count in sorted(mix.items()):
        for i in range(round(N * count / total)):
            person = PersonFactory(exercise=exercise, name=f"{regime} {kind} {i}", nationality=Nationality.CN_KOREAN)
            case = crosser_report(
                exercise=exercise, person=person, actor=None, regime=regime, source="interception",
                direction="intercepted" if kind == "intercepted" else "outbound",
                wants_to_return=kind == "outbound_wants_return", crossing_place="Tumen River near Namyang",
            )
            ids.append(case.pk)
    return ids


def _outcome(case: Case, steps: set[str]) -> str:
    """Classify a case as D6 counts crossers."""
    if case.state == "sent_home":
        return "stopped_at_border"
    if "agrees_to_return" in steps:
        return "persuaded"
    if steps & {"issue_entry_permit", "hear_return_request"}:
        return "returned_on_own"
    if case.state in STILL_THERE:
        return "still_in_dprk"
    return "sent_back_by_dprk"


def _year() -> tuple[object, dict[str, dict]]:
    """Run one simulated year of the protocol pack with a Jilin-like population under 1961 and under 1964."""
    exercise = load_pack("protocol-1964", name="Jilin calibration", seed=1961)
    ids = {regime: _report_population(exercise, regime) for regime in ("1961_strict", "1964_protocol")}
    report = fast_forward(exercise=exercise, actor=None, days=365)
    steps: dict[int, set[str]] = {}
    for case_id, name in CaseEvent.objects.filter(exercise=exercise).values_list("case_id", "transition"):
        steps.setdefault(case_id, set()).add(name)
    result = {}
    for regime, pks in ids.items():
        cases = list(CrosserCase.objects.filter(pk__in=pks))
        outcomes = Counter(_outcome(c, steps.get(c.pk, set())) for c in cases)
        result[regime] = {
            "shares": {k: v / len(cases) for k, v in outcomes.items()},
            "steps": Counter(s for c in cases for s in steps.get(c.pk, set())),
        }
    return report, result


def test_a_year_of_crossers_under_1961_and_under_the_protocol():
    """RET-1, RET-4, RET-7, RET-8, RET-9, RET-10: under 1961 the shares come out within 6 points of D6's 28,028.

    With N=200 the largest binomial standard deviation of a share drawn by the policy is about 3.5
    points (persuasion among the ~124 outbound reports), so 6 points is under two of them; the seed is
    fixed, so the test is deterministic. The generic policy persuades everyone (or no one) and fails.
    """
    report, result = _year()
    assert not report.stuck
    shares = result["1961_strict"]["shares"]
    for outcome in ("persuaded", "returned_on_own", "sent_back_by_dprk", "still_in_dprk", "stopped_at_border"):
        expected = JILIN_1961[outcome] / JILIN_1961["found"]
        assert shares.get(outcome, 0) == pytest.approx(expected, abs=0.06), (outcome, shares)

    # RET-9: the Embassy does not hear returners in 1961; RET-10: intercepted crossers get money to go home.
    steps = result["1961_strict"]["steps"]
    assert steps["refer_return_to_dprk"] > 0 and steps["hear_return_request"] == 0
    assert steps["send_home_with_aid"] > 0 and steps["send_home"] == 0
    assert steps["ask_dprk_to_settle"] == 0  # RET-8 is the line of March 1962 onwards

    # RET-8, RET-9 under the 1964 Protocol: the Embassy hears returners, some are settled without
    # persuasion, the DPRK keeps far fewer, and handbacks go through an agreed point (RET-7).
    steps = result["1964_protocol"]["steps"]
    assert steps["hear_return_request"] > 0 and steps["refer_return_to_dprk"] == 0
    assert steps["ask_dprk_to_settle"] > 0 and steps["send_home_with_aid"] == 0
    assert result["1964_protocol"]["shares"]["still_in_dprk"] < result["1961_strict"]["shares"]["still_in_dprk"] - 0.1
    assert steps["hand_over_to_china"] > 0

    # RET-4: the pack's flood victims are recorded as forced across by flood and assisted home.
    flood = CrosserCase.objects.filter(source_reference__startswith="Tumen flood")
    assert flood.count() == 6
    assert all(c.crossing_cause == "flood" and c.disaster_exempt for c in flood)
    assert all(c.state == "returned" and c.handover_point in AGREED_HANDOVER_POINTS for c in flood)
