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


# --- Each exercise action: refused on the server for anyone but the exercise's teacher, one event else ---

import datetime as dt  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases.classroom.controls import regime_switch  # noqa: E402
from cases.classroom.loader import load_pack  # noqa: E402
from cases.classroom.students import membership_assign, students_create  # noqa: E402
from cases.classroom.timekeeping import time_move  # noqa: E402
from cases.classroom.timeline import timed_event_fire_now, timed_event_inject  # noqa: E402
from cases.errors import ApplicationError  # noqa: E402
from cases.models import Exercise, ExerciseScenario, Membership, TimedEvent  # noqa: E402
from cases.services.clock import clock_set_pace  # noqa: E402
from cases.services.exercise import autopilot_set, exercise_pause, exercise_resume  # noqa: E402


def _snapshot(exercise: Exercise) -> tuple[Any, ...]:
    ex = Exercise.objects.get(pk=exercise.pk)
    scenario = ExerciseScenario.objects.get(exercise=ex)
    return (
        ex.clock, ex.regime, ex.paused, ex.pace_days_per_minute, scenario.autopilot, scenario.seed,
        tuple(Membership.objects.filter(exercise=ex).order_by("id").values_list("user_id", "office_id")),
        tuple(TimedEvent.objects.filter(exercise=ex).order_by("id").values_list("status", flat=True)),
        ex.cases.count(), ExerciseEvent.objects.filter(exercise=ex).count(),
    )


def _pending(ex: Exercise) -> int:
    return TimedEvent.objects.filter(exercise=ex, status="pending").order_by("at").first().pk


def _student_pair(ex: Exercise) -> tuple[int, int]:
    m = Membership.objects.filter(exercise=ex, is_facilitator=False).first()
    other = ex.offices.exclude(pk=m.office_id).first()
    return m.pk, other.pk


ACTIONS: dict[str, Callable[[Exercise, Any], object]] = {
    "pause": lambda ex, a: exercise_pause(exercise=ex, actor=a),
    "autopilot": lambda ex, a: autopilot_set(exercise=ex, actor=a, enabled=False, seed=7),
    "pace": lambda ex, a: clock_set_pace(exercise=ex, actor=a, days_per_minute=3),
    "regime": lambda ex, a: regime_switch(exercise=ex, actor=a, regime="1958_marriage", migrate_running=False,
                                          counterfactual=True),
    "inject": lambda ex, a: timed_event_inject(exercise=ex, actor=a, kind="announce", label="Flood", payload={}),
    "fire now": lambda ex, a: timed_event_fire_now(exercise=ex, actor=a, event_id=_pending(ex)),
    "students": lambda ex, a: students_create(exercise=ex, actor=a, count=2),
    "assign": lambda ex, a: membership_assign(exercise=ex, actor=a, membership_id=_student_pair(ex)[0],
                                              office_id=_student_pair(ex)[1]),
    "time": lambda ex, a: time_move(exercise=ex, actor=a, days=3),
}


@pytest.fixture
def run(db: None) -> dict[str, Any]:
    users = get_user_model().objects
    teacher = users.create_user("teacher-x", password="x", is_staff=True)
    outsider = users.create_user("teacher-y", password="x", is_staff=True)
    exercise = load_pack("marriage-1958", name="Audited", actor=teacher)
    load_pack("marriage-1958", name="Another", actor=outsider)  # a teacher, but of another exercise
    students_create(exercise=exercise, actor=teacher, count=1)
    student = Membership.objects.get(exercise=exercise, is_facilitator=False).user
    return {"exercise": exercise, "teacher": teacher, "outsider": outsider, "student": student}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_anyone_but_the_exercise_teacher_is_refused_and_nothing_changes(run, action):
    for who in ("outsider", "student"):
        before = _snapshot(run["exercise"])
        with pytest.raises(ApplicationError, match="Only the teacher running this exercise"):
            ACTIONS[action](run["exercise"], run[who])
        assert _snapshot(run["exercise"]) == before, who


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_teachers_action_writes_exactly_one_exercise_event(run, action):
    ex = run["exercise"]
    before = set(ExerciseEvent.objects.filter(exercise=ex).values_list("pk", flat=True))
    ACTIONS[action](ex, run["teacher"])
    new = ExerciseEvent.objects.filter(exercise=ex).exclude(pk__in=before)
    assert new.count() == 1
    assert new.get().actor == run["teacher"]


