"""The low-level clock of an exercise: where a move goes, the write of one move, and the pace setting.

Moving an exercise's time (with its timed events, deadlines and autopilot) is one service at the
classroom layer, :func:`cases.classroom.timekeeping.time_move`; this module is what it stands on.

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
from cases.models import ClockMove, ClockMoveSource, Exercise, ExerciseEventKind
from cases.models.exercise import SIM_MAX
from cases.services.exercise_events import exercise_actor_check, exercise_event_record
from cases.services.sweep_queue import enqueue_sweep
from cases.wording import clip, short_date

logger = logging.getLogger(__name__)

# Beat moves paced clocks at most this often; the pace is counted from the wall time of the last move.
PACE_MAX_DAYS_PER_MINUTE = 365


def days_to_a_year_on(moment: dt.datetime) -> int:
    """Return the days from ``moment`` to the same calendar date a year on (366 across a 29 February; from a
    29 February, to 28 February), in the simulation's time zone: "a year" keeps the date, not 365 days."""
    day = timezone.localtime(moment).date()
    try:
        later = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        later = day.replace(year=day.year + 1, day=28)
    return (later - day).days


def clock_target(current: dt.datetime, *, days: int | None, to: dt.date | dt.datetime | None) -> dt.datetime:
    """Return where a move by ``days`` or to ``to`` takes the clock; refuse any move that cannot be made.

    The whole move is checked here, before anything is written: backwards, zero, past the end of the
    simulation, or a number too large for a calendar.
    """
    if (days is None) == (to is None):
        raise ApplicationError("Move the clock either by a number of days or to a date, not both and not neither.")
    end = f"The simulation ends on {short_date(timezone.localtime(SIM_MAX))}; the clock cannot go beyond it."
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int):
            raise ApplicationError("The number of days must be a whole number.")
        if days < 0:
            raise ApplicationError(
                f"The clock never goes backwards: it is {short_date(current)} and cannot move back {-days} day(s)."
            )
        if days == 0:
            raise ApplicationError("Move the clock forward by at least one day.")
        if days > (SIM_MAX - current).days + 1:
            raise ApplicationError(end)
        target = current + dt.timedelta(days=days)
    else:
        assert to is not None
        if isinstance(to, dt.datetime):
            target = to if timezone.is_aware(to) else timezone.make_aware(to)
        else:
            # A date keeps the clock's time of day, in the exercise's (Beijing) time.
            local = timezone.localtime(current)
            try:
                target = local.replace(year=to.year, month=to.month, day=to.day)
            except ValueError as exc:  # 29 February kept from a leap year, say
                raise ApplicationError(f"{short_date(to)} cannot be reached at this time of day.") from exc
        if target < current:
            raise ApplicationError(
                f"Choose a time after the exercise clock ({short_date(timezone.localtime(current))}): the clock "
                f"never goes backwards and {short_date(timezone.localtime(target))} is in the past."
            )
        if target == current:
            raise ApplicationError(f"The clock is already at {short_date(timezone.localtime(current), time=True)}.")
    if target > SIM_MAX:
        raise ApplicationError(end)
    return target


def clock_write(
    *,
    exercise: Exercise,
    actor: Any,
    days: int | None = None,
    to: dt.date | dt.datetime | None = None,
    source: str = ClockMoveSource.SERVICE,
    note: str = "",
    queue_sweep: bool = True,
    locked: bool = False,
) -> ClockMove:
    """The low-level clock write: move the clock forward by ``days`` or to ``to`` and record the move.

    It fires no timed event and runs no autopilot: moving an exercise's time is
    :func:`cases.classroom.timekeeping.time_move`, which calls this for each stretch. Engine tests and
    the autopilot's own steps use it directly. A deadline sweep is queued once the transaction commits,
    unless the caller sweeps in-process itself (``queue_sweep=False``).
    ``locked`` says the caller already holds the exercise's row lock in its transaction and ``exercise``
    is current (a time move's own instance): it is checked and written as it is, not loaded again.
    """
    if locked:
        return _move(exercise, clock_target(exercise.clock, days=days, to=to), actor=actor, source=source,
                     note=note, queue_sweep=queue_sweep)
    with transaction.atomic():
        try:
            locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
        except Exercise.DoesNotExist as exc:
            raise ApplicationError("This exercise no longer exists.") from exc
        target = clock_target(locked.clock, days=days, to=to)
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
        note=clip(note, 200),
    )
    locked.clock = target
    locked.save(update_fields=["clock"])
    exercise_id = locked.pk
    if queue_sweep:
        transaction.on_commit(lambda: enqueue_sweep(exercise_id))
    return move


def clock_set_pace(*, exercise: Exercise, actor: Any, days_per_minute: int) -> Exercise:
    """Let beat move the clock ``days_per_minute`` simulated days per real minute (0 stops it)."""
    exercise_actor_check(exercise=exercise, actor=actor, doing="set the pace of its clock")
    if isinstance(days_per_minute, bool) or not isinstance(days_per_minute, int) or days_per_minute < 0:
        raise ApplicationError("The pace is a whole number of simulated days per real minute (0 to stop).")
    if days_per_minute > PACE_MAX_DAYS_PER_MINUTE:
        raise ApplicationError(f"The pace can be at most {PACE_MAX_DAYS_PER_MINUTE} simulated days per minute.")
    with transaction.atomic():
        locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
        was = locked.pace_days_per_minute
        locked.pace_days_per_minute = days_per_minute
        locked.pace_anchor = timezone.now() if days_per_minute else None
        locked.save(update_fields=["pace_days_per_minute", "pace_anchor"])
        exercise_event_record(
            exercise=locked, actor=actor, kind=ExerciseEventKind.PACE,
            summary=f"Pace set to {days_per_minute} simulated day(s) per real minute"
                    + (" (stopped)." if not days_per_minute else "."),
            data={"days_per_minute": days_per_minute, "was": was},
        )
    exercise.pace_days_per_minute = locked.pace_days_per_minute
    exercise.pace_anchor = locked.pace_anchor
    return locked


def clock_pace_target(locked: Exercise, now: dt.datetime) -> dt.datetime | None:
    """Return where the pace has taken a locked exercise's clock by ``now``, moving its anchor; None if nowhere.

    The caller holds the row lock and saves ``pace_anchor`` (and ``pace_days_per_minute``, which the
    end of the simulation sets to 0). Counting from the anchor means the same wall time is never
    counted twice, even when two beats run at once.
    """
    if not locked.pace_days_per_minute or locked.paused:
        return None
    if locked.pace_anchor is None:
        locked.pace_anchor = now
        return None
    elapsed = now - locked.pace_anchor
    if elapsed <= dt.timedelta(0):
        return None
    sim = elapsed * (locked.pace_days_per_minute * 24 * 60)  # wall minute -> simulated days
    target = min(locked.clock + sim, SIM_MAX)
    locked.pace_anchor = now
    if target <= locked.clock:
        locked.pace_days_per_minute = 0  # the end of the simulation stops the pace
        return None
    return target
