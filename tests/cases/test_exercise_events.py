"""The audit of exercise actions: one append-only row per action, with the actor and both clocks."""

from __future__ import annotations

import pytest
from django.db import transaction

from cases.models import ExerciseEvent, ExerciseEventKind
from cases.services.exercise_events import exercise_event_record


def test_record_writes_one_row_with_actor_and_simulated_clock(desk):
    teacher = desk.user("teacher")
    event = exercise_event_record(exercise=desk.exercise, actor=teacher, kind=ExerciseEventKind.PAUSE,
                                  summary="Paused the exercise", data={"why": "lunch"})
    row = ExerciseEvent.objects.get(pk=event.pk)
    assert row.actor == teacher
    assert row.clock == desk.exercise.clock
    assert row.data == {"why": "lunch"}
    assert row.kind == "pause"


def test_events_are_append_only_and_kinds_are_checked(desk):
    event = exercise_event_record(exercise=desk.exercise, actor=None, kind=ExerciseEventKind.RESUME, summary="x")
    event.summary = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="Unknown exercise event kind"):
        exercise_event_record(exercise=desk.exercise, actor=None, kind="nonsense", summary="x")


def test_record_rolls_back_with_the_action(desk):
    with pytest.raises(RuntimeError), transaction.atomic():
        exercise_event_record(exercise=desk.exercise, actor=None, kind=ExerciseEventKind.PAUSE, summary="x")
        raise RuntimeError("the action failed")
    assert not ExerciseEvent.objects.filter(exercise=desk.exercise).exists()
