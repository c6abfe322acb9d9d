"""The "Yanbian 1961" model: authorization letters under the 1961 strict practice, calibrated to D6.

D6 (23 Mar 1962, PRC MFA 118-01025-02): in 1961 Yanbian received 2,667 "authorization letters";
about 1,778 applications followed; 1,053 were approved and 735 were not. This module models that
year as a queue and reproduces those figures (mean over seeds within 2%), and runs the same cohort
of letters under the 24 March 1962 correction (AUT-4) for comparison.

Two runners share one cohort and one timeline:

* :class:`YanbianModelRunner` simulates in memory (no database) and returns an event log with the
  authorization procedure's state names, so every metric and the dashboard's funnel apply. It is
  fast enough to average many seeds, which the calibration needs.
* :class:`AuthorizationServicesRunner` replays the same timeline through the authorization
  procedure's real steps (``case_transition(system=True)``), leaving an exercise the class can open
  on the dashboard. It needs the authorization procedure (``cases.services.authorization``); on a
  tree without it, it raises :class:`RunnerUnavailable`.

The model (every number an assumption unless a source is named; see :func:`assumptions`):

* D6's 2,667 letters arrive at random through 1961 (a Poisson process conditioned on D6's total: the
  source gives only the annual count);
* a holder applies with probability ``apply_share`` after gathering the papers the regime demands
  (exponential, mean ``papers_days``); a holder who never applies has the letter recorded unused
  after ``unused_after_days``;
* the examination finds papers missing with probability ``missing_papers`` (the applicant is sent for
  them: mean ``missing_papers_days``), then lasts ``examination_days`` on average (elapsed time);
* decisions are taken first come first served by the county at ``decisions_per_week`` (the capacity);
* an applicant with a political issue or a pending case (share ``grounds_share``) is refused (AUT-2);
  under the 1961 practice others are also refused with probability ``strict_refusal`` (AUT-3);
* an approved holder settles commune accounts (AUT-8; property travels only where the regime lets it,
  AUT-4) and departs at the crossing point;
* the count is taken on the date of D6, 23 March 1962.

``apply_share`` and ``strict_refusal`` of 1961 are the calibrated parameters: :func:`fit` derives them
from D6's figures by averaging seeds; the values stored in ``CALIBRATED_1961`` are its output.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from typing import Any

from cases.analytics import metrics as m
from cases.analytics.history import D6_SOURCE, YANBIAN_1961
from cases.analytics.log import CaseRow, EventRow, Log
from cases.analytics.runs import Arrival, Assumption, Cohort, RunResult

# The model of each regime and the autopilot's decisions with its odds live with the authorization
# policy (the classroom uses them; analytics builds on them, not the other way round).
from cases.classroom.policies.authorization import (
    CALIBRATED_1961,
    CORRECTION_1962,
    MODELS,
    PAPERS_MISSING,
    AutModel,
    RunnerUnavailable,
    autopilot_decision,
    model_for,
)

__all__ = ["CALIBRATED_1961", "CORRECTION_1962", "MODELS", "AutModel", "RunnerUnavailable", "autopilot_decision",
           "model_for"]

YEAR_START = dt.datetime(1961, 1, 1, 8, 0, tzinfo=dt.UTC)
D6_DATE = dt.datetime(1962, 3, 23, 18, 0, tzinfo=dt.UTC)
LETTERS_PER_YEAR = 2667
TARGETS = {"letters": 2667, "applications": 1778, "approved": 1053, "refused": 735}
SAFETY_OFFICE = "DPRK Ministry of Internal Affairs"
COUNTY_OFFICE = "Yanbian county public security bureaus"
COMMUNE_OFFICE = "Yanbian people's communes"
STATION_OFFICE = "Tumen border work station"


def assumptions(model: AutModel) -> list[Assumption]:
    """Return the model's assumptions with their sources, for the teacher and the command line."""
    src = model.sources
    return [
        Assumption("figures", YANBIAN_1961.text, D6_SOURCE),
        Assumption("arrival pattern", f"D6's {LETTERS_PER_YEAR:,} letters arrive at random through 1961 (a "
                   "Poisson process given its total); D6 gives only the annual count.",
                   "D6 (total); spread over the year: assumption"),
        Assumption("holders", f"{model.apply_share:.1%} of holders apply, after gathering papers for "
                   f"{model.papers_days:g} days on average; letters not used are recorded unused after "
                   f"{model.unused_after_days:g} days.", src.get("apply_share", "assumption")),
        Assumption("papers", f"{model.missing_papers:.0%} are sent back for missing papers "
                   f"({model.missing_papers_days:g} days on average).", src.get("missing_papers", "assumption")),
        Assumption("processing capacity", f"Examination takes {model.examination_days:g} days on average; the "
                   f"county decides {model.decisions_per_week:g} applications a week, first come first served.",
                   src.get("examination_days", "assumption") + "; " + src.get("decisions_per_week", "assumption")),
        Assumption("refusal rules", f"{model.grounds_share:.0%} have a political issue or pending case and are "
                   f"refused (AUT-2); others are refused with probability {model.strict_refusal:.1%} "
                   + ("(AUT-3: the 1961 practice refused beyond AUT-2's grounds)." if model.strict_refusal
                      else "(none: AUT-2's grounds only)."), src.get("strict_refusal", "assumption")),
        Assumption("departure", f"Approved holders settle commune accounts in {model.settle_days:g} days on "
                   f"average, property {'may' if model.property_may_travel else 'may not'} travel, and they leave "
                   f"{model.depart_days:g} days later.", "AUT-8 (R1959 §3(3)); AUT-4; the days: assumption"),
        Assumption("count date", "Counted on 23 March 1962, the date of D6.", D6_SOURCE),
    ]


