"""The autopilot: the system plays every office that no student holds, so a few students can run it all.

Decisions come from a per-procedure policy (``POLICIES[kind]``: a function of the case, its regime's
parameters and a seeded RNG returning the step to take) and processing times from the regime's
``autopilot`` parameters (:mod:`cases.regimes`). Each decision's RNG is seeded from the exercise's
seed, the case reference, its state and how many events it has, so the same settings give the same
run. Steps go through ``case_transition(system=True)`` like any deadline: the timeline shows them.
Procedures without a policy get the generic one (the first step whose guards pass and that needs
no typed input); the lead adds real policies for AUT/PER/RET/MEET with :func:`register_policy`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cases.engine import meta_of, transitions_from, unmet_guards
from cases.errors import ApplicationError
from cases.models import Case, Exercise, ExerciseScenario, Membership, TimedEvent, TimedEventStatus
from cases.services.engine import case_transition

SYSTEM_REASON = "Decided by the office (played by the autopilot)."
MAX_STEPS_PER_RUN = 5000


@dataclass(frozen=True)
class AutoStep:
    """What the autopilot does next on a case."""

    transition: str
    data: dict[str, Any] = field(default_factory=dict)
    note: str = ""


Policy = Callable[[Case, dict[str, Any], random.Random], AutoStep | None]
POLICIES: dict[str, Policy] = {}


def register_policy(kind: str) -> Callable[[Policy], Policy]:
    """Register the autopilot's decision policy for a procedure kind."""

    def decorate(func: Policy) -> Policy:
        POLICIES[kind] = func
        return func

    return decorate


# Yes/no inputs whose name says something is wrong are answered "no" by the generic policy.
_NEGATIVE_HINTS = ("issue", "pending", "crime", "criminal", "refus", "suspect", "illegal", "restricted")


def generic_value(case: Case, name: str) -> Any:
    """Return a plausible value for a step's typed input, from the model field's type (None if unknown)."""
    from django.db import models

    try:
        f = type(case)._meta.get_field(name)
    except Exception:
        return None
    clock = case.exercise.clock
    if isinstance(f, models.BooleanField):
        return not any(h in name for h in _NEGATIVE_HINTS)
    if isinstance(f, models.DateTimeField):
        return clock + dt.timedelta(days=30)
    if isinstance(f, models.DateField):
        return (clock + dt.timedelta(days=30)).date()
    if isinstance(f, models.IntegerField | models.DecimalField | models.FloatField):
        return 1
    if isinstance(f, models.CharField | models.TextField):
        if getattr(f, "choices", None):
            return f.choices[0][0]
        text = f"{case.reference} {name.replace('_', ' ')}"
        return text[: f.max_length] if f.max_length else text
    return None


def generic_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Take the first possible step (refusals last), filling typed input from the field types.

    A stand-in until a procedure registers its own policy: it moves cases on plausibly, it does not
    model the period's decisions. None when no step is possible or an input cannot be filled.
    """
    options = [t for t in transitions_from(case) if not unmet_guards(case, t)]
    options.sort(key=lambda t: meta_of(t).style == "refuse")
    for t in options:
        meta = meta_of(t)
        data = {name: generic_value(case, name) for name in meta.fields}
        if any(v is None for v in data.values()):
            continue
        if meta.reason_required:
            data["reason"] = SYSTEM_REASON
        return AutoStep(t.name, data)
    return None


@register_policy("marriage")
def marriage_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Play the marriage offices (MAR-0 ... MAR-9) with the regime's rates."""
    from cases.choices import RESTRICTED_OCCUPATIONS, Occupation

    p = params.get("marriage", {})
    m = case.specific()
    possible = {t.name for t in transitions_from(m) if not unmet_guards(m, t)}
    ref = m.reference.replace("-", "")

    def pick(*names: str) -> AutoStep | None:
        for name in names:
            if name in possible:
                return AutoStep(name, {"reason": SYSTEM_REASON} if name in _REASON_STEPS else {})
        return None

    def chance(key: str) -> bool:
        return rng.random() < float(p.get(key, 0.5))

    state = m.state
    if state == "illegal_entry":  # MAR-9
        if chance("repatriates_illegal"):
            return pick("repatriate")
        return pick("approve_special_circumstances", "repatriate")
    if state == "filed":
        if m.variant == "pre1958":  # MAR-0
            return pick("forward_to_province")
        if m.man.occupation in RESTRICTED_OCCUPATIONS:  # MAR-1
            return pick("refuse_restricted_post")
        return pick("begin_dissuasion") if m.man.occupation == Occupation.UNIT_STAFF else pick("begin_examination")
    if state == "province_review":
        return pick("return_to_unit") if chance("province_returns") else pick("refer_to_centre")
    if state == "centre_review":
        if chance("centre_asks_more"):
            return pick("request_more_reports")
        return pick("central_approve") if chance("centre_approves") else pick("central_refuse")
    if state == "dissuasion":  # MAR-2
        return pick("record_withdrawal") if chance("withdraws_after_dissuasion") else pick("record_insistence")
    if state == "examination":  # MAR-3
        return AutoStep("complete_examination", {
            "found_truthful": chance("found_truthful"),
            "remarrying": bool(m.man.previously_married),
            "post_compatible": m.man.occupation not in RESTRICTED_OCCUPATIONS,
        })
    if state == "leader_review":
        return pick("leader_approve", "refuse_after_examination")
    if state == "china_approved":  # MAR-8 where there is work in the DPRK, else MAR-4
        return pick("choose_settlement_in_dprk", "send_copies")
    if state == "woman_applying":
        if chance("dprk_refuses"):
            return pick("dprk_refuse")
        return AutoStep("dprk_approve", {"dprk_approval_ref": f"SPA-{ref}", "passport_number": f"P{ref}"})
    if state == "dprk_approved":
        return AutoStep("issue_visa", {"visa_number": f"V{ref}"})
    if state in ("visa_issued", "special_approved"):
        return AutoStep("register_marriage", {"marriage_certificate": f"YJ-{ref}"})
    if state == "married":
        return AutoStep("register_foreign_national", {"foreign_resident_number": f"FR-{ref}"})
    if state == "exit_application":
        return pick("refuse_exit") if chance("exit_refused") else pick("grant_exit_permission")
    return generic_policy(m, params, rng)


