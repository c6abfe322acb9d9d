"""The autopilot takes steps in bulk, yet each one happens at its own simulated time, in time order with deadlines."""

from __future__ import annotations

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.timekeeping import fast_forward
from cases.models import CaseEvent, Deadline, DeadlineKind, DeadlineStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    """The Yanbian letters pack played by the autopilot through 1961 (AUT-3 escalations, then AUT-4)."""
    with django_db_blocker.unblock():
        exercise = load_pack("authorization-1961", name="Time order")
        fast_forward(exercise=exercise, actor=None, days=500)
        yield exercise
        exercise.delete()


def test_an_escalation_fires_only_when_the_office_had_not_acted_by_then_aut_3(year):
    """AUT-3: a wait escalates at its deadline unless the office acted first, even when steps go in bulk."""
    escalations = Deadline.objects.filter(exercise=year, kind=DeadlineKind.ESCALATION, set_at__isnull=False)
    fired = escalations.filter(status=DeadlineStatus.FIRED)
    # A regime switch re-sets the waits of running cases (AUT-4); the others end because someone acted.
    cancelled = escalations.filter(status=DeadlineStatus.CANCELLED).exclude(note__icontains="regime")
    assert fired.exists() and cancelled.exists(), "the year should show both outcomes"
    for d in fired:
        acted_before = CaseEvent.objects.filter(
            case_id=d.case_id, kind="transition", sim_time__gt=d.set_at, sim_time__lt=d.due_at)
        assert not acted_before.exists(), f"{d}: the office had already acted, yet the escalation fired"
    for d in cancelled:
        acted = CaseEvent.objects.filter(
            case_id=d.case_id, kind="transition", sim_time__gt=d.set_at, sim_time__lte=d.due_at)
        assert acted.exists(), f"{d}: cancelled although nobody acted before it fell due"


def test_steps_taken_together_are_dated_at_their_own_times(year):
    """Bulk steps keep each office's own processing time: step times are spread, not stacked on clock stops."""
    autopilot = CaseEvent.objects.filter(exercise=year, note__startswith="Autopilot")
    times = list(autopilot.values_list("sim_time", flat=True))
    assert len(times) > 50
    assert len(set(times)) > 0.9 * len(times)
    year.refresh_from_db()
    assert max(times) <= year.clock


def test_each_case_log_runs_forward_in_time(year):
    """Per case, events were written in simulated order (by id) and each starts where the previous one ended."""
    last: dict[int, object] = {}
    states: dict[int, str] = {}
    rows = CaseEvent.objects.filter(exercise=year).order_by("case_id", "id").values_list(
        "case_id", "kind", "sim_time", "source_state", "target_state")
    for case_id, kind, sim_time, source, target in rows:
        assert sim_time >= last.get(case_id, sim_time), f"case {case_id}: an event dated before the one it follows"
        last[case_id] = sim_time
        if kind in ("transition", "deadline"):
            if case_id in states:
                assert source == states[case_id]
            states[case_id] = target