def test_resume_and_join_are_audited_and_checked(run, admin_user):
    ex = run["exercise"]
    exercise_pause(exercise=ex, actor=run["teacher"])
    with pytest.raises(ApplicationError, match="Only the teacher"):
        exercise_resume(exercise=ex, actor=run["student"])
    assert Exercise.objects.get(pk=ex.pk).paused
    exercise_resume(exercise=ex, actor=run["teacher"])
    assert ExerciseEvent.objects.filter(exercise=ex, kind="resume", actor=run["teacher"]).count() == 1
    from cases.services.exercise import exercise_join

    with pytest.raises(ApplicationError, match="administrator"):
        exercise_join(exercise=ex, actor=run["outsider"])
    assert not Membership.objects.filter(exercise=ex, user=run["outsider"]).exists()
    exercise_join(exercise=ex, actor=admin_user)
    assert ExerciseEvent.objects.filter(exercise=ex, kind="join", actor=admin_user).count() == 1


@pytest.mark.parametrize("seed", ["-1", "9223372036854775808", "2147483648", "1e3", ""])
def test_console_refuses_an_impossible_autopilot_seed_and_changes_nothing(run, seed):
    """Issue 18 item 3: seed -1 was an IntegrityError (500), 9223372036854775808 an OverflowError."""
    ex = run["exercise"]
    client = Client()
    client.force_login(run["teacher"])
    before = _snapshot(ex)
    response = client.post(reverse("classroom:console", args=[ex.pk]),
                           {"action": "autopilot", "enabled": "on", "seed": seed}, follow=True)
    assert response.status_code == 200
    assert "error" in [m.level_tag for m in response.context["messages"]]
    assert _snapshot(ex) == before


def test_console_shows_the_history_with_names_and_both_clocks(run):
    ex = run["exercise"]
    run["teacher"].first_name, run["teacher"].last_name = "Li", "Wen"
    run["teacher"].save()
    exercise_pause(exercise=ex, actor=run["teacher"])
    client = Client()
    client.force_login(run["teacher"])
    page = client.get(reverse("classroom:console", args=[ex.pk])).content.decode()
    history = page[page.index('id="cr-history"'):]
    assert "Li Wen" in history and "Paused the exercise" in history
    shown = Exercise.objects.get(pk=ex.pk).clock
    assert f"{shown.day} Sep 1958" in history
    assert dt.date.today().strftime("%Y") in history  # the wall time beside the simulated one


def test_export_and_import_commands_are_recorded(run, tmp_path):
    from django.core.management import call_command

    ex = run["exercise"]
    out = tmp_path / "audited.json"
    call_command("export_exercise", ex.name, "--output", str(out))
    assert ExerciseEvent.objects.filter(exercise=ex, kind="export").count() == 1
    Exercise.objects.filter(pk=ex.pk).delete()
    call_command("import_exercise", str(out))
    imported = Exercise.objects.get(name="Audited")
    assert ExerciseEvent.objects.filter(exercise=imported, kind="import").count() == 1


def test_a_long_summary_is_cut_at_a_word_to_fit_its_column(desk):
    """A class top-up refused by AUT-4 was logged as "... property may not travel with t" (cut at 300)."""
    reason = ("AUT-1961-0094: AUT-4: under the regime in force property may not travel with the applicant; "
              "record how it is disposed of in China. ")
    summary = "Topped up the work of the pack from 19 to 20 students: 0 case(s) filed; not filed: " + reason * 3
    event = exercise_event_record(exercise=desk.exercise, actor=None, kind=ExerciseEventKind.PACK_LOAD,
                                  summary=summary)
    stored = ExerciseEvent.objects.get(pk=event.pk).summary
    assert len(stored) <= 300 and stored.endswith(" …")
    kept = stored.removesuffix(" …")
    assert summary.startswith(kept) and summary[len(kept)] == " "  # the cut falls between two words
