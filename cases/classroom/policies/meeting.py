"""The autopilot playing the two sides' representatives and senior authorities (MEET-1 ... MEET-5).

The other side answers a request before its date (MEET-1): it consents at the regime's rate, or
proposes another date (declining this request and asking for the new date itself, with the notice of
MEET-2 and the venue alternating as MEET-3 says), or declines. Before the date the office that signs the
visitor's entry permit takes the meeting's permit step, through the service that also writes the permit
(MEET-5); on the date the host holds and chairs the
meeting and records a resolution (MEET-3), which both senior authorities approve and which takes
effect from mutual notification (MEET-4). Answers and the meeting follow the calendar
(``AutoStep.after``), approvals the offices' processing times. Rates: ``params["meeting"]``, assumptions.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from cases.classroom.policy_base import SYSTEM_REASON, AutoStep
from cases.engine import transitions_from, unmet_guards
from cases.models import Case
from cases.wording import short_date


def _propose_other_date(decline: str, days: int) -> Callable[[Case, dt.datetime], None]:
    """Return the perform that declines this date and asks for another one, from the other side (MEET-1, MEET-2)."""

    def perform(case: Case, at: dt.datetime) -> None:
        from cases.models.meeting import notice_deadline
        from cases.services.meeting import meeting_request
        from cases.services.steps import case_transition

        meeting: Any = case
        when = max(meeting.scheduled_for + dt.timedelta(days=days),
                   notice_deadline(meeting.meeting_kind, meeting.exercise.clock) + dt.timedelta(days=1))
        case_transition(case=meeting, transition=decline, actor=None, system=True, note="Autopilot",
                        data={"reason": f"MEET-1: not on this date; proposes {short_date(when)} instead (autopilot)."})
        meeting_request(
            exercise=meeting.exercise, actor=None, kind=meeting.meeting_kind,
            requesting_side="KP" if meeting.requesting_side == "CN" else "CN", scheduled_for=when,
            place=meeting.place, subject=meeting.subject, note=f"Other date proposed for {meeting.reference} (MEET-1)",
        )

    return perform


def _issue_permits(case: Case, at: dt.datetime) -> None:
    """Take the meeting's permit step through the service that writes the permit row with it (MEET-5)."""
    from cases.services.meeting import meeting_entry_permits_issue

    meeting: Any = case
    visitor = meeting.visitors_without_permit()[0]
    meeting_entry_permits_issue(meeting=meeting, actor=None, at=at, note="Autopilot",
                                entry_permit_number=f"EP-{meeting.reference.removeprefix('MEET-')}-{visitor.pk}")


def meeting_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Play both sides' representatives and senior authorities on a meeting request (MEET-1 ... MEET-5)."""
    p = params.get("meeting", {})
    u = [rng.random() for _ in range(3)]  # drawn whatever the branch: decisions stay stable
    m: Any = case
    possible = {t.name for t in transitions_from(case) if not unmet_guards(case, t)}
    state = m.state
    clock = m.exercise.clock
    to_date = m.scheduled_for - m.state_since

    def pick(*names: str, data: dict[str, Any] | None = None, after: dt.timedelta | None = None) -> AutoStep | None:
        for name in names:
            if name in possible:
                return AutoStep(name, dict(data or {}), after=after)
        return None

    if state == "requested":  # MEET-1: answer before the date, at a share of the time left
        share = float(p.get("answer_share", 0.5)) * (0.5 + u[1])
        after = min(to_date * share, to_date - dt.timedelta(hours=2))
        if m.state_since + after <= clock:
            after = clock - m.state_since + dt.timedelta(hours=1)
        if m.state_since + after >= m.scheduled_for:
            return None  # no time left: the consent deadline lapses the request
        if u[0] < float(p.get("consents", 0.8)):
            return pick("consent_kp", "consent_cn", after=after)
        decline = next((n for n in ("decline_kp", "decline_cn") if n in possible), None)
        if decline is None:
            return None
        if u[2] < float(p.get("proposes_other_date", 0.7)):
            return AutoStep("propose_other_date", note="Autopilot: another date proposed", after=after,
                            perform=_propose_other_date(decline, int(p.get("other_date_days", 14))))
        return pick(decline, data={"reason": SYSTEM_REASON}, after=after)
    if state == "consented":
        # MEET-5: the visitor's permit before the meeting, half-way to the date, by the office that signs it
        # (the permit step; its row is written with it, so the step is taken through the service).
        for name in ("issue_permit_kp", "issue_permit_cn_minister", "issue_permit_cn_chief"):
            if name in possible:
                after = max(to_date / 2, clock - m.state_since)
                return AutoStep(name, note="Autopilot", after=after, perform=_issue_permits)
        # MEET-3: held on its date, a few hours in (assumption: the morning of the day).
        return pick("hold_in_cn", "hold_in_kp", after=max(to_date, clock - m.state_since) + dt.timedelta(hours=2))
    if state == "held":  # MEET-3, MEET-4: the chair records the resolution the same day
        text = f"Agreed on: {m.subject} (recorded by the chair; autopilot)."
        return pick("adopt_in_cn", "adopt_in_kp", data={"resolution": text}, after=dt.timedelta(hours=4))
    if state == "adopted":  # MEET-4: either side's senior authority approves first
        return pick("approve_cn", "approve_kp") if u[0] < 0.5 else pick("approve_kp", "approve_cn")
    return pick("approve_kp_second", "approve_cn_second", "notify_mutually")