# --- The cohort and the in-memory run ----------------------------------------------------------


def letters_cohort(seed: int, size: int | None = None) -> Cohort:
    """Draw the year's letters and each holder's random numbers (shared by every regime run)."""
    rng = random.Random(f"yanbian-letters:{seed}")
    # D6's total is what was received, so it is an input: a Poisson process conditioned on its count
    # spreads that many letters uniformly over the year.
    days = sorted(rng.uniform(0, 365) for _ in range(size or LETTERS_PER_YEAR))
    arrivals = [
        Arrival(i, day, {
            "u_apply": rng.random(), "e_papers": rng.expovariate(1), "u_missing": rng.random(),
            "e_missing": rng.expovariate(1), "e_exam": rng.expovariate(1), "u_grounds": rng.random(),
            "u_strict": rng.random(),
        })
        for i, day in enumerate(days)
    ]
    # A second stream for the steps after approval, so that adding them left the calibration's draws as they were.
    after = random.Random(f"yanbian-departure:{seed}")
    arrivals = [replace(a, attrs={**a.attrs, "e_settle": after.expovariate(1), "e_depart": after.expovariate(1)})
                for a in arrivals]
    horizon = (D6_DATE - YEAR_START).total_seconds() / 86400
    return Cohort("authorization", "letters", YEAR_START, horizon, seed, tuple(arrivals),
                  {"scale": (size or LETTERS_PER_YEAR) / LETTERS_PER_YEAR})


@dataclass(frozen=True)
class PlannedStep:
    """One step of the timeline: when, which letter, from which state to which (AUT state names)."""

    day: float
    index: int
    source: str
    target: str
    office: str
    political_issue: bool = False
    papers_missing: bool = False  # the application comes in without every paper (AUT-3)


def timeline(cohort: Cohort, model: AutModel) -> list[PlannedStep]:
    """Return every step the model takes on the cohort up to the count date, in time order."""
    horizon = cohort.horizon_days
    capacity = model.decisions_per_week * cohort.params.get("scale", 1.0)
    gap = 7 / capacity  # days per decision
    steps: list[PlannedStep] = []
    ready: list[tuple[float, int, bool]] = []
    for a in cohort.arrivals:
        u = a.attrs
        steps.append(PlannedStep(a.day, a.index, "", "letter_issued", SAFETY_OFFICE))
        if u["u_apply"] >= model.apply_share:
            steps.append(PlannedStep(a.day + model.unused_after_days, a.index, "letter_issued", "letter_unused",
                                     COUNTY_OFFICE))
            continue
        t = a.day + model.papers_days * u["e_papers"]
        missing = u["u_missing"] < model.missing_papers
        steps.append(PlannedStep(t, a.index, "letter_issued", "examination", COUNTY_OFFICE, papers_missing=missing))
        if missing:
            steps.append(PlannedStep(t + 1, a.index, "examination", "documents_requested", COUNTY_OFFICE))
            t += 1 + model.missing_papers_days * u["e_missing"]
            steps.append(PlannedStep(t, a.index, "documents_requested", "examination", COUNTY_OFFICE))
        t += model.examination_days * u["e_exam"]
        grounds = u["u_grounds"] < model.grounds_share
        steps.append(PlannedStep(t, a.index, "examination", "decision", COUNTY_OFFICE, political_issue=grounds))
        ready.append((t, a.index, grounds))
    free = 0.0
    by_index = {a.index: a for a in cohort.arrivals}
    for t, index, grounds in sorted(ready):
        free = max(free, t) + gap
        u = by_index[index].attrs
        refuse = grounds or u["u_strict"] < model.strict_refusal
        steps.append(PlannedStep(free, index, "decision", "refused" if refuse else "approved", COUNTY_OFFICE,
                                 political_issue=grounds))
        if not refuse:  # AUT-8: accounts settled with the commune, then departure at the crossing point
            settled = free + model.settle_days * u["e_settle"]
            steps.append(PlannedStep(settled, index, "approved", "settled", COMMUNE_OFFICE))
            steps.append(PlannedStep(settled + model.depart_days * u["e_depart"], index, "settled", "departed",
                                     STATION_OFFICE))
    return sorted((s for s in steps if s.day <= horizon), key=lambda s: (s.day, s.index))


