"""The autopilot: the system plays every office that no student holds, so a few students can run it all.

Decisions come from a per-procedure policy (``policy_for(kind)``: a function of the case, its regime's
parameters and a seeded RNG returning the step to take) and processing times from the regime's
``autopilot`` parameters (:mod:`cases.regimes`). Each decision's RNG is seeded from the exercise's
seed, the case reference, its state and how many events it has, so the same settings give the same
run. Steps go through the services like any deadline (the bulk step for many cases at once, with the
same checks): the timeline shows them, dated at the simulated time the office acted.
Each procedure names its policy in its registration (:mod:`cases.procedures`); procedures without
one get the generic fill-in policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cases.classroom.planner import (
    WINDOW,
    Pilot,
    RunReport,
    deadline_first,
    staffed_office_ids,
)
from cases.classroom.policy_base import (
    SYSTEM_REASON,
    AutoStep,
    Policy,
    generic_policy,
    generic_value,
    policy_for,
)
from cases.models import Exercise, ExerciseScenario

__all__ = [
    "SYSTEM_REASON",
    "AutoStep",
    "Policy",
    "RunReport",
    "autopilot_fly",
    "autopilot_on",
    "generic_policy",
    "generic_value",
    "policy_for",
    "staffed_office_ids",
]


def autopilot_on(exercise: Exercise) -> bool:
    """Return whether the autopilot plays this exercise's empty offices (on unless its scenario turned it off)."""
    scenario = ExerciseScenario.objects.filter(exercise=exercise).only("autopilot").first()
    return scenario is None or scenario.autopilot


def autopilot_fly(*, exercise: Exercise, until: dt.datetime, actor: Any, report: RunReport,
                  max_steps: int | None = None, source: str = "service",
                  progress: Callable[[dt.datetime], None] | None = None, every_office: bool = False) -> RunReport:
    """Play the unstaffed offices up to ``until`` (simulated), moving the clock as it goes; fill ``report``.

    ``every_office`` plays the offices students hold too (the teacher's year-long fast-forward after the
    class has played: the queues then build and drain as the regime would have them).

    The autopilot's part of a time move: :func:`cases.classroom.timekeeping.time_move` checks and
    claims the move and calls this; nothing else should. Each office acts on a case its processing
    time after the case reached its state; steps falling due close together are taken in one bulk
    step, each dated at its own time. The clock stops at each of the pack's timed events (news, new
    cases, a regime switch) and the run plans again with what it changed; deadlines are swept
    in-process as the clock passes them, so their effects come in time order too. A timed event that
    pauses the exercise stops the run. ``progress`` is told the clock as the run moves it on.
    """
    scenario = ExerciseScenario.objects.filter(exercise=exercise).first()
    seed = scenario.seed if scenario else exercise.pk
    pilot = Pilot(exercise, seed, actor, report, every_office=every_office)
    pilot.clock_source = source  # its clock moves are recorded as made from the entry point that asked
    _fly(pilot, until, max_steps, progress)
    if exercise.clock < until and not exercise.paused:
        pilot.move_clock(until)
    exercise.refresh_from_db()
    report.clock_to = exercise.clock
    return report


def _fly(pilot: Pilot, until: dt.datetime, max_steps: int | None,
         progress: Callable[[dt.datetime], None] | None = None) -> None:
    exercise = pilot.exercise
    pilot.move_clock(exercise.clock)  # deadlines already due go first
    pilot.plan_all()
    while not exercise.paused and (max_steps is None or pilot.report.steps < max_steps):
        if progress is not None:
            progress(exercise.clock)
        event_at = pilot.next_event()
        if event_at is not None and event_at > until:
            event_at = None
        due = pilot.next_due()
        if event_at is not None and (due is None or event_at <= due):
            # A timed event of the pack comes first: jump to it, let it fire, plan everything again.
            if event_at > exercise.clock:
                pilot.move_clock(event_at, "Autopilot: timed event")
            else:
                pilot.fire_events()  # and reads what they changed (a pause, a regime)
                pilot.move_clock(exercise.clock)
            pilot.plan_all()
            continue
        # Deadlines due before the next office step (or, with none planned, before ``until``) fire
        # first; what they change is planned again (a case only a deadline moves on included).
        deadline_at = pilot.next_deadline()
        if deadline_at is not None and deadline_at <= until and (due is None or deadline_at <= due):
            to = min(due, until) if due is not None else deadline_at
            if to > exercise.clock:
                pilot.move_clock(to)
                pilot.replan_touched()
                continue
        if due is None or due > until:
            break
        batch = pilot.pop_until(min(due + WINDOW, until), event_at)
        now, later, soonest = deadline_first(batch)
        if not now and soonest is not None and soonest > exercise.clock:
            pilot.move_clock(soonest)  # only deadlines come first: let them fire, then plan again
        else:
            now, later = (now or later), (later if now else [])
            pilot.act(now)
            pilot.move_clock(exercise.clock)
        pilot.replan_touched(p.case.pk for p in later)
