"""Run a cohort of marriage applications through the real services under the pre-1958 or 1958 line (MAR-0).

A discrete-event simulation on the exercise's simulated calendar: couples arrive, each office works
through its queue first come first served with a fixed number of clerks, each step takes a drawn
number of days, and the decision at each step is drawn from seeded rates. Every step is taken with
``case_transition(system=True)``, so guards and rules apply exactly as in class and the run leaves an
ordinary event log (and an exercise the teacher can open on the dashboard).

The rates and times are assumptions (D2 gives none); they are listed by :meth:`MarriageRunner.assumptions`
and kept here as data a teacher may change.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from cases.analytics.log import load_log
from cases.analytics.runs import Arrival, Assumption, Cohort, RunResult
from cases.choices import RESTRICTED_OCCUPATIONS, Nationality, Occupation, OfficeKind, Sex
from cases.engine import meta_of, transitions_from, unmet_guards
from cases.models import Case, Exercise, MarriageCase, Office, Person
from cases.regimes import get_regime
from cases.services.marriage import marriage_file
from cases.services.steps import case_transition

K = OfficeKind
# The offices of a marriage comparison run: every office the 1958 and pre-1958 procedures route through.
MARRIAGE_OFFICES: tuple[tuple[str, str, str], ...] = (
    (K.WORK_UNIT, "Yanji Agricultural Machinery Works", "Yanji"),
    (K.COUNTY_PSB, "Yanji County Public Security Bureau", "Yanji"),
    (K.CIVIL_AFFAIRS, "Yanji County Civil Affairs Bureau", "Yanji"),
    (K.PROVINCIAL_COMMITTEE, "Jilin Provincial Party Committee", "Changchun"),
    (K.CENTRAL_COMMITTEE, "CCP Central Committee", "Beijing"),
    (K.MFA, "MFA Consular Affairs Department, Beijing Office", "Beijing"),
    (K.EMBASSY, "Chinese Embassy in Pyongyang", "Pyongyang"),
    (K.DPRK_SPA, "DPRK Supreme People's Assembly Standing Committee", "Pyongyang"),
    (K.DPRK_SAFETY, "DPRK Ministry of Internal Affairs", "Pyongyang"),
)
SYSTEM_REASON = "Decided in the simulated comparison run."
START = dt.datetime(1958, 1, 6, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class MarriageModel:
    """Rates and times of one variant: mean days per step by office, clerks per office, decision odds."""

    days: dict[str, float]
    clerks: dict[str, int]
    odds: dict[str, float] = field(default_factory=dict)


SHARED_DAYS = {K.MFA: 5, K.DPRK_SPA: 20, K.EMBASSY: 5, K.CIVIL_AFFAIRS: 3, K.COUNTY_PSB: 3, K.DPRK_SAFETY: 10}
SHARED_CLERKS = {K.MFA: 2, K.DPRK_SPA: 5, K.EMBASSY: 2, K.CIVIL_AFFAIRS: 2, K.COUNTY_PSB: 2, K.DPRK_SAFETY: 2}
SHARED_ODDS = {"dprk_refuses": 0.15, "repatriates_illegal": 0.7, "exit_refused": 0.1, "dprk_refuses_entry": 0.1,
               "found_truthful": 0.9, "withdraws_after_dissuasion": 0.2}

MODELS: dict[str, MarriageModel] = {
    # MAR-0: before D2 every case went up to the Central Committee, papers went back and forth and men
    # applied several times. The Centre and the province give a county's marriages little of their time.
    "pre1958": MarriageModel(
        days={**SHARED_DAYS, K.WORK_UNIT: 2, K.PROVINCIAL_COMMITTEE: 7, K.CENTRAL_COMMITTEE: 14},
        clerks={**SHARED_CLERKS, K.WORK_UNIT: 3, K.PROVINCIAL_COMMITTEE: 2, K.CENTRAL_COMMITTEE: 3},
        odds={**SHARED_ODDS, "province_returns": 0.25, "centre_asks_more": 0.35, "centre_approves": 0.8},
    ),
    # D2 (MAR-1 ... MAR-4): the work unit decides; dissuasion first for ordinary unit staff.
    "1958": MarriageModel(
        days={**SHARED_DAYS, K.WORK_UNIT: 2},
        clerks={**SHARED_CLERKS, K.WORK_UNIT: 3},
        odds=dict(SHARED_ODDS),
    ),
}

OCCUPATION_MIX = ((Occupation.UNIT_STAFF, 0.5), (Occupation.PEASANT, 0.3), (Occupation.OTHER, 0.12),
                  (Occupation.MILITARY, 0.04), (Occupation.VITAL, 0.03), (Occupation.DIPLOMATIC, 0.01))


def variant_of(regime: str) -> str:
    """Return the marriage procedure a regime runs (MAR-0: pre-1958 referral or the 1958 procedure)."""
    return get_regime(regime).param("marriage_variant", "1958")


class MarriageRunner:
    """Draw couples and run them through the marriage services (see the module docstring)."""

    kind = "marriage"
    label = "Marriage applications: pre-1958 referral to the Centre vs the 1958 procedure (MAR-0)"
    default_size = 40
    arrival_days = 180
    horizon_days = 720

    def __init__(self, models: dict[str, MarriageModel] | None = None) -> None:
        self.models = models or MODELS

    def cohort(self, *, seed: int, size: int | None = None) -> Cohort:
        """Draw couples arriving uniformly over the first months, with occupations and circumstances."""
        rng = random.Random(f"marriage-cohort:{seed}")
        n = size or self.default_size
        arrivals = []
        for i, day in enumerate(sorted(rng.uniform(0, self.arrival_days) for _ in range(n))):
            r = rng.random()
            occupation = OCCUPATION_MIX[-1][0]
            for occ, share in OCCUPATION_MIX:
                if r < share:
                    occupation = occ
                    break
                r -= share
            arrivals.append(Arrival(i, day, {
                "occupation": str(occupation),
                "crossed_illegally": rng.random() < 0.05,
                "work_in_dprk": rng.random() < 0.1,
                "previously_married": rng.random() < 0.1,
            }))
        return Cohort(self.kind, "couples", START, self.horizon_days, seed, tuple(arrivals))

    def assumptions(self, regime: str) -> list[Assumption]:
        model = self.models[variant_of(regime)]
        days = ", ".join(f"{k} {v:g}" for k, v in model.days.items())
        clerks = ", ".join(f"{k} {v}" for k, v in model.clerks.items())
        odds = ", ".join(f"{k} {v:g}" for k, v in model.odds.items())
        return [
            Assumption("procedure", f"{regime} runs the {variant_of(regime)} procedure.", "MAR-0; D2, 18 Oct 1958"),
            Assumption("arrivals", f"Couples file uniformly over the first {self.arrival_days} days; half the men "
                       "are unit staff, 8% hold posts barred by MAR-1, 5% of the women crossed illegally.",
                       "assumption"),
            Assumption("processing", f"Mean days per step by office (exponential): {days}. Clerks: {clerks}.",
                       "assumption (D2 gives no times; MAR-0 says 'a very long time' before 1958)"),
            Assumption("decisions", f"Odds: {odds}.", "assumption; refusals follow the guards of MAR-1, MAR-3"),
        ]

    # --- The run ---------------------------------------------------------------------------------

    def run(self, *, cohort: Cohort, regime: str, seed: int) -> RunResult:
        """File every couple at its arrival time and let the offices work until the horizon."""
        variant = variant_of(regime)
        model = self.models[variant]
        exercise, offices = _exercise(cohort, regime, seed)
        sim = _Simulation(exercise, model, seed, cohort.start)
        for a in cohort.arrivals:
            sim.push(a.day, "arrive", a)
        sim.loop(until=cohort.horizon_days, file=lambda a: _file(exercise, offices, a))
        _move_clock(exercise, cohort.start + dt.timedelta(days=cohort.horizon_days))
        return RunResult(f"{variant} procedure", regime, seed, load_log(exercise), exercise.pk,
                         {"variant": variant, "model": model})


def _exercise(cohort: Cohort, regime: str, seed: int) -> tuple[Exercise, dict[str, Office]]:
    base = f"Comparison: marriage {regime}, seed {seed}, {len(cohort.arrivals)} couples"
    name = Exercise.free_name(base)
    exercise = Exercise.objects.create(name=name, clock=cohort.start, regime=regime,
                                       description="Simulated comparison run (cases.analytics.marriage_run).")
    offices = {kind: Office.objects.create(exercise=exercise, kind=kind, name=office_name, place=place)
               for kind, office_name, place in MARRIAGE_OFFICES}
    return exercise, offices


def _file(exercise: Exercise, offices: dict[str, Office], a: Arrival) -> Case:
    man = Person.objects.create(exercise=exercise, name=f"Applicant {a.index + 1}", sex=Sex.MALE,
                                nationality=Nationality.HAN, occupation=a.attrs["occupation"],
                                previously_married=a.attrs["previously_married"])
    woman = Person.objects.create(exercise=exercise, name=f"Bride {a.index + 1}", sex=Sex.FEMALE,
                                  nationality=Nationality.DPRK)
    return marriage_file(exercise=exercise, man=man, woman=woman, work_unit=offices[K.WORK_UNIT], actor=None,
                         woman_crossed_illegally=a.attrs["crossed_illegally"],
                         woman_has_work_in_dprk=a.attrs["work_in_dprk"])


def _move_clock(exercise: Exercise, to: dt.datetime) -> None:
    """Move the simulated clock forward to ``to`` (a run's clock never goes back)."""
    if to > exercise.clock:
        Exercise.objects.filter(pk=exercise.pk).update(clock=to)
        exercise.clock = to


class _Simulation:
    """Offices as first-come-first-served queues with clerks; events in simulated time order."""

    def __init__(self, exercise: Exercise, model: MarriageModel, seed: int, start: dt.datetime) -> None:
        self.exercise, self.model, self.seed, self.start = exercise, model, seed, start
        self.heap: list[tuple[float, int, str, Any]] = []
        self.seq = 0
        self.busy: dict[str, int] = {}
        self.queues: dict[str, deque[tuple[int, int]]] = {}
        self.index_of: dict[int, int] = {}  # case pk -> cohort index
        self.visits: dict[tuple[int, str], int] = {}

    def push(self, day: float, what: str, payload: Any) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (day, self.seq, what, payload))

    def rng(self, case: Case, purpose: str) -> random.Random:
        # Keyed by cohort member, state and visit, not by regime: both regimes draw the same numbers
        # for the same couple at the same kind of step.
        idx = self.index_of[case.pk]
        visit = self.visits.get((idx, case.state), 0)
        return random.Random(f"{self.seed}:{idx}:{case.state}:{visit}:{purpose}")

    def loop(self, *, until: float, file: Any) -> None:
        while self.heap and self.heap[0][0] <= until:
            day, _seq, what, payload = heapq.heappop(self.heap)
            _move_clock(self.exercise, self.start + dt.timedelta(days=day))
            if what == "arrive":
                with transaction.atomic():
                    case = file(payload)
                self.index_of[case.pk] = payload.index
                self.enqueue(day, case)
            else:
                office_kind, case_pk = payload
                case = MarriageCase.objects.get(pk=case_pk)
                case = self.take(case)
                self.busy[office_kind] -= 1
                queue = self.queues.get(office_kind)
                if queue:
                    self.start_work(day, office_kind, *queue.popleft())
                self.enqueue(day, case)

    def enqueue(self, day: float, case: Case) -> None:
        options = transitions_from(case)
        if case.closed_at is not None or not options:
            return
        office_kind = meta_of(options[0]).office
        idx = self.index_of[case.pk]
        key = (idx, case.state)
        self.visits[key] = self.visits.get(key, 0) + 1
        if self.busy.get(office_kind, 0) < self.model.clerks.get(office_kind, 1):
            self.start_work(day, office_kind, case.pk, idx)
        else:
            self.queues.setdefault(office_kind, deque()).append((case.pk, idx))

    def start_work(self, day: float, office_kind: str, case_pk: int, idx: int) -> None:
        case = MarriageCase.objects.get(pk=case_pk)
        self.busy[office_kind] = self.busy.get(office_kind, 0) + 1
        mean = self.model.days.get(office_kind, 7)
        self.push(day + self.rng(case, "time").expovariate(1 / mean), "done", (office_kind, case_pk))

    def take(self, case: MarriageCase) -> Case:
        transition, data = decide(case, self.model.odds, self.rng(case, "decision"))
        return case_transition(case=case, transition=transition, actor=None, data=data, system=True)


