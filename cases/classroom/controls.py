"""The facilitator's lever over law: switch the regime (time moves through :mod:`cases.classroom.timekeeping`).

It goes through the service that owns it (:func:`cases.services.regime.exercise_switch_regime`) and
says, for the console, what the switch did.
"""

from __future__ import annotations

from typing import Any

from cases.models import Exercise
from cases.regimes import get_regime
from cases.services.regime import exercise_switch_regime


def switch_regime(*, exercise: Exercise, regime: str, migrate_running: bool, actor: Any) -> str:
    """Put ``regime`` in force for new cases (and for running ones if ``migrate_running``); return a summary."""
    result = exercise_switch_regime(exercise=exercise, regime=regime, migrate_running=migrate_running, actor=actor)
    exercise.refresh_from_db()
    label = get_regime(result.new).label
    return f"{label}: {result.migrated} running case(s) moved, {result.kept} kept their rules."
