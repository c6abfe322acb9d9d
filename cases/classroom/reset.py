"""Reset an exercise to the start of its pack, or delete it with everything made for it.

Both are facilitator actions (``exercise_actor_check``), refused while a job of the exercise is queued
or running (a time move half done would write into an exercise that is being emptied).

*Reset* keeps the exercise, its offices, its students and the office each holds, its scenario row and
the record of what was done to it (``ExerciseEvent``); it removes every case (with their events and
deadlines), every timed event, clock move, person and permit-side row, puts the clock, regime, pace and
autopilot back to the pack's and loads the pack's people, cases and timed events again
(:func:`cases.classroom.loader.pack_fill`). One ``ExerciseEvent`` records it.

*Delete* removes the exercise and everything in it, and the student logins created for it
(``students_create``) that hold no place in another exercise. The audit of a delete cannot live in the
exercise's own history (it goes with it), so it is written to Django's admin log (``LogEntry``, kept
after the exercise) and to the ``cases.audit`` log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from cases.classroom.emptying import exercise_empty
from cases.classroom.loader import pack_context, pack_fill
from cases.classroom.packs import Pack
from cases.errors import ApplicationError
from cases.models import (
    Case,
    Exercise,
    ExerciseEvent,
    ExerciseEventKind,
    ExerciseScenario,
    Job,
    JobStatus,
    Membership,
    Office,
)
from cases.services.exercise_events import exercise_actor_check, exercise_event_record

audit_log = logging.getLogger("cases.audit")

# What a reset keeps: the exercise's offices, who holds them, its scenario and its own history.
KEPT_ON_RESET: tuple[type[models.Model], ...] = (Office, Membership, ExerciseScenario, ExerciseEvent)


@dataclass(frozen=True)
class ExerciseContents:
    """What an exercise holds, as the confirmation pages count it."""

    cases: int
    timed_events: int
    people: int
    students: int
    logins_deleted: list[str]


def _running_job_check(exercise: Exercise, doing: str) -> None:
    if Job.objects.filter(exercise_id=exercise.pk, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).exists():
        raise ApplicationError(f"The exercise was not {doing}: a job of it (a time move or a comparison) is "
                               "still queued or running. Wait for it to finish and try again.")


def _locked(exercise: Exercise) -> Exercise:
    try:
        return Exercise.objects.select_for_update().get(pk=exercise.pk)
    except Exercise.DoesNotExist as exc:
        raise ApplicationError("This exercise no longer exists.") from exc


def created_logins(exercise: Exercise) -> list[str]:
    """Return the student logins ``students_create`` made for this exercise that no other exercise seats.

    Only those are deleted with the exercise: a teacher's login, a pack's fixed demo login or a student
    who also plays in another class stays.
    """
    names: list[str] = []
    for data in ExerciseEvent.objects.filter(exercise=exercise, kind=ExerciseEventKind.STUDENTS_CREATE
                                             ).values_list("data", flat=True):
        names += [str(n) for n in (data or {}).get("logins", [])]
    users = get_user_model().objects.filter(
        username__in=names, is_superuser=False, memberships__exercise=exercise, memberships__is_facilitator=False)
    elsewhere = set(Membership.objects.filter(user__in=users).exclude(exercise=exercise)
                    .values_list("user__username", flat=True))
    return sorted(u.get_username() for u in users if u.get_username() not in elsewhere)


def exercise_contents(exercise: Exercise) -> ExerciseContents:
    """Count what a reset or delete would remove (for the confirmation pages)."""
    return ExerciseContents(
        cases=Case.objects.filter(exercise=exercise).count(),
        timed_events=exercise.timed_events.count(),
        people=exercise.people.count(),
        students=Membership.objects.filter(exercise=exercise, is_facilitator=False).count(),
        logins_deleted=created_logins(exercise),
    )


def exercise_reset(*, exercise: Exercise, actor: Any) -> Exercise:
    """Put the exercise back as it was just after its pack loaded, keeping its students and their offices.

    Raise ApplicationError (and change nothing) for someone who does not run the exercise, an exercise
    not loaded from a pack that is still here, or one with a job under way.
    """
    exercise_actor_check(exercise=exercise, actor=actor, doing="reset it")
    pack, ctx = pack_context(exercise)
    if pack is None:
        raise ApplicationError("This exercise was not loaded from a scenario pack that is still installed, so "
                               "there is no start to reset it to. Delete it and load a pack instead.")
    with transaction.atomic():
        locked = _locked(exercise)
        _running_job_check(locked, "reset")
        before = exercise_contents(locked)
        exercise_empty(locked, keep=KEPT_ON_RESET)
        _restart(locked, pack)
        offices = _pack_offices(locked, pack, ctx.offices)
        pack_fill(locked, pack, offices, lambda message: None)
        exercise_event_record(
            exercise=locked, actor=actor, kind=ExerciseEventKind.EXERCISE_RESET,
            summary=(f"Reset the exercise to the start of '{pack.title}': removed {before.cases} case(s) and "
                     f"{before.timed_events} timed event(s), loaded the pack again; {before.students} student(s) "
                     "keep their offices."),
            data={"pack": pack.slug, "removed_cases": before.cases, "removed_timed_events": before.timed_events})
    return locked


def _restart(exercise: Exercise, pack: Pack) -> None:
    """Put the clock, regime, pause, pace and autopilot back to the pack's."""
    auto = pack.data.get("autopilot", {})
    exercise.clock = pack.start
    exercise.regime = pack.data["regime"]
    exercise.counterfactual = bool(pack.data.get("counterfactual", False))
    exercise.paused = False
    exercise.pace_days_per_minute = 0
    exercise.pace_anchor = None
    exercise.save(update_fields=["clock", "regime", "counterfactual", "paused", "pace_days_per_minute",
                                 "pace_anchor"])
    ExerciseScenario.objects.filter(exercise=exercise).update(
        seed=int(auto.get("seed", 1)), autopilot=bool(auto.get("enabled", True)))


