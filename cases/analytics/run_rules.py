"""Which rules a debrief may list for a run: those in force at some time between its start and its clock.

A 1961 run must not be told about 1963 or 1970 rules just because a step it waits at has a later
variant. The dates come from ``cases/rules/in_force.py``; a counterfactual run reads its rules as on its
regime's date (``exercise_rule_date``), so its window starts there, and its pages list the rules its
events actually cite.
"""

from __future__ import annotations

import datetime as dt

from cases.analytics import metrics as m
from cases.analytics.metrics import Source
from cases.models import Exercise
from cases.rules.in_force import RULE_DATES, calendar_date, exercise_rule_date, is_counterfactual


def run_window(exercise: Exercise | None, log: Source) -> tuple[dt.date, dt.date]:
    """Return the first and last day the run's rules were read on: from its first filing to its clock."""
    start = min(m.start_of(log), log.now)
    if not counterfactual(exercise):
        return calendar_date(start), calendar_date(log.now)
    assert exercise is not None
    return exercise_rule_date(exercise, at=start), exercise_rule_date(exercise)


def in_force_during(rule_id: str, window: tuple[dt.date, dt.date]) -> bool:
    """Return whether the rule is in force on some day of ``window`` (a rule with no dates is kept: nothing says
    it is out of force)."""
    row = RULE_DATES.get(rule_id)
    first, last = window
    return row is None or (row.start <= last and (row.end is None or row.end > first))


def rules_of_run(exercise: Exercise | None, log: Source, rule_ids: list[str] | tuple[str, ...]) -> list[str]:
    """Return the rules of ``rule_ids`` in force during the run, in the order given."""
    window = run_window(exercise, log)
    return [r for r in rule_ids if in_force_during(r, window)]


def counterfactual(exercise: Exercise | None) -> bool:
    return exercise is not None and is_counterfactual(exercise)