def decide(case: MarriageCase, odds: dict[str, float], rng: random.Random) -> tuple[str, dict[str, Any]]:
    """Return the step an office takes on the case and its input, from the odds (MAR-0 ... MAR-9)."""
    possible = [t.name for t in transitions_from(case) if not unmet_guards(case, t)]
    needs_reason = {t.name for t in transitions_from(case) if meta_of(t).reason_required}

    def chance(key: str) -> bool:
        return rng.random() < odds.get(key, 0.5)

    def pick(*names: str) -> tuple[str, dict[str, Any]]:
        for name in names:
            if name in possible:
                return name, ({"reason": SYSTEM_REASON} if name in needs_reason else {})
        raise LookupError(f"none of {names} possible from {case.state}")

    ref = case.reference.replace("-", "")
    s = case.state
    if s == "illegal_entry":
        return pick("repatriate") if chance("repatriates_illegal") else pick(
            "approve_special_circumstances", "repatriate")
    if s == "filed":
        if case.variant == "pre1958":
            return pick("forward_to_province")
        if case.man.occupation in RESTRICTED_OCCUPATIONS:
            return pick("refuse_restricted_post")
        return pick("begin_dissuasion", "begin_examination")
    if s == "province_review":
        return pick("return_to_unit") if chance("province_returns") else pick("refer_to_centre")
    if s == "centre_review":
        if chance("centre_asks_more"):
            return pick("request_more_reports")
        # Before D2 the Centre applied MAR-1 itself: barred posts are refused there.
        if case.man.occupation in RESTRICTED_OCCUPATIONS or not chance("centre_approves"):
            return pick("central_refuse")
        return pick("central_approve")
    if s == "dissuasion":
        return pick("record_withdrawal") if chance("withdraws_after_dissuasion") else pick("record_insistence")
    if s == "examination":
        return "complete_examination", {"found_truthful": chance("found_truthful"),
                                        "remarrying": bool(case.man.previously_married),
                                        "post_compatible": case.man.occupation not in RESTRICTED_OCCUPATIONS}
    if s == "leader_review":
        return pick("leader_approve", "refuse_after_examination")
    if s == "china_approved":
        return pick("choose_settlement_in_dprk", "send_copies")
    if s == "copy_to_embassy":
        return pick("forward_copy_to_embassy")
    if s == "woman_applying":
        if chance("dprk_refuses"):
            return pick("dprk_refuse")
        return "dprk_approve", {"dprk_approval_ref": f"SPA-{ref}", "passport_number": f"P{ref}"}
    if s == "dprk_approved":
        return "issue_visa", {"visa_number": f"V{ref}"}
    if s in ("visa_issued", "special_approved"):
        return "register_marriage", {"marriage_certificate": f"M{ref}"}
    if s == "married":
        return "register_foreign_national", {"foreign_resident_number": f"FR{ref}"}
    if s == "exit_application":
        return pick("refuse_exit") if chance("exit_refused") else pick("grant_exit_permission")
    if s == "awaiting_dprk_entry":
        return pick("refuse_entry") if chance("dprk_refuses_entry") else pick("approve_entry")
    raise LookupError(f"no decision for state {s}")
