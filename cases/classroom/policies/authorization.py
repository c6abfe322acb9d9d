"""The autopilot playing the authorization-letter offices (AUT-1 ... AUT-11) with the regime's policy data."""

from __future__ import annotations

import random
from typing import Any

from cases.classroom.policy_base import SYSTEM_REASON, AutoStep, generic_policy, register_policy
from cases.engine import transitions_from, unmet_guards
from cases.models import Case


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
