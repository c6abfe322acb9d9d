"""The facilitator's actions on an exercise: pause and resume, take the facilitator seat, the autopilot.

Each takes the ``actor``, checks on the server that the actor runs the exercise, and writes one
:class:`cases.models.ExerciseEvent` in the same transaction as the change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cases.errors import ApplicationError
from cases.models import Exercise, ExerciseEventKind, ExerciseScenario, Membership
from cases.services.exercise_events import exercise_actor_check, exercise_event_record

# The autopilot seed is stored in a PositiveIntegerField: 0 to the largest value every database holds.
SEED_MAX = 2_147_483_647


def _locked(exercise: Exercise) -> Exercise:
    try:
        return Exercise.objects.select_for_update().get(pk=exercise.pk)
    except Exercise.DoesNotExist as exc:
        raise ApplicationError("This exercise no longer exists.") from exc


def _pause_set(*, exercise: Exercise, actor: Any, paused: bool) -> Exercise:
    """Pause or resume the exercise (audited, facilitator only); refuse a change that is no change."""
    exercise_actor_check(exercise=exercise, actor=actor, doing="pause it" if paused else "resume it")
    with transaction.atomic():
        locked = _locked(exercise)
        if locked.paused == paused:
            raise ApplicationError("The exercise is paused already." if paused else "The exercise is not paused.")
        locked.paused = paused
        locked.save(update_fields=["paused"])
        exercise_event_record(
            exercise=locked, actor=actor, kind=ExerciseEventKind.PAUSE if paused else ExerciseEventKind.RESUME,
            summary="Paused the exercise: no office can take a step." if paused else "Resumed the exercise.")
    exercise.paused = paused
    return locked


def exercise_pause(*, exercise: Exercise, actor: Any) -> Exercise:
    """Pause the exercise: no office can take a step, and time does not move, until it is resumed."""
    return _pause_set(exercise=exercise, actor=actor, paused=True)


def exercise_resume(*, exercise: Exercise, actor: Any) -> Exercise:
    """Resume a paused exercise."""
    return _pause_set(exercise=exercise, actor=actor, paused=False)


def exercise_join(*, exercise: Exercise, actor: Any) -> Membership:
    """Seat a superuser who has no place in the exercise as its facilitator, to act for any office."""
    if not getattr(actor, "is_superuser", False):
        raise ApplicationError("Only an administrator may take the facilitator's seat of an exercise.")
    with transaction.atomic():
        locked = _locked(exercise)
        if Membership.objects.filter(exercise=locked, user=actor).exists():
            raise ApplicationError("You already have a place in this exercise.")
        membership = Membership.objects.create(exercise=locked, user=actor, is_facilitator=True)
        exercise_event_record(exercise=locked, actor=actor, kind=ExerciseEventKind.JOIN,
                              summary=f"{actor.get_username()} took the facilitator's seat.")
    return membership


def _seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SEED_MAX:
        raise ApplicationError(f"The seed must be a whole number from 0 to {SEED_MAX}.")
    return value


def autopilot_set(*, exercise: Exercise, actor: Any, enabled: bool, seed: int) -> ExerciseScenario:
    """Turn the autopilot on or off and set its seed (the same seed and settings give the same run)."""
    exercise_actor_check(exercise=exercise, actor=actor, doing="set its autopilot")
    seed = _seed(seed)
    with transaction.atomic():
        locked = _locked(exercise)
        scenario = ExerciseScenario.objects.select_for_update().filter(exercise=locked).first()
        if scenario is None:
            scenario = ExerciseScenario.objects.create(exercise=locked, slug="manual", title=locked.name)
        was = (scenario.autopilot, scenario.seed)
        scenario.autopilot = bool(enabled)
        scenario.seed = seed
        scenario.save(update_fields=["autopilot", "seed"])
        if scenario.autopilot != was[0]:
            kind = ExerciseEventKind.AUTOPILOT_ON if scenario.autopilot else ExerciseEventKind.AUTOPILOT_OFF
        else:
            kind = ExerciseEventKind.AUTOPILOT_SEED
        exercise_event_record(
            exercise=locked, actor=actor, kind=kind,
            summary=f"Autopilot {'on' if scenario.autopilot else 'off'}, seed {scenario.seed}.",
            data={"autopilot": scenario.autopilot, "seed": scenario.seed, "was": {"autopilot": was[0], "seed": was[1]}},
        )
    return scenario
