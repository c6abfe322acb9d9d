"""The two levers other branches own, behind one small interface each (isolated here on purpose).

* Moving the clock belongs to the deadlines branch (``cases.services.clock.clock_advance(*, exercise,
  actor, days=None, to=None, source=, note=)``, which records a ClockMove and queues a deadline sweep).
* Switching the regime belongs to the authorization branch (``cases.services.regime.
  exercise_switch_regime(*, exercise, regime, migrate_running, actor)``).

Until those land on main, each function falls back to a thin local version (the clock only moves
forward; a regime switch changes what new cases start under and notes it on running cases). After
the merge the imports succeed and the real services run; the fallbacks can then be deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, EventKind, Exercise
from cases.models.exercise import SIM_MAX
from cases.regimes import REGIMES, get_regime


def advance_clock(*, exercise: Exercise, actor: Any, to: dt.datetime, note: str = "") -> Exercise:
    """Move the exercise clock forward to ``to`` (never backwards), stopping at each timed event on the way.

    Each pending event of the pack fires at its own simulated time (cases it files are dated then),
    not all at once at the end of a long jump.
    """
    from cases.models import TimedEvent, TimedEventStatus

    exercise.refresh_from_db()
    if to > exercise.clock:
        stops = (
            TimedEvent.objects.filter(exercise=exercise, status=TimedEventStatus.PENDING,
                                      at__gt=exercise.clock, at__lt=to)
            .order_by("at").values_list("at", flat=True).distinct()
        )
        for stop in list(stops):
            _move_clock(exercise=exercise, actor=actor, to=stop, note=note)
            if exercise.paused:  # an event paused the exercise: time stops here
                return exercise
    return _move_clock(exercise=exercise, actor=actor, to=to, note=note)


def _move_clock(*, exercise: Exercise, actor: Any, to: dt.datetime, note: str = "") -> Exercise:
    """Move the clock once (through the clock service when merged), then fire the events now due."""
    try:
        from cases.services.clock import clock_advance  # type: ignore[import-not-found]
    except ImportError:
        clock_advance = None
    if clock_advance is not None:
        clock_advance(exercise=exercise, actor=actor, to=to, note=note)
    else:
        with transaction.atomic():
            locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
            if to <= locked.clock:
                raise ApplicationError(f"The clock never goes backwards: it is already {locked.clock:%d %b %Y}.")
            if to > SIM_MAX:
                raise ApplicationError(f"The simulation ends on {SIM_MAX:%d %b %Y}.")
            locked.clock = to
            locked.save(update_fields=["clock"])
    exercise.refresh_from_db()
    from cases.classroom.timeline import fire_due_events

    fire_due_events(exercise=exercise)
    exercise.refresh_from_db()
    return exercise


def switch_regime(*, exercise: Exercise, regime: str, migrate_running: bool, actor: Any) -> str:
    """Put ``regime`` in force for new cases (and for running ones if ``migrate_running``); return a summary."""
    try:
        from cases.services.regime import exercise_switch_regime  # type: ignore[import-not-found]
    except ImportError:
        exercise_switch_regime = None
    if exercise_switch_regime is not None:
        result = exercise_switch_regime(exercise=exercise, regime=regime, migrate_running=migrate_running, actor=actor)
        exercise.refresh_from_db()
        label = get_regime(result.new).label
        return f"{label}: {result.migrated} running case(s) moved, {result.kept} kept their rules."
    if regime not in REGIMES:
        raise ApplicationError(f"Unknown regime {regime!r}; choose one of: {', '.join(REGIMES)}.")
    with transaction.atomic():
        locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
        if locked.regime == regime:
            raise ApplicationError(f"{get_regime(regime).label} is already in force in this exercise.")
        new = get_regime(regime)
        locked.regime = regime
        locked.save(update_fields=["regime"])
        running = list(Case.objects.filter(exercise=locked, closed_at__isnull=True).order_by("id"))
        for case in running:
            if migrate_running:
                Case.objects.filter(pk=case.pk).update(regime=regime)
            CaseEvent.objects.create(
                case=case, exercise=locked, kind=EventKind.REGIME, sim_time=locked.clock,
                label=(f"Regime switched: now under {new.label}" if migrate_running
                       else f"Regime switched to {new.label}; this case keeps its rules")[:160],
                source_state=case.state, target_state=case.state, actor=actor,
                note=new.citation,
            )
    exercise.refresh_from_db()
    moved = len(running) if migrate_running else 0
    return f"{new.label}: {moved} running case(s) moved, {len(running) - moved} kept their rules."
