"""A refused time move changes nothing, and a page's move is made once against the clock it showed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cases.classroom import timeline
from cases.classroom.loader import load_pack
from cases.classroom.timekeeping import time_move
from cases.errors import ApplicationError
from cases.models import CaseEvent, ClockMove, Deadline, Exercise, ExerciseEvent, TimedEvent


def _state(exercise: Exercise) -> tuple[object, ...]:
    """Everything a time move could write."""
    ex = Exercise.objects.get(pk=exercise.pk)
    return (
        ex.clock, ex.regime, ex.paused,
        ClockMove.objects.filter(exercise=ex).count(),
        CaseEvent.objects.filter(exercise=ex).count(),
        ExerciseEvent.objects.filter(exercise=ex).count(),
        tuple(TimedEvent.objects.filter(exercise=ex).order_by("id").values_list("status", "fired_at")),
        tuple(Deadline.objects.filter(exercise=ex).order_by("id").values_list("status", flat=True)),
    )


@pytest.fixture
def exercise(db: None) -> Exercise:
    return load_pack("marriage-1958", name="Refusals")


@pytest.fixture
def teacher(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_console_move_beyond_1970_is_refused_and_changes_nothing(teacher, exercise):
    """Issue 18 item 4: moving to 9999-12-31 was refused only after five months had run, with their events."""
    before = _state(exercise)
    response = teacher.post(reverse("classroom:console", args=[exercise.pk]), {
        "action": "to_date", "date": "9999-12-31",
        "seen_clock": Exercise.objects.get(pk=exercise.pk).clock.isoformat()}, follow=True)
    assert response.status_code == 200
    assert "The simulation ends on" in response.content.decode()
    assert _state(exercise) == before


def test_a_move_failing_half_way_is_rolled_back_whole(exercise, monkeypatch):
    """If anything refuses after the move began (here: the second stop's events), no stretch of it stays."""
    real = timeline.fire_due_events
    calls = {"n": 0}

    def failing(**kwargs: object) -> list[TimedEvent]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise ApplicationError("refused half-way")
        return real(**kwargs)

    monkeypatch.setattr(timeline, "fire_due_events", failing)
    before = _state(exercise)
    with pytest.raises(ApplicationError, match="refused half-way"):
        time_move(exercise=exercise, actor=None, to=dt.date(1958, 11, 30))
    assert calls["n"] == 3
    assert _state(exercise) == before


def test_a_move_against_a_clock_that_has_moved_is_refused(exercise):
    seen = Exercise.objects.get(pk=exercise.pk).clock
    time_move(exercise=exercise, actor=None, days=3, seen_clock=seen)
    after = _state(exercise)
    with pytest.raises(ApplicationError, match="clock has moved since this page was shown"):
        time_move(exercise=exercise, actor=None, days=3, seen_clock=seen)
    assert _state(exercise) == after


def test_clock_page_double_submit_moves_time_once(teacher, exercise):
    """Issue 18 item 5: eight "+1 day" POSTs of one page moved the clock eight days."""
    url = reverse("admin:cases_exercise_clock", args=[exercise.pk])
    start = Exercise.objects.get(pk=exercise.pk).clock
    page = teacher.get(url).content.decode()
    assert f'value="{start.isoformat()}"' in page  # the form carries the clock it was shown with
    posts = [teacher.post(url, {"advance-days": "1", "advance-seen_clock": start.isoformat()}, follow=True)
             for _ in range(8)]
    assert all(p.status_code == 200 for p in posts)
    assert Exercise.objects.get(pk=exercise.pk).clock == start + dt.timedelta(days=1)
    assert "The clock has moved since this page was shown" in posts[-1].content.decode()
    missing = teacher.post(url, {"advance-days": "1"}, follow=True).content.decode()
    assert "does not say which clock" in missing
    assert Exercise.objects.get(pk=exercise.pk).clock == start + dt.timedelta(days=1)


@pytest.mark.parametrize("days", ["99999999", "999999999999999999999", "-1", "0", "1.5"])
def test_clock_page_refuses_impossible_day_counts_clearly(teacher, exercise, days):
    """Issue 18 item 3: advance-days=99999999 was an OverflowError (500)."""
    url = reverse("admin:cases_exercise_clock", args=[exercise.pk])
    before = _state(exercise)
    response = teacher.post(url, {"advance-days": days,
                                  "advance-seen_clock": Exercise.objects.get(pk=exercise.pk).clock.isoformat()},
                            follow=True)
    assert response.status_code == 200
    assert "error" in [m.level_tag for m in response.context["messages"]]
    assert _state(exercise) == before


def test_service_refuses_a_day_count_beyond_the_calendar(exercise):
    before = _state(exercise)
    with pytest.raises(ApplicationError, match="simulation ends"):
        time_move(exercise=exercise, actor=None, days=99999999)
    assert _state(exercise) == before
