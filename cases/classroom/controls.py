"""The facilitator's lever over law: switch the regime (time moves through :mod:`cases.classroom.timekeeping`).

It goes through the service that owns it (:func:`cases.services.regime.exercise_switch_regime`) and
says, for the console, what the switch did.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cases.models import Exercise, ExerciseEventKind
from cases.regimes import get_regime
from cases.services.exercise_events import exercise_actor_check, exercise_event_record
from cases.services.regime import exercise_switch_regime


def regime_switch(*, exercise: Exercise, actor: Any, regime: str, migrate_running: bool,
                  counterfactual: bool = False) -> str:
    """The facilitator switches the regime (checked, recorded as one exercise event); return a summary."""
    exercise_actor_check(exercise=exercise, actor=actor, doing="switch its regime")
    with transaction.atomic():
        was = Exercise.objects.select_for_update().values_list("regime", flat=True).get(pk=exercise.pk)
        summary = regime_switch_summary(exercise=exercise, regime=regime, migrate_running=migrate_running,
                                        actor=actor, counterfactual=counterfactual)
        exercise_event_record(exercise=exercise, actor=actor, kind=ExerciseEventKind.REGIME_SWITCH,
                              summary=summary, data={"from": was, "to": regime, "migrate_running": migrate_running,
                                    "counterfactual": counterfactual})
    return summary


def regime_switch_summary(*, exercise: Exercise, regime: str, migrate_running: bool, actor: Any,
                          counterfactual: bool = False) -> str:
    """Put ``regime`` in force for new cases (and for running ones if ``migrate_running``); return a summary.

    A regime not yet in force on the exercise's date needs ``counterfactual`` (the run is then labelled so).

    The switch itself, as a timed event of the pack makes it (the time move that fired it is recorded).
    """
    result = exercise_switch_regime(exercise=exercise, regime=regime, migrate_running=migrate_running, actor=actor,
                                    counterfactual=counterfactual)
    exercise.refresh_from_db()
    label = get_regime(result.new).label
    prefix = "COUNTERFACTUAL RUN. " if result.counterfactual else ""
    kept = (f"{result.kept} kept the old regime's settings (a rule dated by its document still begins or ends "
            "on its date for them)" if result.kept else "0 kept the old regime's settings")
    return f"{prefix}{label}: {result.migrated} running case(s) moved, {kept}."
