"""The simulated clock (never backwards, records every move, queues a sweep) and the deadline sweep
(fires each due deadline once, in due order, through the state machine)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cases.classroom.timekeeping import time_pace_tick
from cases.errors import ApplicationError
from cases.models import (
    CaseEvent,
    ClockMove,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    EventKind,
    Exercise,
    MarriageCase,
)
from cases.services.clock import clock_set_pace, clock_write
from cases.services.deadlines import deadline_escalation_set, deadlines_sweep, exercises_with_due_deadlines
from cases.services.steps import case_transition


def _case(desk, man: str) -> MarriageCase:
    return MarriageCase.objects.get(exercise=desk.exercise, man__name=man)


def _deadline(case, *, days: float, action: str, kind: str = DeadlineKind.EXPIRY, **extra) -> Deadline:
    """Register a deadline ``days`` simulated days after the exercise's clock."""
    clock = Exercise.objects.get(pk=case.exercise_id).clock
    return Deadline.objects.create(
        case=case, exercise_id=case.exercise_id, kind=kind, due_at=clock + dt.timedelta(days=days),
        action=action, set_at=clock, **extra,
    )


# --- The clock ------------------------------------------------------------------------------------


def test_clock_never_goes_backwards(desk):
    start = desk.exercise.clock
    with pytest.raises(ApplicationError, match="never goes backwards"):
        clock_write(exercise=desk.exercise, actor=None, days=-3)
    with pytest.raises(ApplicationError, match="never goes backwards"):
        clock_write(exercise=desk.exercise, actor=None, to=(start - dt.timedelta(days=1)).date())
    with pytest.raises(ApplicationError, match="at least one day"):
        clock_write(exercise=desk.exercise, actor=None, days=0)
    with pytest.raises(ApplicationError, match="either by a number of days or to a date"):
        clock_write(exercise=desk.exercise, actor=None, days=2, to=start.date())
    with pytest.raises(ApplicationError, match="simulation ends"):
        clock_write(exercise=desk.exercise, actor=None, to=dt.date(1971, 1, 5))
    assert Exercise.objects.get(pk=desk.exercise.pk).clock == start
    assert not ClockMove.objects.filter(exercise=desk.exercise).exists()


def test_clock_moves_by_days_and_to_a_date_and_records_each_move(desk):
    teacher = desk.user("teacher") if _has_user("teacher", desk) else None
    start = desk.exercise.clock
    clock_write(exercise=desk.exercise, actor=teacher, days=3)
    assert Exercise.objects.get(pk=desk.exercise.pk).clock == start + dt.timedelta(days=3)
    clock_write(exercise=desk.exercise, actor=teacher, to=dt.date(1960, 1, 15))
    now = timezone.localtime(Exercise.objects.get(pk=desk.exercise.pk).clock)
    assert now.date() == dt.date(1960, 1, 15)
    assert now.time() == timezone.localtime(start).time()  # a date keeps the time of day
    moves = list(ClockMove.objects.filter(exercise=desk.exercise).order_by("id"))
    assert [(m.from_time, m.to_time) for m in moves] == [
        (start, start + dt.timedelta(days=3)),
        (start + dt.timedelta(days=3), now),
    ]


def _has_user(login, desk):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=login + desk.suffix).exists()


def test_clock_move_queues_a_sweep_on_commit(desk, django_capture_on_commit_callbacks):
    case = _case(desk, "Wang Jun")
    deadline = _deadline(case, days=2, action="refuse_restricted_post")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        clock_write(exercise=desk.exercise, actor=None, days=5)
    assert len(callbacks) == 1
    # Nothing fires before the commit; the queued sweep (eager in tests) fires it after.
    assert Deadline.objects.get(pk=deadline.pk).status == DeadlineStatus.PENDING
    callbacks[0]()
    assert Deadline.objects.get(pk=deadline.pk).status == DeadlineStatus.FIRED
    assert MarriageCase.objects.get(pk=case.pk).state == "refused"


def test_advance_clock_command(desk):
    start = desk.exercise.clock
    call_command("advance_clock", desk.exercise.name, "--days", "10")
    assert Exercise.objects.get(pk=desk.exercise.pk).clock == start + dt.timedelta(days=10)
    call_command("advance_clock", str(desk.exercise.pk), "--to", "1961-05-01")
    assert timezone.localtime(Exercise.objects.get(pk=desk.exercise.pk).clock).date() == dt.date(1961, 5, 1)
    with pytest.raises(CommandError, match="never goes backwards"):
        call_command("advance_clock", desk.exercise.name, "--to", "1959-01-01")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("advance_clock", desk.exercise.name, "--to", "May 1961")
    with pytest.raises(CommandError, match="No exercise"):
        call_command("advance_clock", "Nope", "--days", "1")