def _pack_offices(exercise: Exercise, pack: Pack, found: dict[str, Office]) -> dict[str, Office]:
    """Return the pack's offices by key, creating any the exercise lost (students keep theirs)."""
    offices = dict(found)
    for item in pack.data["offices"]:
        if item["key"] not in offices:
            offices[item["key"]] = Office.objects.create(
                exercise=exercise, kind=item["kind"], name=item["name"], place=item.get("place", ""))
    return offices


def exercise_delete(*, exercise: Exercise, actor: Any) -> ExerciseContents:
    """Delete the exercise, all it holds and the student logins created for it only; return what went.

    The audit row is Django's admin log (it outlives the exercise) and a line in the ``cases.audit`` log.
    """
    exercise_actor_check(exercise=exercise, actor=actor, doing="delete it")
    with transaction.atomic():
        locked = _locked(exercise)
        _running_job_check(locked, "deleted")
        gone = exercise_contents(locked)
        name, pk = locked.name, locked.pk
        exercise_empty(locked, keep=())
        get_user_model().objects.filter(username__in=gone.logins_deleted).delete()
        locked.delete()
        summary = (f"Deleted the exercise '{name}' (id {pk}): {gone.cases} case(s), {gone.timed_events} timed "
                   f"event(s), {gone.people} people, {gone.students} student place(s) and "
                   f"{len(gone.logins_deleted)} student login(s).")
        if getattr(actor, "is_authenticated", False):
            LogEntry.objects.create(
                user_id=actor.pk, content_type_id=ContentType.objects.get_for_model(Exercise).pk,
                object_id=str(pk), object_repr=name[:200], action_flag=DELETION,
                change_message=summary)
        actor_name = actor.get_username() if getattr(actor, "is_authenticated", False) else "system"
        transaction.on_commit(lambda: audit_log.warning("%s by %s; logins deleted: %s", summary, actor_name,
                                                     ", ".join(gone.logins_deleted) or "none"))
    return gone
