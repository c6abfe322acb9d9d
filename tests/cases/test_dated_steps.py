"""A step the system dates at its own time (sweep, autopilot) reads and records that time, not the clock's."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.choices import OfficeKind
from cases.models import CaseEvent, CrosserCase, Exercise
from cases.services.bulk import case_bulk_transition
from cases.services.clock import clock_write
from cases.services.crosser import crosser_record_identity, crosser_report
from cases.services.steps import case_transition
from tests.cases.returns_support import Ret

pytestmark = pytest.mark.django_db
K = OfficeKind


def _wanted(ret: Ret, n: int) -> list[CrosserCase]:
    cases = []
    for i in range(n):
        case = crosser_report(exercise=ret.exercise, person=ret.korean(f"Wanted {i}"), direction="inbound",
                              source="interception", actor=ret.user_for(K.BORDER_STATION))
        case = crosser_record_identity(case=case, actor=ret.user_for(K.BORDER_STATION), identity_details="Papers",
                                       circumstances="At night", crossing_cause="livelihood")
        cases.append(ret.act(case, "record_home_case", crime_after_crossing=False))
    return cases


def test_a_bulk_step_dated_earlier_stamps_its_own_time_ret_6(desk):
    """RET-6: the other side is told when the step was taken, even when the clock has run on since."""
    ret = Ret(desk)
    cases = _wanted(ret, 3)
    taken = Exercise.objects.get(pk=desk.exercise.pk).clock + dt.timedelta(days=2)
    clock_write(exercise=desk.exercise, actor=None, days=10)
    at = {c.pk: taken + dt.timedelta(hours=i) for i, c in enumerate(cases)}
    result = case_bulk_transition(kind="crosser", case_ids=list(at), transition="prepare_return", actor=None,
                                  system=True, at=at)
    assert sorted(result.moved) == sorted(at)
    for case in CrosserCase.objects.filter(pk__in=at):
        assert case.other_side_notified_at == at[case.pk] == case.state_since
        assert CaseEvent.objects.get(case=case, transition="prepare_return").sim_time == at[case.pk]
    assert Exercise.objects.get(pk=desk.exercise.pk).clock == taken + dt.timedelta(days=8)  # the clock is untouched


def test_a_single_dated_step_stamps_its_own_time_ret_6(desk):
    """RET-6 through the one-case service, as the sweep fires a deadline dated at its due time."""
    ret = Ret(desk)
    case = _wanted(ret, 1)[0]
    taken = Exercise.objects.get(pk=desk.exercise.pk).clock + dt.timedelta(days=1)
    clock_write(exercise=desk.exercise, actor=None, days=5)
    case = case_transition(case=case, transition="prepare_return", actor=None, system=True, at=taken)
    assert case.other_side_notified_at == taken == case.state_since