CLOSING = {"letter_unused", "refused", "departed"}
NEXT_OFFICE = {"letter_issued": COUNTY_OFFICE, "examination": COUNTY_OFFICE, "documents_requested": COUNTY_OFFICE,
               "decision": COUNTY_OFFICE, "approved": COMMUNE_OFFICE, "settled": STATION_OFFICE}
NEXT_RULES = {"letter_issued": "AUT-1,AUT-3", "examination": "AUT-3,AUT-2,AUT-9", "documents_requested": "AUT-3",
              "decision": "AUT-2,AUT-3,AUT-6", "approved": "AUT-8,AUT-4,AUT-5", "settled": "AUT-8,AUT-1"}


def log_of(cohort: Cohort, steps: list[PlannedStep], name: str) -> Log:
    """Turn a timeline into an event log with the authorization procedure's state names."""
    start = cohort.start
    events: list[EventRow] = []
    last: dict[int, PlannedStep] = {}
    first: dict[int, PlannedStep] = {}
    for n, s in enumerate(steps):
        first.setdefault(s.index, s)
        last[s.index] = s
        events.append(EventRow(
            id=n + 1, case_id=s.index + 1, case_kind="authorization", reference=f"AUT-1961-{s.index + 1:04d}",
            kind="filed" if not s.source else "transition", activity=ACTIVITY[s.target] if s.source or
            s.target != "letter_issued" else "Letter issued", transition=s.target, source_state=s.source,
            target_state=s.target, office=s.office, sim_time=start + dt.timedelta(days=s.day),
        ))
    cases = []
    for index, s in last.items():
        at = start + dt.timedelta(days=s.day)
        cases.append(CaseRow(
            id=index + 1, kind="authorization", reference=f"AUT-1961-{index + 1:04d}", state=s.target,
            filed_at=start + dt.timedelta(days=first[index].day), state_since=at,
            closed_at=at if s.target in CLOSING else None, next_office=NEXT_OFFICE.get(s.target, ""),
            next_rules=NEXT_RULES.get(s.target, ""), title=f"Letter holder {index + 1}",
        ))
    return Log(cases=cases, events=events, now=start + dt.timedelta(days=cohort.horizon_days), exercise_name=name)


ACTIVITY = {
    "letter_issued": "Letter issued", "letter_unused": "Record that the holder did not apply",
    "examination": "Receive the holder's application", "documents_requested": "Ask for the missing papers",
    "decision": "Record the examination", "approved": "Approve", "refused": "Refuse",
    "settled": "Settle commune accounts and property", "departed": "Record the departure at the crossing point",
}


def d6_counts(log: Log) -> dict[str, int]:
    """Return the D6 figures of a run: letters, applications, approved, not approved (the AUT funnel)."""
    values = [n for _label, n in m.funnel(log, "authorization")]
    return dict(zip(("letters", "applications", "approved", "refused"), values, strict=True))


