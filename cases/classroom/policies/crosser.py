"""The autopilot playing the illegal-crosser offices of both sides (RET-1 ... RET-12) with the regime's rates.

Every decision reads ``params["crosser"]`` (cases/regimes/__init__.py): the 1961 line is calibrated so that a
Jilin-like population of reports ends as D6 counts it (see :data:`cases.regimes.JILIN_1961` and
:func:`jilin_1961_report_mix`); later lines use their own rates, and the guards of
cases/models/crosser.py already say which steps each line allows (RET-8, RET-9, RET-10, RET-12).
Each call draws the same five random numbers whatever the branch, so decisions stay stable when a
rate changes. No query beyond what the guards need (the person, for RET-9's settled Han).
"""

from __future__ import annotations

import random
from typing import Any

from cases.classroom.policy_base import SYSTEM_REASON, AutoStep, generic_policy, open_steps
from cases.models import Case

# Causes drawn for a crossing that was not forced by disaster (RET-4). Assumption: the famine years'
# hope of a better living dominates (D6: lack of a process to resolve the temporary difficulties).
_OTHER_CAUSES = ("livelihood", "livelihood", "livelihood", "family", "family", "work", "smuggling", "other")
_DISASTER_CAUSES = ("flood", "flood", "fire", "typhoon", "labour_incident", "other_disaster")
# Words in what the report says (the person's name in the title, the place, the reference) that name a
# disaster: a pack's flood victims are recorded as such (RET-4), with no query for the opening note.
_DISASTER_WORDS = {"flood": "flood", "fire": "fire", "typhoon": "typhoon"}


def jilin_1961_report_mix() -> dict[str, int]:
    """Return how many reports of each kind make D6's Jilin 1961 population of 28,028 (RET-1, RET-9, RET-10).

    ``outbound``: residents found across the border who did not ask to come back (persuaded, sent back
    by the DPRK or still there in the end); ``outbound_wants_return``: those who asked to come back
    (D6: returned on their own initiative); ``intercepted``: the 3,166 D6 leaves unaccounted, which we
    ASSUME were stopped at the border before getting across (cases.regimes.JILIN_1961).
    """
    from cases.regimes import JILIN_1961 as J

    return {
        "outbound": J["persuaded"] + J["sent_back_by_dprk"] + J["still_in_dprk"],
        "outbound_wants_return": J["returned_on_own"],
        "intercepted": J["stopped_at_border"],
    }


def handover_point_for(place: str, u: float) -> str:
    """Return the agreed point named in the crossing place, else one drawn from ``u`` (RET-7)."""
    from cases.models.crosser import AGREED_HANDOVER_POINTS, HandoverPoint

    points = sorted(AGREED_HANDOVER_POINTS)
    text = place.lower()
    for value in points:
        if any(part.strip().lower() in text for part in str(HandoverPoint(value).label).split(" - ")):
            return value
    return points[min(int(u * len(points)), len(points) - 1)]


