"""The autopilot playing the permit offices and the holders who use their permits (PER-1 ... PER-12).

The station takes the papers (PER-4, PER-5, PER-11), asking for what is missing; the county/city bureau
and, for state employees, border defence decide (PER-6, PER-7); the holder then really crosses: out at
the point named in the permit, inside the season's hours (PER-8, PER-9), and back before expiry, or late
now and then so that the PER-12 follow-up fires. Crossings are recorded through
``permits.services.crossing.crossing_record`` (an ``AutoStep.perform``), so the inspection's checks of
hours, point, region and validity apply to the autopilot as to a student. Their timing follows the
calendar, not a desk: ``AutoStep.after`` puts each crossing inside the opening hours.
Rates and mean delays are regime data (``params["permit"]`` in cases/regimes/__init__.py), all assumptions.
Registered as the permit procedure's policy in ``permits/apps.py``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from cases.classroom.policy_base import SYSTEM_REASON, AutoStep
from cases.engine import transitions_from, unmet_guards
from cases.models import Case

BEIJING = ZoneInfo("Asia/Shanghai")


def crossing_moment(day: dt.date, u: float, not_before: dt.datetime) -> dt.datetime:
    """Return a time inside the season's crossing hours (PER-8) on ``day`` or the first later day that
    is after ``not_before``; ``u`` in [0, 1) places it between opening and half an hour before closing."""
    from permits.selectors import hours_for

    for offset in range(0, 400):
        date = day + dt.timedelta(days=offset)
        noon = dt.datetime.combine(date, dt.time(12, 0), tzinfo=BEIJING)
        season = hours_for(noon)
        opens = dt.datetime.combine(date, season.opens, tzinfo=BEIJING)
        closes = dt.datetime.combine(date, season.closes, tzinfo=BEIJING)
        span = max((closes - opens) - dt.timedelta(minutes=30), dt.timedelta(0))
        moment = opens + dt.timedelta(minutes=int(u * span.total_seconds() / 60))
        if moment > not_before:
            return moment
    raise ValueError("no crossing hours found within a year")  # pragma: no cover - geography always loaded


def _cross(direction: str) -> Callable[[Case, dt.datetime], None]:
    """Return the perform that records the holder's crossing through the permits service (PER-8 ... PER-12)."""

    def perform(case: Case, at: dt.datetime) -> None:
        from permits.services.crossing import crossing_record

        crossing_record(exercise=case.exercise, person=case.applicant, point=case.crossing_point,  # type: ignore[attr-defined]
                        direction=direction, actor=None, permit=case, note="Autopilot: the holder crosses", at=at)

    return perform


def _bring_documents(kinds: tuple[str, ...]) -> Callable[[Case, dt.datetime], None]:
    """Return the perform that records the documents the station asked for (PER-4, PER-6)."""

    def perform(case: Case, at: dt.datetime) -> None:
        from permits.services.permit import permit_document_add

        for kind in kinds:
            permit_document_add(case=case, kind=kind, issued_by="Brought by the applicant when asked (autopilot)",
                                actor=None, reference=f"{case.reference}-{kind[:3].upper()}")

    return perform