class YanbianModelRunner:
    """Run letters through the in-memory model (no database); see the module docstring."""

    kind = "authorization"
    label = "Yanbian authorization letters: 1961 strict practice vs the March 1962 correction (model)"

    def cohort(self, *, seed: int, size: int | None = None) -> Cohort:
        return letters_cohort(seed, size)

    def run(self, *, cohort: Cohort, regime: str, seed: int) -> RunResult:
        model = model_for(regime)
        log = log_of(cohort, timeline(cohort, model), f"Yanbian model {regime} seed {seed}")
        return RunResult(f"model, {regime}", regime, seed, log, None, {"model": model})

    def assumptions(self, regime: str) -> list[Assumption]:
        return assumptions(model_for(regime))


# --- Calibration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """Mean D6 figures over seeds and their relative errors against D6."""

    seeds: tuple[int, ...]
    runs: tuple[dict[str, int], ...]
    means: dict[str, float]
    errors: dict[str, float]  # (mean - target) / target

    @property
    def mean_abs_error(self) -> float:
        return sum(abs(e) for e in self.errors.values()) / len(self.errors)

    def text(self) -> str:
        lines = [f"Yanbian 1961 under the 1961 strict practice, {len(self.seeds)} seeds "
                 f"({self.seeds[0]}..{self.seeds[-1]}), against D6:"]
        for key, target in TARGETS.items():
            lines.append(f"  {key:13s} D6 {target:6,d}   model mean {self.means[key]:8.1f}   "
                         f"error {100 * self.errors[key]:+.2f}%")
        lines.append(f"  mean absolute error {100 * self.mean_abs_error:.2f}%")
        return "\n".join(lines)


def calibrate(seeds: tuple[int, ...] = tuple(range(1, 11)), model: AutModel = CALIBRATED_1961) -> Calibration:
    """Run the model for each seed and compare the mean D6 figures with D6's."""
    runs = tuple(d6_counts(log_of(c, timeline(c, model), "calibration")) for c in
                 (letters_cohort(s) for s in seeds))
    means = {k: sum(r[k] for r in runs) / len(runs) for k in TARGETS}
    return Calibration(seeds, runs, means, {k: (means[k] - t) / t for k, t in TARGETS.items()})


def fit(seeds: tuple[int, ...] = tuple(range(1, 11)), rounds: int = 6) -> AutModel:
    """Derive ``apply_share`` and ``strict_refusal`` from D6 by fixed-point iteration over seeds.

    Applications scale with ``apply_share``; the refusal share of decisions is
    ``grounds + (1 - grounds) * strict``. D6's own figures disagree by ten (1,053 + 735 = 1,788 decided
    against about 1,778 applications), so applications are aimed at the middle of the two.
    """
    model = CALIBRATED_1961
    target_apps = (TARGETS["applications"] + TARGETS["approved"] + TARGETS["refused"]) / 2
    target_refusal = TARGETS["refused"] / (TARGETS["approved"] + TARGETS["refused"])
    for _ in range(rounds):
        cal = calibrate(seeds, model)
        decided = cal.means["approved"] + cal.means["refused"]
        refusal = cal.means["refused"] / decided if decided else target_refusal
        g = model.grounds_share
        # Move the non-grounds refusal share by the gap seen in the run's decisions.
        strict = model.strict_refusal + (target_refusal - refusal) / (1 - g)
        model = replace(model, apply_share=model.apply_share * target_apps / cal.means["applications"],
                        strict_refusal=min(1.0, max(0.0, strict)))
    return model


def describe(model: AutModel) -> dict[str, Any]:
    """Return the model's parameters as a plain dict (for the command line)."""
    return {k: v for k, v in model.__dict__.items() if k != "sources"}


# --- Replay through the authorization procedure (needs branch `authorization`) -----------------


