"""The planner re-plans the cases its own bulk step moved from the instances it holds, but only those
nothing else touched since: a case another writer changed meanwhile is loaded again."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.planner import WINDOW, Pilot, RunReport, deadline_first
from cases.models import Case, CaseEvent, EventKind

pytestmark = pytest.mark.django_db


def _one_day_acted(pilot: Pilot) -> list[int]:
    pilot.plan_all()
    due = pilot.next_due()
    assert due is not None
    now, _later, _soonest = deadline_first(pilot.pop_until(due + WINDOW, None))
    pilot.act(now)
    return list(pilot.moved)


def test_a_case_moved_by_the_planner_is_planned_again_from_its_instance():
    exercise = load_pack("authorization-1961", name="Reuse")
    pilot = Pilot(exercise, seed=7, actor=None, report=RunReport())
    moved = _one_day_acted(pilot)
    assert moved, "the first day should move some letters"
    instances = {pk: pilot.moved[pk] for pk in moved}
    pilot.replan_touched()
    planned = {pk: plan.case for pk, plan in pilot.plans.items()}
    kept = [pk for pk in moved if pk in planned]
    assert kept and all(planned[pk] is instances[pk] for pk in kept)
    states = dict(Case.objects.filter(pk__in=kept).values_list("pk", "state"))
    assert all(planned[pk].state == states[pk] for pk in kept)


def test_a_case_someone_else_touched_after_the_step_is_loaded_again():
    exercise = load_pack("authorization-1961", name="Reuse touched")
    pilot = Pilot(exercise, seed=7, actor=None, report=RunReport())
    moved = _one_day_acted(pilot)
    instances = {pk: pilot.moved[pk] for pk in moved}
    # Another writer (a student, a teacher's note) changes each case and logs it after the bulk step.
    later = {pk: case.state_since + dt.timedelta(hours=3) for pk, case in instances.items()}
    for pk, when in later.items():
        Case.objects.filter(pk=pk).update(state_since=when)
        CaseEvent.objects.create(case_id=pk, exercise=exercise, kind=EventKind.NOTE, label="Note", sim_time=when)
    pilot.replan_touched()
    planned = {pk: plan.case for pk, plan in pilot.plans.items() if pk in instances}
    assert planned, "some of the moved letters should be planned again"
    for pk, case in planned.items():
        assert case is not instances[pk] and case.state_since == later[pk]
