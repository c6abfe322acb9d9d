"""The autopilot: the system plays every office that no student holds, so a few students can run it all.

Decisions come from a per-procedure policy (``POLICIES[kind]``: a function of the case, its regime's
parameters and a seeded RNG returning the step to take) and processing times from the regime's
``autopilot`` parameters (:mod:`cases.regimes`). Each decision's RNG is seeded from the exercise's
seed, the case reference, its state and how many events it has, so the same settings give the same
run. Steps go through ``case_transition(system=True)`` like any deadline: the timeline shows them.
Policies live in :mod:`cases.classroom.policies` (one module per procedure, registered with
:func:`register_policy`); procedures without one get the generic fill-in policy.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from cases.classroom import policies  # noqa: F401  (registers every procedure's policy)
from cases.classroom.policy_base import (
    POLICIES,
    SYSTEM_REASON,
    AutoStep,
    Policy,
    generic_policy,
    generic_value,
    register_policy,
)
from cases.engine import meta_of, transitions_from
from cases.errors import ApplicationError
from cases.models import Case, Exercise, ExerciseScenario, Membership, TimedEvent, TimedEventStatus
from cases.services.engine import case_transition

__all__ = [
    "POLICIES",
    "SYSTEM_REASON",
    "AutoStep",
    "Policy",
    "autopilot_run",
    "fast_forward",
    "generic_policy",
    "generic_value",
    "planned_step",
    "register_policy",
    "staffed_office_ids",
]

MAX_STEPS_PER_RUN = 5000


def staffed_office_ids(exercise: Exercise) -> set[int]:
    """Return the offices a student holds (the autopilot leaves them alone)."""
    return set(
        Membership.objects.filter(exercise=exercise, office__isnull=False, is_facilitator=False)
        .values_list("office_id", flat=True)
    )


def _params(case: Case) -> dict[str, Any]:
    return dict(case.regime_obj.param("autopilot", {}) or {})


def planned_step(case: Case, seed: int) -> tuple[dt.datetime, AutoStep] | None:
    """Return when and how the autopilot acts on the case (deterministic for a seed), or None."""
    case = case.specific()  # policies read the procedure's own fields and transitions
    n_events = case.events.count()
    rng = random.Random(f"{seed}:{case.reference}:{case.state}:{n_events}")
    params = _params(case)
    days_table = params.get("days", {})
    options = transitions_from(case)
    office_kind = meta_of(options[0]).office if options else ""
    base = float(days_table.get(office_kind, days_table.get("default", 7)))
    days = base * (0.5 + rng.random())  # +/-50% jitter, drawn first so decisions do not shift times
    policy = POLICIES.get(case.kind, generic_policy)
    decision = policy(case, params, rng)
    if decision is None:
        return None
    return case.state_since + dt.timedelta(days=days), decision


@dataclass
class RunReport:
    steps: int = 0
    stuck: list[str] = field(default_factory=list)
    clock_from: dt.datetime | None = None
    clock_to: dt.datetime | None = None
    log: list[str] = field(default_factory=list)


def autopilot_run(*, exercise: Exercise, until: dt.datetime, actor: Any = None) -> RunReport:
    """Play the unstaffed offices up to ``until`` (simulated), moving the clock as it goes; return a report.

    The clock moves through :func:`cases.classroom.bridges.advance_clock` (deadline sweeps and the
    pack's timed events fire on the way). Refused while the exercise is paused.
    """
    from cases.classroom.bridges import advance_clock
    from cases.classroom.timeline import fire_due_events

    exercise.refresh_from_db()
    if exercise.paused:
        raise ApplicationError("The exercise is paused: resume it before moving time on.")
    if until <= exercise.clock:
        raise ApplicationError(f"Choose a time after the exercise clock ({exercise.clock:%d %b %Y}).")
    scenario = ExerciseScenario.objects.filter(exercise=exercise).first()
    seed = scenario.seed if scenario else exercise.pk
    enabled = scenario.autopilot if scenario else True
    report = RunReport(clock_from=exercise.clock)
    skipped: set[tuple[int, str]] = set()
    rounds = 0
    while enabled and report.steps < MAX_STEPS_PER_RUN and rounds < 2 * MAX_STEPS_PER_RUN:
        rounds += 1
        staffed = staffed_office_ids(exercise)
        plans = []
        for case in Case.objects.filter(exercise=exercise, closed_at__isnull=True, next_office__isnull=False).exclude(
                next_office_id__in=staffed).order_by("id"):
            if (case.pk, case.state) in skipped:
                continue
            plan = planned_step(case, seed)
            if plan is None:
                skipped.add((case.pk, case.state))
                continue
            plans.append((plan[0], case.pk, case, plan[1]))
        # A timed event of the pack (news, new cases, a regime switch) due before the next step comes
        # first: jump to it, let it fire, and plan again with what it changed.
        event_at = (
            TimedEvent.objects.filter(exercise=exercise, status=TimedEventStatus.PENDING)
            .order_by("at").values_list("at", flat=True).first()
        )
        next_due = min(plans, key=lambda p: (p[0], p[1]))[0] if plans else None
        if event_at is not None and event_at <= until and (next_due is None or event_at <= next_due):
            if event_at > exercise.clock:
                advance_clock(exercise=exercise, actor=actor, to=event_at, note="Autopilot: timed event")
            else:
                fire_due_events(exercise=exercise, actor=actor)
                exercise.refresh_from_db()
            if exercise.paused:
                break
            continue
        if not plans:
            break
        due, _pk, case, decision = min(plans, key=lambda p: (p[0], p[1]))
        if due > until:
            break
        if due > exercise.clock:
            advance_clock(exercise=exercise, actor=actor, to=due, note="Autopilot")
            if exercise.paused:  # a timed event paused the exercise
                break
        try:
            case_transition(case=case, transition=decision.transition, actor=None, data=decision.data,
                            note=decision.note or "Autopilot", system=True)
        except ApplicationError as exc:
            skipped.add((case.pk, case.state))
            report.stuck.append(f"{case.reference}: {exc.message}")
            continue
        report.steps += 1
        report.log.append(f"{exercise.clock:%Y-%m-%d} {case.reference} {decision.transition}")
    exercise.refresh_from_db()
    if exercise.clock < until and not exercise.paused:
        advance_clock(exercise=exercise, actor=actor, to=until, note="Autopilot")
    report.clock_to = exercise.clock
    return report


def fast_forward(*, exercise: Exercise, actor: Any, days: int) -> RunReport:
    """Move the exercise on by ``days`` simulated days with the autopilot playing the empty offices."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1 or days > 3660:
        raise ApplicationError("Fast-forward by a whole number of days between 1 and 3660.")
    exercise.refresh_from_db()
    return autopilot_run(exercise=exercise, until=exercise.clock + dt.timedelta(days=days), actor=actor)