def test_pace_moves_the_clock_by_wall_time(desk):
    clock_set_pace(exercise=desk.exercise, actor=None, days_per_minute=1)
    ex = Exercise.objects.get(pk=desk.exercise.pk)
    start = ex.clock
    time_pace_tick(now=ex.pace_anchor + dt.timedelta(minutes=3))
    ex.refresh_from_db()
    assert ex.clock == start + dt.timedelta(days=3)
    # The same wall time is never counted twice.
    time_pace_tick(now=ex.pace_anchor)
    ex.refresh_from_db()
    assert ex.clock == start + dt.timedelta(days=3)
    with pytest.raises(ApplicationError, match="whole number"):
        clock_set_pace(exercise=desk.exercise, actor=None, days_per_minute=-1)
    clock_set_pace(exercise=desk.exercise, actor=None, days_per_minute=0)
    assert time_pace_tick(now=timezone.now() + dt.timedelta(hours=1)) == []


def test_periodic_tasks_are_scheduled_with_django_celery_beat(db):
    tasks = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    assert {"cases.tasks.sweep_all", "cases.tasks.pace_clocks"} <= tasks


# --- The sweep ------------------------------------------------------------------------------------


def test_deadline_fires_through_the_state_machine_with_a_deadline_event(desk):
    case = _case(desk, "Wang Jun")
    deadline = _deadline(case, days=7, action="refuse_restricted_post", rules="MAR-1")
    assert deadline.pk not in deadlines_sweep(exercise_id=desk.exercise.pk).fired  # not due yet
    clock_write(exercise=desk.exercise, actor=None, days=30)
    result = deadlines_sweep(exercise_id=desk.exercise.pk)
    assert deadline.pk in result.fired
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.FIRED and deadline.fired_at == deadline.due_at
    event = CaseEvent.objects.get(case=case, kind=EventKind.DEADLINE)
    assert event.transition == "refuse_restricted_post"
    assert event.sim_time == deadline.due_at  # dated at the due time, not at the jumped-to clock
    assert event.data["deadline"] == deadline.pk


def test_running_the_sweep_twice_fires_nothing_twice(desk):
    case = _case(desk, "Wang Jun")
    mine = {
        _deadline(case, days=1, action="refuse_restricted_post").pk,
        _deadline(case, days=2, action="remind", kind=DeadlineKind.REMINDER, note="look at the file").pk,
    }
    clock_write(exercise=desk.exercise, actor=None, days=5)
    first = deadlines_sweep(exercise_id=desk.exercise.pk)
    second = deadlines_sweep(exercise_id=desk.exercise.pk)
    assert mine <= set(first.fired) and second.fired == [] and second.cancelled == []
    assert CaseEvent.objects.filter(case=case, kind__in=[EventKind.DEADLINE, EventKind.REMINDER]).count() == 2


def test_a_year_jump_fires_everything_in_due_order(desk):
    zhang = _case(desk, "Zhang Wenhai")  # unit staff: dissuasion first, then insistence (MAR-2)
    wang = _case(desk, "Wang Jun")
    # Registered out of order: the later step first. Fired in id order it would be cancelled.
    insist = _deadline(zhang, days=200, action="record_insistence")
    dissuade = _deadline(zhang, days=40, action="begin_dissuasion")
    reminders = [
        _deadline(wang, days=d, action="remind", kind=DeadlineKind.REMINDER, note=f"day {d}")
        for d in (300, 15, 120)
    ]
    beyond = _deadline(wang, days=400, action="remind", kind=DeadlineKind.REMINDER)
    clock_write(exercise=desk.exercise, actor=None, days=365)
    result = deadlines_sweep(exercise_id=desk.exercise.pk, batch_size=2)  # several batches
    assert {insist.pk, dissuade.pk, *(r.pk for r in reminders)} <= set(result.fired)
    assert MarriageCase.objects.get(pk=zhang.pk).state == "examination"
    events = list(
        CaseEvent.objects.filter(exercise=desk.exercise, data__has_key="deadline").order_by("id")
    )
    assert len(events) == len(result.fired)
    assert [e.sim_time for e in events] == sorted(e.sim_time for e in events)  # written in due order
    assert Deadline.objects.get(pk=beyond.pk).status == DeadlineStatus.PENDING


