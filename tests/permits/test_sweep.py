"""PER-12 through the real simulated clock and deadline sweep (cases/services/clock.py, deadlines.py)."""

from cases.models import Deadline, DeadlineStatus, EventKind
from cases.services.clock import clock_write
from cases.services.deadlines import deadlines_sweep
from permits.services.crossing import crossing_record
from tests.permits.conftest import bj


def test_per12_sweep_marks_the_holder_overdue_once_the_clock_passes_expiry(helong):
    """PER-12: a pass of 10 Sep 1964 held abroad: nothing on 10 Oct, overdue once the clock reaches 11 Oct."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    helong.set_clock(bj(1964, 9, 11, 9, 0))
    crossing_record(exercise=helong.exercise, person=case.applicant, point=helong.point("Nanping - Musan"),
                    direction="exit", actor=helong.user("defence"), permit=case)
    clock_write(exercise=helong.exercise, actor=helong.teacher, to=bj(1964, 10, 10, 23, 0))
    deadlines_sweep(exercise_id=helong.exercise.pk)
    assert helong.refresh(case).state == "abroad"
    clock_write(exercise=helong.exercise, actor=helong.teacher, to=bj(1964, 10, 11, 8, 0))
    result = deadlines_sweep(exercise_id=helong.exercise.pk)
    case = helong.refresh(case)
    assert case.state == "overdue" and len(result.fired) == 1
    event = case.events.order_by("-id").first()
    assert event.kind == EventKind.DEADLINE and event.transition == "set_overdue"
    assert event.sim_time == bj(1964, 10, 11, 0, 0)  # fired as of the due time
    assert deadlines_sweep(exercise_id=helong.exercise.pk).fired == []  # once only


def test_per12_sweep_lets_an_unused_pass_lapse_and_leaves_a_returned_holder_alone(helong):
    """PER-12 / PER-7: an unused pass expires; a holder back in time has no pending deadline left to fire."""
    unused = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    clock_write(exercise=helong.exercise, actor=helong.teacher, to=bj(1964, 10, 12, 9, 0))
    deadlines_sweep(exercise_id=helong.exercise.pk)
    assert helong.refresh(unused).state == "expired"
    assert not Deadline.objects.filter(case=unused, status=DeadlineStatus.PENDING).exists()
