"""The model's decisions for the classroom autopilot: every step they pick passes the AUT guards."""

from __future__ import annotations

import random

import pytest

from cases.analytics.calibration_aut import autopilot_decision
from cases.choices import Nationality
from cases.models import Person
from cases.services.authorization import authorization_issue_letter
from cases.services.steps import case_transition
from tests.factories import ExerciseFactory, OfficeFactory

pytestmark = pytest.mark.django_db


def _exercise(regime: str):
    exercise = ExerciseFactory(regime=regime)
    for kind in ("dprk_safety", "county_psb", "commune", "border_station", "provincial_psb", "provincial_committee"):
        OfficeFactory(exercise=exercise, kind=kind, name=f"{kind} office")
    return exercise


@pytest.mark.parametrize("regime", ["1961_strict", "1962_correction", "1963_august", "1957_lenient"])
def test_aut2_aut3_aut4_aut8_decisions_carry_letters_to_a_closing_state(regime):
    """AUT-1..AUT-4, AUT-8: under each regime the model's decisions are steps the procedure allows."""
    exercise = _exercise(regime)
    ends = set()
    for i in range(12):
        person = Person.objects.create(exercise=exercise, name=f"Holder {i}", sex="M",
                                       nationality=Nationality.CN_KOREAN)
        case = authorization_issue_letter(exercise=exercise, applicant=person, letter_number=f"KP-{i}", actor=None)
        rng = random.Random(f"{regime}:{i}")
        for _ in range(12):
            decision = autopilot_decision(case, rng)
            if decision is None:
                break
            case = case_transition(case=case, transition=decision[0], actor=None, data=decision[1], system=True)
        assert case.closed_at is not None, (regime, case.state)
        ends.add(case.state)
    assert ends <= {"departed", "refused", "letter_unused"}
    assert "departed" in ends


def test_the_classroom_autopilot_plays_letters_with_the_calibrated_model_aut_3():
    """AUT-3: the autopilot's authorization policy is the Yanbian model's, not a second set of odds."""
    from cases.classroom.autopilot import policy_for

    exercise = _exercise("1961_strict")
    person = Person.objects.create(exercise=exercise, name="Holder", sex="M", nationality=Nationality.CN_KOREAN)
    case = authorization_issue_letter(exercise=exercise, applicant=person, letter_number="KP-1", actor=None)
    for seed in range(20):
        step = policy_for("authorization")(case, {}, random.Random(seed))
        expected = autopilot_decision(case, random.Random(seed))
        assert step is not None and expected is not None
        assert (step.transition, step.data) == expected
