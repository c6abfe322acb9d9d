"""The autopilot playing the marriage offices (MAR-0 ... MAR-9) with the regime's rates."""

from __future__ import annotations

import random
from typing import Any

from cases.classroom.policy_base import SYSTEM_REASON, AutoStep, generic_policy
from cases.engine import transitions_from, unmet_guards
from cases.models import Case


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


_REASON_STEPS = {"approve_special_circumstances", "return_to_unit", "request_more_reports", "central_refuse",
                 "refuse_after_examination", "dprk_refuse", "refuse_exit", "refuse_entry"}
