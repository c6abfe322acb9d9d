"""Move an exercise's simulated clock: by days, to a date, or at a pace driven by beat.

The clock only moves forward. Each move is recorded (``ClockMove``) in the same transaction and,
once it commits, queues a deadline sweep for the exercise, so everything that fell due on the way
fires at once (in due order) instead of waiting for the next periodic sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.errors import ApplicationError
from cases.models import ClockMove, ClockMoveSource, Exercise
from cases.models.exercise import SIM_MAX

logger = logging.getLogger(__name__)

# Beat moves paced clocks at most this often; the pace is counted from the wall time of the last move.
PACE_MAX_DAYS_PER_MINUTE = 365


def enqueue_sweep(exercise_id: int) -> bool:
    """Queue a deadline sweep for the exercise; return False (and log) when the broker is down.

    A broker outage must never turn a clock move into an error page: the periodic sweep catches up
    with every due deadline once the broker is back, because deadlines are rows, not messages.
    """
    from cases.tasks import sweep_exercise

    try:
        sweep_exercise.apply_async(args=[exercise_id], retry=False)
    except Exception:  # the broker may be unreachable in any of kombu's ways
        logger.warning("Could not queue a deadline sweep for exercise %s; beat will catch up", exercise_id)
        return False
    return True


def _target_time(current: dt.datetime, *, days: int | None, to: dt.date | dt.datetime | None) -> dt.datetime:
    if (days is None) == (to is None):
        raise ApplicationError("Move the clock either by a number of days or to a date, not both and not neither.")
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int):
            raise ApplicationError("The number of days must be a whole number.")
        if days < 0:
            raise ApplicationError(
                f"The clock never goes backwards: it is {current:%d %b %Y} and cannot move back {-days} day(s)."
            )
        if days == 0:
            raise ApplicationError("Move the clock forward by at least one day.")
        return current + dt.timedelta(days=days)
    assert to is not None
    if isinstance(to, dt.datetime):
        target = to if timezone.is_aware(to) else timezone.make_aware(to)
    else:
        # A date keeps the clock's time of day, in the exercise's (Beijing) time.
        local = timezone.localtime(current)
        target = local.replace(year=to.year, month=to.month, day=to.day)
    if target < current:
        raise ApplicationError(
            f"The clock never goes backwards: it is {timezone.localtime(current):%d %b %Y} and "
            f"{timezone.localtime(target):%d %b %Y} is in the past."
        )
    if target == current:
        raise ApplicationError(f"The clock is already at {timezone.localtime(current):%d %b %Y %H:%M}.")
    return target


def clock_advance(
    *,
    exercise: Exercise,
    actor: Any,
    days: int | None = None,
    to: dt.date | dt.datetime | None = None,
    source: str = ClockMoveSource.SERVICE,
    note: str = "",
    queue_sweep: bool = True,
) -> ClockMove:
    """Move the exercise's clock forward by ``days`` or to ``to``; refuse any move backwards.

    Record the move and queue a deadline sweep once the transaction commits. A caller that sweeps
    in-process itself (the autopilot, which must see each deadline's effect before it plans on)
    passes ``queue_sweep=False``.
    """
    with transaction.atomic():
        try:
            locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
        except Exercise.DoesNotExist as exc:
            raise ApplicationError("This exercise no longer exists.") from exc
        target = _target_time(locked.clock, days=days, to=to)
        if target > SIM_MAX:
            raise ApplicationError(
                f"The simulation ends on {timezone.localtime(SIM_MAX):%d %b %Y}; the clock cannot go beyond it."
            )
        move = _move(locked, target, actor=actor, source=source, note=note, queue_sweep=queue_sweep)
    exercise.clock = locked.clock
    return move


def _move(locked: Exercise, target: dt.datetime, *, actor: Any, source: str, note: str,
          queue_sweep: bool = True) -> ClockMove:
    """Write the new clock, its record and the sweep-on-commit (caller holds the row lock)."""
    move = ClockMove.objects.create(
        exercise=locked,
        from_time=locked.clock,
        to_time=target,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
        note=note[:200],
    )
    locked.clock = target
    locked.save(update_fields=["clock"])
    exercise_id = locked.pk
    if queue_sweep:
        transaction.on_commit(lambda: enqueue_sweep(exercise_id))
    return move


def clock_set_pace(*, exercise: Exercise, actor: Any, days_per_minute: int) -> Exercise:
    """Let beat move the clock ``days_per_minute`` simulated days per real minute (0 stops it)."""
    if isinstance(days_per_minute, bool) or not isinstance(days_per_minute, int) or days_per_minute < 0:
        raise ApplicationError("The pace is a whole number of simulated days per real minute (0 to stop).")
    if days_per_minute > PACE_MAX_DAYS_PER_MINUTE:
        raise ApplicationError(f"The pace can be at most {PACE_MAX_DAYS_PER_MINUTE} simulated days per minute.")
    with transaction.atomic():
        locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
        locked.pace_days_per_minute = days_per_minute
        locked.pace_anchor = timezone.now() if days_per_minute else None
        locked.save(update_fields=["pace_days_per_minute", "pace_anchor"])
    exercise.pace_days_per_minute = locked.pace_days_per_minute
    exercise.pace_anchor = locked.pace_anchor
    return locked


def clock_pace_tick(*, now: dt.datetime | None = None) -> list[ClockMove]:
    """Move every paced, unpaused exercise's clock by the simulated time its pace earned since the last move.

    Run by beat. Safe to run twice at once: each exercise row is locked while it moves, and the
    anchor moves with the clock, so the same wall time is never counted twice.
    """
    now = now or timezone.now()
    moves = []
    ids = list(
        Exercise.objects.filter(pace_days_per_minute__gt=0, paused=False).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            locked = Exercise.objects.select_for_update().get(pk=pk)
            if not locked.pace_days_per_minute or locked.paused:
                continue
            if locked.pace_anchor is None:
                locked.pace_anchor = now
                locked.save(update_fields=["pace_anchor"])
                continue
            elapsed = now - locked.pace_anchor
            if elapsed <= dt.timedelta(0):
                continue
            sim = elapsed * (locked.pace_days_per_minute * 24 * 60)  # wall minute -> simulated days
            target = min(locked.clock + sim, SIM_MAX)
            locked.pace_anchor = now
            if target <= locked.clock:
                locked.pace_days_per_minute = 0  # the end of the simulation stops the pace
                locked.save(update_fields=["pace_anchor", "pace_days_per_minute"])
                continue
            locked.save(update_fields=["pace_anchor"])
            moves.append(_move(locked, target, actor=None, source=ClockMoveSource.PACE, note="Pace"))
    return moves
