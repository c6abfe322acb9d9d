"""One clock: every entry point moves an exercise's time through the same service, with the same effects.

The console, the Clock page, the ``advance_clock`` command and beat's pace each move one copy of the
same pack to the same date; each copy ends with the same case events, the same timed events fired
(at their own simulated times) and the same clock.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.classroom.loader import load_pack
from cases.models import CaseEvent, Exercise, TimedEvent

TARGET = dt.date(1958, 10, 25)


def _seen(exercise: Exercise) -> str:
    return Exercise.objects.get(pk=exercise.pk).clock.isoformat()


def _target_time(exercise: Exercise) -> dt.datetime:
    local = timezone.localtime(exercise.clock)
    return local.replace(year=TARGET.year, month=TARGET.month, day=TARGET.day)


def _by_console(client: Client, exercise: Exercise) -> None:
    client.post(reverse("classroom:console", args=[exercise.pk]),
                {"action": "to_date", "date": TARGET.isoformat(), "seen_clock": _seen(exercise)})


def _by_clock_page(client: Client, exercise: Exercise) -> None:
    client.post(reverse("admin:cases_exercise_clock", args=[exercise.pk]),
                {"advance-to": TARGET.isoformat(), "advance-seen_clock": _seen(exercise)})


def _by_command(client: Client, exercise: Exercise) -> None:
    call_command("advance_clock", exercise.name, "--to", TARGET.isoformat())


def _by_pace(client: Client, exercise: Exercise) -> None:
    from cases.classroom.timekeeping import time_pace_tick
    from cases.services.clock import clock_set_pace

    days = (_target_time(exercise) - exercise.clock).days
    clock_set_pace(exercise=exercise, actor=None, days_per_minute=1)
    anchor = Exercise.objects.get(pk=exercise.pk).pace_anchor
    time_pace_tick(now=anchor + dt.timedelta(minutes=days))  # one simulated day per real minute


ENTRIES = {"console": _by_console, "clock page": _by_clock_page, "command": _by_command, "pace": _by_pace}


def _effects(exercise: Exercise) -> dict[str, object]:
    """What a move did, comparable across exercises (cases by their order of filing)."""
    order = {pk: i for i, pk in enumerate(exercise.cases.order_by("id").values_list("id", flat=True))}
    events = [
        (order[e.case_id], e.kind, e.transition, e.source_state, e.target_state, e.sim_time)
        for e in CaseEvent.objects.filter(exercise=exercise).order_by("sim_time", "case_id", "id")
    ]
    timed = list(TimedEvent.objects.filter(exercise=exercise).order_by("at", "id")
                 .values_list("label", "status", "fired_at", "result"))
    ex = Exercise.objects.get(pk=exercise.pk)
    return {"clock": ex.clock, "regime": ex.regime, "case_events": events, "timed": timed}


@pytest.mark.django_db
def test_every_entry_point_moves_time_the_same_way(admin_user):
    client = Client()
    client.force_login(admin_user)
    effects = {}
    for name, entry in ENTRIES.items():
        exercise = load_pack("marriage-1958", name=f"Class by {name}")
        entry(client, exercise)
        effects[name] = _effects(exercise)
    console = effects["console"]
    assert timezone.localtime(console["clock"]).date() == TARGET
    fired = [t for t in console["timed"] if t[1] == "fired"]
    assert fired and all(t[2] is not None for t in fired)  # the pack's events of September-October fired
    assert console["regime"] == "1958_marriage"
    for name in ("clock page", "command", "pace"):
        assert effects[name]["clock"] == console["clock"], name
        assert effects[name]["timed"] == console["timed"], name
        assert effects[name]["regime"] == console["regime"], name
        assert effects[name]["case_events"] == console["case_events"], name
