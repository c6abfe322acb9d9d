"""The autopilot playing a DPRK reception station and Labour Bureau (RET-13, E1961).

Files check (a problem now and then: held), travel funds and ration coupons, fifteen days of
quarantine that the deadline closes, then a job: central departments only for diploma holders.
Rates and amounts are ``params["reception"]`` in cases/regimes/__init__.py (assumptions: E1961 gives no figures).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from cases.classroom.policy_base import AutoStep
from cases.models import Case

_WORK = ("factory", "farm", "farm", "mine")  # assumption: most went to cooperatives


def reception_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Play the reception station and the Labour Bureau through the steps of RET-13."""
    from cases.models.reception import QUARANTINE_DAYS

    p = params.get("reception", {})
    u = [rng.random() for _ in range(3)]  # drawn whatever the branch: decisions stay stable
    c: Any = case
    if c.state == "arrived":
        if u[0] < float(p.get("files_problem", 0.03)):
            return AutoStep("flag_files", {"reason": "RET-13: the files check found a problem (autopilot)."})
        return AutoStep("clear_files")
    if c.state == "files_cleared":
        lo, hi = p.get("travel_funds_won", (20, 60))
        return AutoStep("issue_funds_and_coupons", {
            "travel_funds_won": int(lo + u[0] * (int(hi) - int(lo) + 1)),
            "ration_coupons": int(p.get("ration_coupons", QUARANTINE_DAYS)),
        })
    if c.state == "quarantine":  # the quarantine deadline normally ends it; this keeps the case planned
        # Counted from the recorded start: a step taken in a bulk batch can be stamped later than its event.
        start = c.quarantine_started_at or c.state_since
        return AutoStep("end_quarantine", after=start - c.state_since + dt.timedelta(days=QUARANTINE_DAYS, hours=1))
    if c.state == "ready_for_work":
        central = c.has_diploma and u[0] < float(p.get("diploma_to_central", 0.5))
        work = "central" if central else _WORK[int(u[1] * len(_WORK))]
        return AutoStep("assign_work", {"assignment": work, "workplace": f"Assigned by the Labour Bureau: {work}"})
    return None
