"""The facilitator's two levers over time and law: move the clock through the pack's timed events, switch the regime.

Both go through the services that own them (:func:`cases.services.clock.clock_advance`,
:func:`cases.services.regime.exercise_switch_regime`); what this module adds is the classroom's view:
a long jump stops at each pending timed event of the pack, so it fires at its own simulated time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cases.models import Exercise, TimedEvent, TimedEventStatus
from cases.regimes import get_regime
from cases.services.clock import clock_advance
from cases.services.regime import exercise_switch_regime


def advance_clock(*, exercise: Exercise, actor: Any, to: dt.datetime, note: str = "",
                  queue_sweep: bool = True) -> Exercise:
    """Move the exercise clock forward to ``to`` (never backwards), stopping at each timed event on the way.

    Each pending event of the pack fires at its own simulated time (cases it files are dated then),
    not all at once at the end of a long jump. An event that pauses the exercise stops the clock there.
    """
    exercise.refresh_from_db()
    if to > exercise.clock:
        stops = (
            TimedEvent.objects.filter(exercise=exercise, status=TimedEventStatus.PENDING,
                                      at__gt=exercise.clock, at__lt=to)
            .order_by("at").values_list("at", flat=True).distinct()
        )
        for stop in list(stops):
            _move_clock(exercise=exercise, actor=actor, to=stop, note=note, queue_sweep=queue_sweep)
            if exercise.paused:
                return exercise
    return _move_clock(exercise=exercise, actor=actor, to=to, note=note, queue_sweep=queue_sweep)


def _move_clock(*, exercise: Exercise, actor: Any, to: dt.datetime, note: str, queue_sweep: bool) -> Exercise:
    """Move the clock once through the clock service, then fire the pack's events now due."""
    from cases.classroom.timeline import fire_due_events

    clock_advance(exercise=exercise, actor=actor, to=to, note=note, queue_sweep=queue_sweep)
    exercise.refresh_from_db()
    fire_due_events(exercise=exercise)
    exercise.refresh_from_db()
    return exercise


def switch_regime(
    *, exercise: Exercise, regime: str, migrate_running: bool, actor: Any, counterfactual: bool = False,
) -> str:
    """Put ``regime`` in force for new cases (and for running ones if ``migrate_running``); return a summary.

    A regime not yet in force on the exercise's date needs ``counterfactual`` (the run is then labelled so).
    """
    result = exercise_switch_regime(exercise=exercise, regime=regime, migrate_running=migrate_running, actor=actor,
                                    counterfactual=counterfactual)
    exercise.refresh_from_db()
    label = get_regime(result.new).label
    prefix = "COUNTERFACTUAL RUN. " if result.counterfactual else ""
    return f"{prefix}{label}: {result.migrated} running case(s) moved, {result.kept} kept their rules."