def permit_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Play the station, the county/city bureau, border defence and the holder (PER-1 ... PER-12)."""
    from permits.models.permit import REQUIRED_DOCUMENTS, age_problem, purpose_problem, within_border_region

    p = params.get("permit", {})
    u = [rng.random() for _ in range(4)]  # drawn whatever the branch: decisions stay stable
    possible = {t.name for t in transitions_from(case) if not unmet_guards(case, t)}
    state = case.state
    clock = case.exercise.clock

    def at_crossing(target: dt.datetime) -> dt.timedelta:
        moment = crossing_moment(target.astimezone(BEIJING).date(), u[2], max(clock, case.state_since))
        return moment - case.state_since

    def mean_days(key: str, default: float) -> dt.timedelta:
        return dt.timedelta(days=float(p.get(key, default)) * (0.5 + u[1]))

    if state == "filed":  # PER-4, PER-5, PER-11, PER-2
        problem = age_problem(case) if case.variant != "official" else ""  # type: ignore[arg-type]
        problem = problem or purpose_problem(case)  # type: ignore[arg-type]
        if problem:
            return AutoStep("reject_at_station", {"reason": problem})
        if "forward_to_county" in possible:
            return AutoStep("forward_to_county")
        if "issue_at_station" in possible:  # PER-5: before the 1964 Protocol the station issues (D9 §4)
            return AutoStep("issue_at_station")
        if not within_border_region(case):
            return AutoStep("reject_at_station", {"reason": "PER-2: home or destination is outside the border region."})
        have = set(case.documents.values_list("kind", flat=True))  # type: ignore[attr-defined]
        missing = tuple(k for k in REQUIRED_DOCUMENTS.get(case.variant, ()) if k not in have)
        if missing and u[0] < float(p.get("brings_missing_documents", 0.85)):
            return AutoStep("bring_documents", note="Autopilot: the station asked for the missing letters",
                            perform=_bring_documents(missing))
        return AutoStep("reject_at_station", {"reason": "PER-4: the applicant did not bring the letters asked for."})
    if state == "county_review":  # PER-6, PER-7
        if u[0] < float(p.get("county_refuses", 0.05)) and "refuse_at_county" in possible:
            return AutoStep("refuse_at_county", {"reason": SYSTEM_REASON})
        if "issue_official_permit" in possible:
            return AutoStep("issue_official_permit", {"validity_months": int(p.get("official_months", 6))})
        for name in ("issue_transit_pass", "police_approve"):
            if name in possible:
                return AutoStep(name)
        return None
    if state == "defence_review":  # PER-6
        if u[0] < float(p.get("defence_refuses", 0.05)):
            return AutoStep("refuse_at_defence", {"reason": SYSTEM_REASON})
        return AutoStep("defence_approve") if "defence_approve" in possible else None
    if state == "issued":  # the holder goes, or lets the permit lapse (PER-7, PER-12)
        again = case.returned_at is not None  # type: ignore[attr-defined]
        rate = float(p.get("official_journeys", 0.5)) if again else float(p.get("uses_permit", 0.9))
        if u[0] >= rate or case.expires_at is None:  # type: ignore[attr-defined]
            return None  # lapses unused: the expiry deadline closes it
        after = at_crossing(case.state_since + mean_days("days_to_exit", 6))
        # Two days' margin: the autopilot takes steps due within a day together, clock at the last one.
        if case.state_since + after >= case.expires_at - dt.timedelta(days=2):  # type: ignore[attr-defined]
            return None  # too late to go before expiry
        return AutoStep("record_crossing", note="Autopilot: the holder crosses out", after=after,
                        perform=_cross("exit"))
    if state == "abroad":  # PER-12: back in time, or overstays and the deadline sweep marks him overdue
        expires = case.expires_at  # type: ignore[attr-defined]
        if u[0] < float(p.get("overstays", 0.08)):
            # Not back by expiry: the overdue deadline fires first; planning the same step just after it
            # keeps the case in the autopilot's plans, so the follow-up (or a late return) comes after.
            return AutoStep("set_overdue", after=expires - case.state_since + dt.timedelta(hours=1))
        target = case.state_since + mean_days("days_abroad", 10)
        latest = expires - dt.timedelta(days=3)
        after = at_crossing(min(target, latest))
        if case.state_since + after >= expires - dt.timedelta(days=2):
            return None  # no opening hours left before expiry: he is overdue
        return AutoStep("record_crossing", note="Autopilot: the holder comes back", after=after,
                        perform=_cross("return"))
    if state == "overdue":  # PER-12
        if u[0] < float(p.get("late_returns", 0.6)):
            after = at_crossing(case.state_since + mean_days("days_late", 12))
            return AutoStep("record_crossing", note="Autopilot: the overdue holder comes back late", after=after,
                            perform=_cross("return"))
        return AutoStep("follow_up_not_returned", {"reason": "PER-12: not back by expiry; reported (autopilot)."})
    return None
