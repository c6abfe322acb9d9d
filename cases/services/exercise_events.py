"""Record one exercise action (the facilitator's audit) in the caller's transaction, and check who may act."""

from __future__ import annotations

from typing import Any

from cases.engine import is_facilitator
from cases.errors import ApplicationError
from cases.models import Exercise, ExerciseEvent, ExerciseEventKind
from cases.wording import clip


def exercise_event_record(
    *,
    exercise: Exercise,
    actor: Any,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
) -> ExerciseEvent:
    """Write one ``ExerciseEvent``: who did ``kind`` to the exercise, at its present simulated clock.

    Call it inside the transaction of the action it records, so the action and its record commit
    or roll back together. ``actor`` may be anonymous or ``None`` (a command run by the system).
    """
    if kind not in ExerciseEventKind.values:
        raise ValueError(f"Unknown exercise event kind {kind!r}")
    clock = Exercise.objects.filter(pk=exercise.pk).values_list("clock", flat=True).first()
    return ExerciseEvent.objects.create(
        exercise_id=exercise.pk,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        summary=clip(summary, 300),
        data=data or {},
        clock=clock if clock is not None else exercise.clock,
    )


def exercise_actor_check(*, exercise: Exercise, actor: Any, doing: str) -> None:
    """Refuse unless ``actor`` runs this exercise: its facilitator or a superuser.

    ``actor=None`` is the system itself (a management command run on the server, beat); a request
    always passes its user, so a student or another exercise's teacher is refused here, on the server,
    whatever the page showed them.
    """
    if actor is None:
        return
    if getattr(actor, "is_superuser", False):
        return
    if getattr(actor, "is_authenticated", False) and is_facilitator(actor, exercise.pk):
        return
    raise ApplicationError(f"Only the teacher running this exercise may {doing}.")
