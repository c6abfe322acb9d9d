"""The autopilot playing the authorization-letter offices (AUT-1 ... AUT-8, AUT-11) with the Yanbian model's odds.

The decisions are the calibrated model's (:func:`autopilot_decision`, the "Yanbian 1961" model's
parameters per regime below; :mod:`cases.analytics.calibration_aut` simulates and fits them):
under the 1961 line the share of holders who apply, of papers missing and of refusals reproduce the
D6 funnel (2,667 letters, about 1,778 applications, 1,053 approved, 735 not approved, AUT-3); under
the March 1962 correction and later lines they follow that regime's model (AUT-2, AUT-4, AUT-8).
One model drives both the analytics' comparisons and the class's autopilot, so what the debrief
shows is what the class lived through. States the model does not cover get the generic policy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any

from cases.classroom.policy_base import AutoStep, generic_policy, open_steps
from cases.models import Case

# The step cites the line in force (AUT-2; AUT-3 in 1961): the note names no rule of its own, so a request
# in 1960 does not read as the 1961 practice. Which papers, the sources never say.
PAPERS_MISSING = "Papers missing (which papers is an assumption: the sources name none for letter holders)."


class RunnerUnavailable(RuntimeError):
    """The runner needs a procedure this tree does not have yet."""


@dataclass(frozen=True)
class AutModel:
    """How one regime handles letters, as the model's parameters (see the module docstring)."""

    regime: str
    apply_share: float
    papers_days: float
    missing_papers: float
    missing_papers_days: float
    examination_days: float
    decisions_per_week: float
    grounds_share: float
    strict_refusal: float
    unused_after_days: float = 90
    settle_days: float = 14  # AUT-8: the commune settles accounts before departure (assumption: two weeks)
    depart_days: float = 7  # to the crossing point (assumption)
    property_may_travel: bool = True  # AUT-4 from March 1962; not in the strict 1961 practice (assumption)
    sources: dict[str, str] = field(default_factory=dict)


CALIBRATED_1961 = AutModel(
    regime="1961_strict",
    apply_share=0.6659,  # fitted by fit() to D6: about 1,778 applications of 2,667 letters
    papers_days=10,  # three papers demanded (assumption, cf. D9 §4's introduction letters)
    missing_papers=0.3,
    missing_papers_days=20,
    examination_days=21,  # "too slow" (D6); the number is an assumption
    decisions_per_week=40,  # assumption: enough to decide the year's applications by March 1962, as D6 reports
    grounds_share=0.05,  # assumption: political issue or pending case (AUT-2 grounds)
    strict_refusal=0.382,  # fitted by fit(): 735 not approved of 1,788 decided (D6), beyond AUT-2's grounds
    property_may_travel=False,
    sources={
        "apply_share": "calibrated to D6 (1,778 of 2,667)",
        "strict_refusal": "calibrated to D6 (735 of 1,053 + 735)",
        "missing_papers": "assumption (AUT-3: 'overly restrictive')",
        "examination_days": "assumption (D6: 'too slow')",
        "decisions_per_week": "assumption",
        "grounds_share": "assumption (AUT-2 grounds)",
    },
)

# The 24 March 1962 correction (AUT-4; D6, D7 §3): lenient, prompt, refusal only on AUT-2's grounds.
# The numbers mirror the authorization branch's policy (cases/regimes/authorization.py: examination 5 days,
# 90% of holders apply); the rest are assumptions.
CORRECTION_1962 = AutModel(
    regime="1962_correction",
    apply_share=0.9,
    papers_days=7,
    missing_papers=0.05,
    missing_papers_days=10,
    examination_days=5,
    decisions_per_week=80,
    grounds_share=0.05,
    strict_refusal=0.0,
    sources={"apply_share": "authorization branch policy (assumption)", "examination_days": "idem",
             "strict_refusal": "AUT-4: refuse only on AUT-2's grounds"},
)