class AuthorizationServicesRunner:
    """Replay the model's timeline through the authorization procedure's steps, in a new exercise.

    Written against the authorization branch: ``AuthorizationCase`` with states ``letter_issued``,
    ``examination``, ``documents_requested``, ``decision``, ``approved``, ``refused``, ``letter_unused``,
    the service ``authorization_issue_letter`` and the transitions ``receive_application``,
    ``request_documents``, ``supply_documents``, ``record_examination``, ``approve``, ``refuse`` and
    ``record_letter_unused``. Use a small ``size`` (say 60 letters): every step is a database write.
    """

    kind = "authorization"
    label = "Yanbian authorization letters through the authorization procedure (services)"

    def cohort(self, *, seed: int, size: int | None = None) -> Cohort:
        return letters_cohort(seed, size or 60)

    def assumptions(self, regime: str) -> list[Assumption]:
        return assumptions(model_for(regime))

    def run(self, *, cohort: Cohort, regime: str, seed: int) -> RunResult:
        try:
            from cases.services.authorization import authorization_issue_letter
        except ImportError as exc:
            raise RunnerUnavailable(
                "The authorization-letter procedure is not installed on this tree (branch 'authorization')."
            ) from exc
        from cases.analytics.log import load_log
        from cases.choices import Nationality, OfficeKind, Sex
        from cases.models import Exercise, Office, Person
        from cases.services.steps import case_transition

        model = model_for(regime)
        steps = timeline(cohort, model)
        base = f"Comparison: Yanbian letters {regime}, seed {seed}, {len(cohort.arrivals)} letters"
        name = Exercise.free_name(base)
        exercise = Exercise.objects.create(name=name, clock=cohort.start, regime=regime,
                                           description="Replay of the Yanbian model (cases.analytics.calibration_aut).")
        for kind, office_name, place in (
            (OfficeKind.DPRK_SAFETY, SAFETY_OFFICE, "Pyongyang"),
            (OfficeKind.COUNTY_PSB, COUNTY_OFFICE, "Yanji"),
            (OfficeKind.COMMUNE, COMMUNE_OFFICE, "Yanji"),
            (OfficeKind.PROVINCIAL_PSB, "Jilin Provincial Public Security Department", "Changchun"),
            (OfficeKind.PROVINCIAL_COMMITTEE, "Jilin Provincial Committee", "Changchun"),
            (OfficeKind.BORDER_STATION, STATION_OFFICE, "Tumen"),
        ):
            Office.objects.create(exercise=exercise, kind=kind, name=office_name, place=place)
        cases: dict[int, Any] = {}
        all_papers = {"has_commune_introduction": True, "has_relative_letter": True, "has_political_clearance": True}
        for s in steps:
            when = cohort.start + dt.timedelta(days=s.day)
            if when > exercise.clock:
                Exercise.objects.filter(pk=exercise.pk).update(clock=when)
                exercise.clock = when
            if s.target == "letter_issued":
                person = Person.objects.create(exercise=exercise, name=f"Letter holder {s.index + 1}", sex=Sex.MALE,
                                               nationality=Nationality.CN_KOREAN, residence="Yanbian")
                cases[s.index] = authorization_issue_letter(
                    exercise=exercise, applicant=person, letter_number=f"KP-61-{s.index + 1:04d}", actor=None)
                continue
            transition, data = _replay_step(s, all_papers, model)
            cases[s.index] = case_transition(case=cases[s.index], transition=transition, actor=None, data=data,
                                             system=True)
        # The run ends on the count date, as the model's log does: waits run on to it.
        end = cohort.start + dt.timedelta(days=cohort.horizon_days)
        if end > exercise.clock:
            Exercise.objects.filter(pk=exercise.pk).update(clock=end)
            exercise.clock = end
        return RunResult(f"services, {regime}", regime, seed, load_log(exercise), exercise.pk, {"model": model})


def _replay_step(s: PlannedStep, all_papers: dict[str, bool], model: AutModel) -> tuple[str, dict[str, Any]]:
    """Return the authorization transition and its input for one planned step."""
    reason = "Decided in the Yanbian model run (AUT-3)."
    if s.target == "letter_unused":
        return "record_letter_unused", {}
    if s.target == "examination" and s.source == "letter_issued":
        # Papers are complete unless the model sends the applicant back for them next: then none of
        # the papers a regime may demand came with the application.
        return "receive_application", {k: not s.papers_missing for k in all_papers}
    if s.target == "documents_requested":
        return "request_documents", {"reason": PAPERS_MISSING}
    if s.target == "examination":
        return "supply_documents", dict(all_papers)
    if s.target == "decision":
        return "record_examination", {"political_issue": s.political_issue, "pending_case": False}
    if s.target == "approved":
        return "approve", {}
    if s.target == "refused":
        return "refuse", {"reason": reason}
    if s.target == "settled":
        return "settle_accounts", {
            "taking_property": model.property_may_travel,
            "property_disposition": "Takes the property along (AUT-4)." if model.property_may_travel
            else "Property sold or left with relatives: it may not travel under the 1961 practice.",
        }
    if s.target == "departed":
        return "record_departure", {"crossing_point": "Tumen"}
    raise LookupError(f"no replay for {s.source} -> {s.target}")


# --- For the classroom autopilot (branch classroom): decisions with the model's odds ---------------
