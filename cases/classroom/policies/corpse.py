"""The autopilot playing the offices that deal with bodies found in the border region (RET-14).

Nationality findings follow D6's 1961 count of 243 bodies in the Yalu and Tumen (82 Chinese, 11 DPRK
nationals, 150 unidentified: ``params["corpse"]`` in cases/regimes/__init__.py); a joint inspection is held
where a crime is suspected (always) or nationality is unknown (at a rate); a DPRK resident's body is
returned at an agreed point (RET-7), the others are handled where found. No query beyond the guards.
"""

from __future__ import annotations

import random
from typing import Any

from cases.classroom.policies.crosser import handover_point_for
from cases.classroom.policy_base import AutoStep
from cases.engine import transitions_from, unmet_guards
from cases.models import Case


def _nationality(p: dict[str, Any], u: float) -> str:
    """Draw a nationality finding in D6's proportions (RET-14)."""
    weights = [("chinese", float(p.get("chinese", 82))), ("korean", float(p.get("korean", 11))),
               ("unknown", float(p.get("unknown", 150)))]
    total = sum(w for _n, w in weights)
    edge = 0.0
    for name, w in weights:
        edge += w / total
        if u < edge:
            return name
    return weights[-1][0]


def corpse_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Investigate, inspect jointly where needed, then return the body or handle it where found (RET-14)."""
    p = params.get("corpse", {})
    u = [rng.random() for _ in range(4)]  # drawn whatever the branch: decisions stay stable
    c: Any = case
    possible = {t.name for t in transitions_from(case) if not unmet_guards(case, t)}
    if c.state == "found":
        return AutoStep("record_investigation", {
            "nationality_finding": _nationality(p, u[0]),
            # Assumption: bodies in the rivers mostly drowned (D6 counts them with the crossings).
            "cause_of_death": "drowning" if u[1] < float(p.get("drowning", 0.85)) else "unknown",
            "crime_suspected": u[2] < float(p.get("crime_suspected", 0.05)),
        })
    if c.state == "joint_inspection":  # assumption: the joint inspection seldom establishes more
        found = c.nationality_finding
        if found == "unknown" and u[0] < float(p.get("joint_identifies", 0.2)):
            found = "korean" if u[1] < 0.5 else "chinese"
        return AutoStep("record_joint_findings", {
            "nationality_finding": found, "cause_of_death": c.cause_of_death or "unknown",
            "joint_findings": "Findings of the joint inspection (autopilot).",
        })
    if c.state == "investigated":
        pending = bool(c.crime_suspected) and not c.joint_inspection_held
        unknown = c.nationality_finding == "unknown" and not c.joint_inspection_held
        if "request_joint_inspection" in possible and (
                pending or (unknown and u[0] < float(p.get("joint_for_unknown", 0.5)))):
            return AutoStep("request_joint_inspection")
        if "return_remains" in possible:
            return AutoStep("return_remains", {"handover_point": handover_point_for(c.place_found, u[1])})
        if "handle_where_found" in possible:
            return AutoStep("handle_where_found", {"disposal": "Buried where found by the county (autopilot)."})
    return None
