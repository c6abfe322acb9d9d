"""Export and import of a whole exercise: a round trip loses nothing, the event log comes back identical.

An import always makes a new exercise with new ids (issue 18, item 8), so logs are compared as they
read: by case reference, login and office name instead of row ids.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from cases.classroom.loader import load_pack
from cases.classroom.packs import all_packs
from cases.classroom.timekeeping import fast_forward
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, Exercise, MarriageCase
from cases.services.transfer import exercise_export, exercise_import
from tests.cases.marriage_helpers import TO_CHINA_APPROVED_1958, walk

pytestmark = pytest.mark.django_db


def _event_log(exercise_id: int) -> list[tuple]:
    return list(
        CaseEvent.objects.filter(exercise_id=exercise_id)
        .order_by("pk")
        .values_list("case__reference", "kind", "transition", "source_state", "target_state", "actor__username",
                     "office__name", "sim_time", "wall_time", "rules", "note", "data")
    )


def _rows_per_model(exported: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in json.loads(exported):
        counts[row["model"]] = counts.get(row["model"], 0) + 1
    return counts


def test_round_trip_restores_everything_and_the_same_event_log(desk, other_desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    walk(desk, case, TO_CHINA_APPROVED_1958)
    exported = exercise_export(exercise=desk.exercise)
    log = _event_log(desk.exercise.pk)
    states = dict(Case.objects.filter(exercise=desk.exercise).values_list("reference", "state"))
    exercise_id, name = desk.exercise.pk, desk.exercise.name
    other_before = _event_log(other_desk.exercise.pk)

    desk.exercise.delete()
    assert not Case.objects.filter(exercise_id=exercise_id).exists()
    restored = exercise_import(data=exported)

    assert restored.name == name
    assert _event_log(restored.pk) == log
    assert dict(Case.objects.filter(exercise=restored).values_list("reference", "state")) == states
    assert MarriageCase.objects.get(exercise=restored, reference=case.reference).found_truthful is True
    assert _rows_per_model(exercise_export(exercise=restored)) == _rows_per_model(exported)
    assert _event_log(other_desk.exercise.pk) == other_before  # the other exercise is untouched


def test_import_refuses_to_overwrite_and_changes_nothing(desk):
    exported = exercise_export(exercise=desk.exercise)
    count = CaseEvent.objects.count()
    with pytest.raises(ApplicationError, match="already exists"):
        exercise_import(data=exported)
    with pytest.raises(ApplicationError, match="not a Border Desk export"):
        exercise_import(data="{not json")
    with pytest.raises(ApplicationError, match="no exercise"):
        exercise_import(data="[]")
    assert CaseEvent.objects.count() == count


def test_commands_round_trip(desk, tmp_path):
    path = tmp_path / "exercise.json"
    call_command("export_exercise", desk.exercise.name, output=str(path))
    rows = json.loads(path.read_text())
    assert {r["model"] for r in rows} >= {"cases.exercise", "cases.case", "cases.marriagecase", "cases.caseevent"}
    Exercise.objects.filter(pk=desk.exercise.pk).delete()
    call_command("import_exercise", str(path))
    assert Exercise.objects.filter(name=desk.exercise.name).exists()


def _readable_log(exercise_id: int) -> list[tuple]:
    """The event log as it reads, an event's fired deadline named by its case, kind and due time (not its id)."""
    deadlines = {pk: row for pk, *row in Deadline.objects.filter(exercise_id=exercise_id).values_list(
        "pk", "case__reference", "kind", "due_at", "status")}
    out = []
    for row in _event_log(exercise_id):
        data = dict(row[-1])
        if "deadline" in data:
            data["deadline"] = deadlines[data["deadline"]]  # a KeyError: it names no deadline of this exercise
        out.append((*row[:-1], data))
    return out


@pytest.mark.parametrize("slug", [p.slug for p in all_packs()])
def test_every_pack_round_trips_after_its_deadlines_fired(slug):
    """Three months on, events record the deadlines that fired them: the import names the new deadlines."""
    exercise = load_pack(slug, name=f"Export {slug}")
    fast_forward(exercise=exercise, actor=None, days=90)
    exported = exercise_export(exercise=exercise)
    restored = exercise_import(data=exported, name=f"Imported {slug}")
    assert _readable_log(restored.pk) == _readable_log(exercise.pk)
    assert _rows_per_model(exercise_export(exercise=restored)) == _rows_per_model(exported)


def test_an_event_naming_a_deadline_missing_from_the_file_is_refused_and_changes_nothing():
    exercise = load_pack("permits-1963", name="Export permits")
    fast_forward(exercise=exercise, actor=None, days=90)
    rows = json.loads(exercise_export(exercise=exercise))
    fired = next(r for r in rows if r["model"] == "cases.caseevent" and "deadline" in r["fields"]["data"])
    fired["fields"]["data"]["deadline"] = 10**9
    count, exercises = CaseEvent.objects.count(), Exercise.objects.count()
    with pytest.raises(ApplicationError, match="not in this file"):
        exercise_import(data=json.dumps(rows), name="Broken")
    assert CaseEvent.objects.count() == count and Exercise.objects.count() == exercises