@register_policy("authorization")
def authorization_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Play the authorization-letter offices with the regime's own policy data (cases/aut_policy.py).

    The share of holders who apply and the share refused come from the regime (AUT-3: Yanbian 1961,
    about 1,778 applications from 2,667 letters, 735 of them refused; AUT-4: lenient after March 1962).
    """
    policy = case.regime_obj.param("authorization")
    if policy is None:
        return generic_policy(case, params, rng)
    possible = {t.name for t in transitions_from(case) if not unmet_guards(case, t)}
    reason = {"reason": SYSTEM_REASON}
    state = case.state
    if state == "letter_issued":  # AUT-1, AUT-3: not every holder applies
        if rng.random() >= policy.application_rate and "record_letter_unused" in possible:
            return AutoStep("record_letter_unused")
        papers = {f"has_{d}": True for d in ("commune_introduction", "relative_letter", "political_clearance")}
        if "political_clearance" in policy.required_documents:
            papers["has_political_clearance"] = rng.random() < 0.7  # assumption: clearance often missing
        return AutoStep("receive_application", papers) if "receive_application" in possible else None
    if state == "documents_requested":
        return AutoStep("supply_documents", {f"has_{d}": True for d in (
            "commune_introduction", "relative_letter", "political_clearance")})
    if state in ("examination", "examination_overdue"):
        if "request_documents" in possible:
            return AutoStep("request_documents", reason)
        if "record_examination" in possible:
            # AUT-2: under the lenient line refusals need grounds, so the refusal share shows up as findings.
            flagged = policy.refuse_only_for_grounds and rng.random() < policy.refusal_rate
            return AutoStep("record_examination", {"political_issue": flagged, "pending_case": False})
    if state in ("decision", "decision_overdue"):
        for name in ("approve_expedited", "refer_to_province"):
            if name in possible:
                return AutoStep(name)
        if policy.refuse_only_for_grounds:  # AUT-2: only a political issue or a pending case
            refuse = bool(getattr(case, "political_issue", False) or getattr(case, "pending_case", False))
        else:  # AUT-3: the strict 1961 practice refused at its own rate
            refuse = rng.random() < policy.refusal_rate
        if refuse and "refuse" in possible:
            return AutoStep("refuse", reason)
        if "approve" in possible:
            return AutoStep("approve")
    if state == "approved":
        if "settle_accounts" in possible:  # AUT-4, AUT-8
            return AutoStep("settle_accounts", {
                "taking_property": bool(policy.property_may_travel),
                "property_disposition": "Taken along to the DPRK" if policy.property_may_travel
                else "Sold to the commune at its valuation",
            })
        if "clear_visit" in possible:  # AUT-11
            return AutoStep("clear_visit", {"visit_days": min(30, policy.visit_max_days)})
    if state in ("settled", "visit_cleared"):
        name = "record_departure" if "record_departure" in possible else "record_visit_departure"
        return AutoStep(name, {"crossing_point": "Nanping"}) if name in possible else None
    return generic_policy(case, params, rng)


_REASON_STEPS = {"approve_special_circumstances", "return_to_unit", "request_more_reports", "central_refuse",
                 "refuse_after_examination", "dprk_refuse", "refuse_exit", "refuse_entry"}


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