MODELS: dict[str, AutModel] = {"1961_strict": CALIBRATED_1961, "1962_correction": CORRECTION_1962}


def model_for(regime: str) -> AutModel:
    """Return the model of ``regime``: the calibrated ones above, or one read from the regime's policy.

    Regimes without a model here are read from their ``authorization`` parameter when the
    authorization procedure is installed (its ``application_rate``, ``examination_days``,
    ``refusal_rate`` and ``refuse_only_for_grounds``).
    """
    if regime in MODELS:
        return MODELS[regime]
    from cases.regimes import get_regime

    policy = get_regime(regime).param("authorization")
    if policy is None:
        raise RunnerUnavailable(f"No authorization-letter model for the regime {regime!r}.")
    grounds = CALIBRATED_1961.grounds_share
    strict = 0.0 if policy.refuse_only_for_grounds else max(0.0, (policy.refusal_rate - grounds) / (1 - grounds))
    return replace(CORRECTION_1962, regime=regime, apply_share=policy.application_rate,
                   examination_days=policy.examination_days, strict_refusal=strict,
                   missing_papers=0.1 * len(policy.required_documents),
                   sources={"all": f"read from the {regime} authorization policy"})



def autopilot_decision(case: Any, rng: random.Random) -> tuple[str, dict[str, Any]] | None:
    """Return the step an office takes on an authorization case with the model's odds, or None.

    Meant for the classroom autopilot's policy registry, so a class run under the autopilot refuses,
    asks for papers and lets property travel as the calibrated model does (the model of the case's
    regime, :func:`model_for`). Only steps whose guards pass are returned; None leaves the case to
    the autopilot's generic policy.
    """
    model = model_for(case.regime)
    possible = open_steps(case)
    papers = {"has_commune_introduction": True, "has_relative_letter": True, "has_political_clearance": True}
    reason = "Decided by the office (autopilot, Yanbian model odds)."
    s = case.state
    wanted: list[tuple[str, dict[str, Any]]] = []
    if s == "letter_issued":
        if rng.random() < model.apply_share:
            complete = rng.random() >= model.missing_papers
            wanted = [("receive_application", {k: complete for k in papers})]
        else:
            wanted = [("record_letter_unused", {})]
    elif s in ("examination", "examination_overdue"):
        issue = rng.random() < model.grounds_share
        wanted = [("approve_expedited", {}), ("request_documents", {"reason": PAPERS_MISSING}),
                  ("record_examination", {"political_issue": issue, "pending_case": False}),
                  ("refuse_destination", {"reason": reason})]
    elif s == "documents_requested":
        wanted = [("supply_documents", dict(papers))]
    elif s in ("decision", "decision_overdue"):
        refuse = bool(case.political_issue or case.pending_case) or rng.random() < model.strict_refusal
        wanted = [("refer_to_province", {})]
        wanted += [("refuse", {"reason": reason}), ("approve", {})] if refuse else [("approve", {})]
    elif s in ("province_review", "province_overdue"):
        wanted = [("province_refuse", {"reason": reason}), ("province_approve", {})]
    elif s == "approved":
        wanted = [("settle_accounts", {"taking_property": model.property_may_travel,
                                       "property_disposition": "Settled with the commune (AUT-8)."}),
                  ("clear_visit", {"visit_days": 14})]
    elif s == "settled":
        wanted = [("record_departure", {"crossing_point": "Tumen"})]
    elif s == "visit_cleared":
        wanted = [("record_visit_departure", {"crossing_point": "Tumen"})]
    for name, data in wanted:
        if name in possible:
            return name, data
    return None


def authorization_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Decide an authorization case with the Yanbian model's odds for its regime (AUT-2 ... AUT-8)."""
    decision = autopilot_decision(case, rng)
    if decision is None:
        return generic_policy(case, params, rng)
    return AutoStep(decision[0], decision[1], note="Autopilot (Yanbian model odds)")