def crosser_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Play the station, county bureau, Embassy, representatives and DPRK offices on a crosser case.

    RET-5 identity first; RET-4 disaster victims are helped home; RET-3/RET-6 a crosser wanted at home
    is sent back; RET-5 an offender after crossing may be tried where caught; RET-2/RET-12 inbound DPRK
    citizens are sent back (a stay asked for where impractical; from 1970 special cases reported for
    instructions); RET-1/RET-8 outbound residents are persuaded (from 1962 one willing to stay may be
    settled); RET-9 under the 1961 line those asking to come back are referred to the DPRK; RET-10 the
    1961 Jilin and Liaoning measures; RET-7 handover at an agreed point.
    """
    p = {**_DEFAULTS, **params.get("crosser", {})}
    u = [rng.random() for _ in range(5)]  # drawn whatever the branch: decisions stay stable
    possible = open_steps(case)
    ref = case.reference
    reason = {"reason": SYSTEM_REASON}

    def pick(*names: str, data: dict[str, Any] | None = None) -> AutoStep | None:
        for name in names:
            if name in possible:
                return AutoStep(name, dict(data or {}))
        return None

    state, variant = case.state, case.variant
    if state == "reported":  # RET-5, RET-4
        said = f"{case.title} {case.source_reference} {case.crossing_place}".lower()
        cue = next((cause for word, cause in _DISASTER_WORDS.items() if word in said), "")
        if cue:
            cause = cue
        elif variant != "intercepted" and u[0] < float(p["disaster"]):
            cause = _DISASTER_CAUSES[int(u[1] * len(_DISASTER_CAUSES))]
        else:
            cause = _OTHER_CAUSES[int(u[1] * len(_OTHER_CAUSES))]
        return pick("record_identity", data={
            "identity_details": f"{case.person.name}, as reported ({ref})",
            "circumstances": f"Crossed at {case.crossing_place or 'a place not named'}; cause: {cause}.",
            "crossing_cause": cause,
        })
    if state == "identified":  # RET-4 before RET-3
        disaster = pick("assist_disaster_victim", "assist_disaster_victim_dprk")
        if disaster is not None:
            return disaster
        crime = u[1] < float(p["crime_after_crossing"])
        if u[0] < float(p["home_case"]):
            wanted = pick("record_home_case", data={"crime_after_crossing": crime})
            if wanted is not None:
                return wanted
        return pick("check_record", data={"crime_after_crossing": crime})
    if state in ("checked", "wanted"):
        tried = u[2] < float(p["keep_for_trial"])
        if tried:  # RET-5; RET-6: one also wanted at home only with the other side's agreement
            kept = pick("keep_for_trial_in_china", "keep_for_trial_in_dprk",
                        data={"keep_agreed": state == "wanted", **reason})
            if kept is not None:
                return kept
        if state == "wanted":  # RET-3: always sent back
            return pick("prepare_return", "ask_dprk_to_hand_over")
        if variant == "intercepted":  # RET-10: Liaoning's 1961 aid where the line has it
            lo, hi = p["travel_money_yuan"]
            money = int(lo + u[0] * (int(hi) - int(lo) + 1))
            return pick("send_home_with_aid", data={"travel_money_yuan": max(money, 1)}) or pick("send_home")
        if variant == "inbound":
            if case.returned_from_dprk:  # RET-10: Jilin 1961 persuaded returnees back; else readmitted
                if u[0] < float(p["returnee_persuaded_back"]):
                    back = pick("persuade_back_to_dprk")
                    if back is not None:
                        return back
                return pick("readmit_returnee")
            if u[0] < float(p["special_situation"]) and "report_special_situation" in possible:  # RET-12
                return pick("report_special_situation", data={
                    "reason": "Special situation: family in China and no home to return to (autopilot)."})
            if u[0] < float(p["inbound_stay_requested"]) and "request_stay" in possible:  # RET-2
                return pick("request_stay", data={
                    "reason": "Return impractical: long settled in China with family here (autopilot)."})
            return pick("prepare_return")
        # outbound (RET-1, RET-8, RET-9)
        alone = pick("leave_settled_han_alone")
        if alone is not None:
            return alone
        if case.wants_to_return:
            return pick("hear_return_request", "refer_return_to_dprk")
        if u[0] < float(p["settle_without_persuasion"]) and "ask_dprk_to_settle" in possible:
            return pick("ask_dprk_to_settle")
        return pick("persuade_to_return")
    if state == "persuasion":  # RET-1
        if u[0] < float(p["agrees_to_return"]):
            return pick("agrees_to_return")
        return pick("refuses_to_return", data={"reason": "He refuses to come back (autopilot)."})
    if state == "stay_requested":
        if variant == "inbound":  # RET-2
            if u[0] < float(p["dprk_approves_stay"]):
                return pick("approve_stay_in_china")
            return pick("refuse_stay_in_china", data=reason)
        keeps, helps = float(p["dprk_keeps"]), float(p["dprk_helps_persuade"])  # RET-1, RET-8
        if u[0] < keeps:
            return pick("consent_to_keep")
        if u[0] < keeps + helps:
            return pick("help_persuade", data={"reason": "Cannot settle him; helps persuade him (autopilot)."})
        return pick("decline_to_keep", data={"reason": "Cannot settle him; hands him back (autopilot)."})
    if state == "instructions_requested":  # RET-12
        if u[0] < float(p["ministry_allows_stay"]):
            return pick("instruct_stay", data=reason)
        return pick("instruct_return")
    if state == "staying_in_china":  # RET-2: he may be mobilised to go back later
        return pick("recall_to_dprk", data=reason) if u[0] < float(p["recalled"]) else None
    if state == "dprk_asked":  # RET-9
        if u[0] < float(p["came_to_embassy"]):
            return pick("issue_entry_permit", data={"entry_permit_number": f"EP-{ref.removeprefix('RET-')}"})
        return pick("dprk_repatriates")
    if state == "entry_permit":
        return pick("record_return_entry")
    if state == "awaiting_handover":  # RET-5, RET-7
        point = handover_point_for(case.crossing_place, u[0])
        return pick("hand_over_to_dprk", "hand_over_to_china", data={"handover_point": point})
    if state == "handed_over":  # RET-7
        return pick("confirm_receipt", "receive_from_dprk")
    return generic_policy(case, params, rng)


# Used when a regime's params lack a key (a regime added later): the base rates of cases/regimes/__init__.py.
def _defaults() -> dict[str, Any]:
    from cases.regimes import AUTOPILOT_BASE

    return dict(AUTOPILOT_BASE["crosser"])


_DEFAULTS = _defaults()