def test_a_deadline_no_longer_possible_is_cancelled_with_a_note(desk):
    wang = _case(desk, "Wang Jun")
    first = _deadline(wang, days=3, action="refuse_restricted_post")
    second = _deadline(wang, days=5, action="refuse_restricted_post")
    clock_write(exercise=desk.exercise, actor=None, days=10)
    result = deadlines_sweep(exercise_id=desk.exercise.pk)
    assert first.pk in result.fired and second.pk in result.cancelled
    second.refresh_from_db()
    assert second.status == DeadlineStatus.CANCELLED
    assert second.note.startswith("Cancelled: That step cannot be taken")


def test_sweeps_only_touch_their_own_exercise(desk, other_desk):
    mine = _deadline(_case(desk, "Wang Jun"), days=1, action="refuse_restricted_post")
    theirs = _deadline(_case(other_desk, "Wang Jun"), days=1, action="refuse_restricted_post")
    clock_write(exercise=desk.exercise, actor=None, days=3)
    assert exercises_with_due_deadlines() == [desk.exercise.pk]
    assert mine.pk in deadlines_sweep(exercise_id=desk.exercise.pk).fired
    assert Deadline.objects.get(pk=theirs.pk).status == DeadlineStatus.PENDING


def test_escalation_flags_a_case_waiting_too_long_at_one_office(desk):
    zhang = _case(desk, "Zhang Wenhai")
    li = _case(desk, "Li Dongshan")
    deadline_escalation_set(case=zhang, days=30, note="1961 backlog")
    moved_on = deadline_escalation_set(case=li, days=30)
    case_transition(case=li, transition="forward_to_province", actor=desk.user("workunit"))
    clock_write(exercise=desk.exercise, actor=None, days=45)
    deadlines_sweep(exercise_id=desk.exercise.pk)
    zhang.refresh_from_db()
    assert zhang.escalated_at is not None
    event = CaseEvent.objects.get(case=zhang, kind=EventKind.ESCALATION)
    assert "waiting 30 days" in event.label
    assert Deadline.objects.get(pk=moved_on.pk).status == DeadlineStatus.CANCELLED
    # The next step clears the flag.
    case_transition(case=zhang, transition="begin_dissuasion", actor=desk.user("workunit"))
    zhang.refresh_from_db()
    assert zhang.escalated_at is None
    with pytest.raises(ApplicationError, match="whole number of days"):
        deadline_escalation_set(case=zhang, days=0)


def test_sweep_of_a_deleted_exercise_does_nothing(db):
    assert deadlines_sweep(exercise_id=987654).fired == []


def test_many_deadlines_of_one_step_fire_once_through_a_bulk_step(desk):
    """A run of the same step on many cases goes through one bulk step; each fires once, dated when due."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.cases.marriage_helpers import file_case

    cases = [file_case(desk) for _ in range(25)]
    soldier = _case(desk, "Wang Jun")  # begin_dissuasion is refused for him (MAR-2): cancelled, not fired
    due = [_deadline(c, days=3 + i / 100, action="begin_dissuasion") for i, c in enumerate([*cases, soldier])]
    clock_write(exercise=desk.exercise, actor=None, days=10)
    with CaptureQueriesContext(connection) as ctx:
        result = deadlines_sweep(exercise_id=desk.exercise.pk)
    assert sorted(result.fired) == sorted(d.pk for d in due[:-1])
    assert result.cancelled == [due[-1].pk]
    assert "MAR-2" in Deadline.objects.get(pk=due[-1].pk).note
    assert len(ctx.captured_queries) < 60  # one bulk step, not a transaction per deadline
    for case, deadline in zip(cases, due, strict=False):
        event = CaseEvent.objects.get(case=case, transition="begin_dissuasion")
        assert event.kind == EventKind.DEADLINE and event.sim_time == deadline.due_at
        assert event.data == {"deadline": deadline.pk}
    again = deadlines_sweep(exercise_id=desk.exercise.pk)
    assert again.fired == [] and again.cancelled == []
    assert CaseEvent.objects.filter(exercise=desk.exercise, transition="begin_dissuasion").count() == 25
