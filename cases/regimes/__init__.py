"""Policy regimes as data: what was in force, from when, on whose authority, with which parameters.

Guards and deadlines read the regime a case runs under (``Case.regime``); the exercise's regime is the
one new cases start under. Later procedures add their own parameters to ``params``.

``authorization`` (cases/regimes/authorization.py) is the authorization-letter policy of each line (AUT-2 ...
AUT-10). Regimes that are not about these letters carry the line then in force: before D1 and under
the 1958 marriage notification the lenient 1957 line (an assumption for 1955-1957), under the 1964
Protocol the August 1963 instructions.

``returns`` (cases/regimes/returns.py) is the illegal-crosser policy (RET-2 ... RET-12); regimes without it
run on the 1957 principles of D1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from cases.regimes.authorization import (
    AUGUST_1963,
    CORRECTION_1962,
    LENIENT_1957,
    LENIENT_BEFORE_D1,
    STATE_COUNCIL_1970,
    STRICT_1961,
    AuthorizationPolicy,
)
from cases.regimes.returns import PRACTICE_1961, PROTOCOL_1964, TELEGRAM_1962
from cases.regimes.returns import STATE_COUNCIL_1970 as STATE_COUNCIL_1970_RET
from cases.wording import short_date


@dataclass(frozen=True)
class Regime:
    """One policy line."""

    code: str
    label: str
    effective: dt.date
    citation: str
    summary: str
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str, default: Any = None) -> Any:
        """Return a parameter of this regime."""
        return self.params.get(name, default)

    def line_for(self, kind: str) -> ProcedureLine | None:
        """Return what this regime means for one procedure (its line, document and gist), or None if it sets none.

        A regime is named after the document of one procedure (the October 1958 regime after D2, on marriages;
        the 1957 line after D1, on letters and crossers); the other procedures run on the line it carries for
        them, whose document is another.
        """
        if kind == "authorization":
            policy = self.param("authorization")
            if isinstance(policy, AuthorizationPolicy) and policy.label:
                return ProcedureLine(kind, policy.label, policy.citation, policy.line, policy.rules)
        if kind == "marriage":
            return MARRIAGE_LINES.get(str(self.param("marriage_variant", "1958")))
        if kind == "crosser":
            from cases.regimes.returns import returns_policy

            returns = returns_policy(self)
            return ProcedureLine(kind, returns.line, ", ".join(returns.rules), f"{returns.line}.", returns.rules)
        return None

    def for_procedure(self, kind: str) -> Regime:
        """Return this regime as one procedure's pages name it: the same code, date and parameters, with the label,
        citation and summary of the line it carries for ``kind`` (itself when it sets none)."""
        key = (self.code, kind)
        if (found := _FOR_PROCEDURE.get(key)) is None or found[0] is not self:
            line = self.line_for(kind)
            view = self if line is None else replace(self, label=line.label, citation=line.citation,
                                                     summary=line.summary)
            found = _FOR_PROCEDURE[key] = (self, view)
        return found[1]


# (regime code, procedure) -> (the regime, its view for the procedure): guards read case.regime_obj often.
_FOR_PROCEDURE: dict[tuple[str, str], tuple[Regime, Regime]] = {}


@dataclass(frozen=True)
class ProcedureLine:
    """What a regime means for one procedure: the line's name, its document, its gist and its rules."""

    kind: str
    label: str
    citation: str
    summary: str
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegimeCard:
    """The console's Regime card: the regime (what the switch names) and its line for each procedure played."""

    regime: Regime
    lines: tuple[tuple[str, ProcedureLine], ...]

    @property
    def code(self) -> str:
        return self.regime.code

    @property
    def label(self) -> str:
        return self.regime.label


# MAR-0 ... MAR-3: D2 (18 Oct 1958) moved approval to the man's work unit; before it, many localities referred
# each case up to the Central Committee (D2's own account of the earlier practice; its dates are an assumption).
MARRIAGE_LINES: dict[str, ProcedureLine] = {
    "pre1958": ProcedureLine(
        "marriage", "Referral to the Central Committee (before D2)",
        "D2, 18 Oct 1958, Hubei Prov. Archives SZ67-01-0540, on the practice it replaced (MAR-0; since when, an "
        "assumption)",
        "Each marriage application goes up to the Central Committee; papers go back and forth for a long time.",
        ("MAR-0",)),
    "1958": ProcedureLine(
        "marriage", "October 1958 Interior notification", "D2, 18 Oct 1958, Hubei Prov. Archives SZ67-01-0540",
        "Marriage approval moves down to the man's work unit, which decides: restricted posts refused, ordinary "
        "staff first dissuaded, then the unit leader approves.", ("MAR-1", "MAR-2", "MAR-3")),
}


REGIMES: dict[str, Regime] = {
    r.code: r
    for r in (
        Regime(
            "1955_joint_record",
            "1955 joint meeting record",
            dt.date(1955, 6, 8),
            "D9 §1-3 (8 Jun 1955 records of the joint meeting); D1 §4's lenient line applied before its date "
            "(assumption)",
            "Border permits in use from 8 June 1955; marriages with Korean women referred to the Centre; letters "
            "examined leniently (the 1957 line, an assumption before 17 Dec 1957).",
            {"marriage_variant": "pre1958", "authorization": LENIENT_BEFORE_D1},
        ),
        Regime(
            "1957_lenient",
            "1957 lenient line",
            dt.date(1957, 12, 17),
            "D1 §4, 17 Dec 1957, PRC MFA 118-01026-01",
            "Approve applications to go to the DPRK leniently; refuse only for political issues or a "
            "pending case.",
            {"marriage_variant": "pre1958", "authorization": LENIENT_1957},
        ),
        Regime(
            "1958_marriage",
            "October 1958 Interior notification",
            dt.date(1958, 10, 18),
            "D2, 18 Oct 1958, Hubei Prov. Archives SZ67-01-0540",
            "Marriage approval moves down to the man's work unit.",
            {"marriage_variant": "1958", "authorization": LENIENT_1957},
        ),
        Regime(
            "1961_strict",
            "1961 strict practice",
            dt.date(1961, 1, 1),
            "D6, 23 Mar 1962 (describing 1961)",
            "Local authorities too strict and too slow with authorization letters.",
            {"marriage_variant": "1958", "authorization": STRICT_1961, "returns": PRACTICE_1961},
        ),
        Regime(
            "1962_correction",
            "24 March 1962 correction",
            dt.date(1962, 3, 24),
            "D7 §3, 24 Mar 1962 (after D6, 23 Mar 1962)",
            "Be significantly more lenient and process letter holders as soon as possible.",
            {"marriage_variant": "1958", "authorization": CORRECTION_1962, "returns": TELEGRAM_1962},
        ),
        Regime(
            "1963_august",
            "August 1963 instructions",
            dt.date(1963, 8, 8),
            "D8 §2-3, 8 Aug 1963",
            "Ethnic Koreans with ties in the DPRK generally allowed to move; KPA officers' families "
            "expedited.",
            {"marriage_variant": "1958", "authorization": AUGUST_1963, "returns": TELEGRAM_1962},
        ),
        Regime(
            "1964_protocol",
            "1964 Protocol",
            dt.date(1964, 6, 9),
            "D10, signed 9 Jun 1964 (in force from mutual notification; the day of signature is an assumption)",
            "Protocol on border affairs: crossing hours, illegal crossers, meetings of representatives.",
            {"marriage_variant": "1958", "authorization": AUGUST_1963, "returns": PROTOCOL_1964},
        ),
        Regime(
            "1970_state_council",
            "1970 State Council opinions",
            dt.date(1970, 8, 19),
            "D11 §4-9, 19 Aug 1970 (§8: from today onwards)",
            "Provincial revolutionary committees approve returns; capitalist destinations refused.",
            {"marriage_variant": "1958", "authorization": STATE_COUNCIL_1970, "returns": STATE_COUNCIL_1970_RET},
        ),
    )
}


# PER-11: the July 1953 border transit rules (ART): residents of 18 or over, to visit relatives and friends,
# go to school, see a doctor, attend weddings or funerals. Assumption: the purposes held for the border permit
# until the 1964 Protocol, whose transit pass is for visiting relatives only (D10 Art. 3(3), PER-7). The age
# limit of 18 is kept in the 1964 and 1970 regimes as an ASSUMPTION (D10 says nothing of age): the dates table
# (cases/rules/in_force.py, PER-11) marks it, and the permit's steps show the note from 9 June 1964 on.
PERMIT_PURPOSES_1953 = ("relatives", "friends", "school", "doctor", "wedding", "funeral")
for _regime in REGIMES.values():
    _regime.params.setdefault("permit_min_age", 18)
    _regime.params.setdefault(
        "permit_purposes",
        ("relatives",) if _regime.effective >= dt.date(1964, 6, 9) else PERMIT_PURPOSES_1953,
    )

def get_regime(code: str) -> Regime:
    """Return the regime with this code."""
    try:
        return REGIMES[code]
    except KeyError as exc:
        raise KeyError(f"Unknown regime {code!r}; known: {', '.join(REGIMES)}") from exc


def regime_in_force(on: dt.date) -> Regime:
    """Return the latest regime whose effective date is on or before ``on``."""
    candidates = [r for r in REGIMES.values() if r.effective <= on]
    return max(candidates, key=lambda r: r.effective) if candidates else REGIMES["1955_joint_record"]


def regimes_offered(on: dt.date) -> list[Regime]:
    """Return the regimes a teacher may put in force on ``on``: those whose document is dated on or before it.

    The first regime is offered from the start of the period (nothing earlier is modelled). A later regime
    is only possible as a counterfactual (``cases.services.regime.exercise_switch_regime``).
    """
    first = min(REGIMES.values(), key=lambda r: r.effective)
    return [r for r in REGIMES.values() if r.effective <= on or r is first]


def superseded_by(regime: Regime, on: dt.date) -> Regime | None:
    """Return the regime that replaced ``regime`` by ``on`` (the one in force then, if it is later), or None.

    The regimes are one line of policy, each document replacing the one before: on 1 Jan 1965 the 1961 strict
    practice is history (the 24 March 1962 correction ended it), so putting it back in force is a what-if.
    """
    now = regime_in_force(on)
    return now if now.effective > regime.effective else None


def regime_choices_on(on: dt.date) -> list[tuple[str, str]]:
    """Return every regime as a form choice for a switch on ``on``; those not yet in force, and those a later
    document had replaced by then, say they are counterfactual only (the switch refuses them unless the
    teacher marks the run counterfactual)."""
    offered = regimes_offered(on)

    def label(r: Regime) -> str:
        if r not in offered:
            return f"{r.label} (not in force until {short_date(r.effective)}: counterfactual only)"
        if by := superseded_by(r, on):
            return f"{r.label} (replaced on {short_date(by.effective)} by the {by.label}: counterfactual only)"
        return f"{r.label} (from {short_date(r.effective)})"

    return [(r.code, label(r)) for r in REGIMES.values()]


REGIME_CHOICES = [(r.code, f"{r.label} ({short_date(r.effective)})") for r in REGIMES.values()]


# --- Autopilot parameters (issue 7) -------------------------------------------------------------
# How long an office the system plays takes to act (simulated days, before a seeded +/-50% jitter)
# and how often it decides one way or the other. The sources give no processing times: these are
# assumptions, set so that the pre-1958 referral (MAR-0: "a very long time") and the strict 1961
# practice (AUT-3: "overly restrictive and slow") are visibly slower than what followed.
AUTOPILOT_BASE: dict[str, Any] = {
    "days": {"default": 7, "work_unit": 10, "county_psb": 14, "provincial_committee": 30,
             "central_committee": 90, "mfa": 10, "embassy": 14, "dprk_spa": 30, "dprk_safety": 30,
             "civil_affairs": 5,
             # Assumptions: the station and the border posts act within days, ministries take weeks.
             "border_station": 3, "border_defence": 5, "commune": 7, "provincial_psb": 21, "mps": 21,
             "interior": 21, "state_council": 45, "border_representative": 5, "dprk_inspection": 3,
             "dprk_reception": 15, "dprk_labour": 10},
    "marriage": {"province_returns": 0.25, "centre_asks_more": 0.4, "centre_approves": 0.6,
                 "withdraws_after_dissuasion": 0.3, "found_truthful": 0.9, "dprk_refuses": 0.15,
                 "repatriates_illegal": 0.7, "exit_refused": 0.2},
    # PER-1 ... PER-12 (permits/autopilot.py). The sources give no rates: all assumptions,
    # except that D9 shows the permit in ordinary use (border residents crossing to visit relatives).
    "permit": {
        "brings_missing_documents": 0.85,  # PER-4: asked for a missing letter, the applicant brings it
        "county_refuses": 0.05,            # PER-7: the county/city bureau refuses
        "defence_refuses": 0.05,           # PER-6: the deputy representative of border defence refuses
        "official_months": 6,              # PER-7: an official permit's validity (up to 12)
        "uses_permit": 0.9,                # the holder actually crosses before expiry (else it lapses)
        "days_to_exit": 6,                 # mean days from issue to the crossing out
        "days_abroad": 10,                 # mean stay across the border (a one-month pass)
        "overstays": 0.08,                 # PER-12: not back by expiry (the overdue follow-up fires)
        "late_returns": 0.6,               # PER-12: an overdue holder comes back late (else reported)
        "days_late": 12,                   # mean days after expiry for a late return
        "official_journeys": 0.5,          # PER-7: an official crosses again while his permit is valid
    },
    # RET-1 ... RET-14 (cases/classroom/policies/crosser.py): rates of the facts the offices find and of
    # the decisions they and the other side take. Assumptions unless a source is named; the 1961 line is
    # calibrated to Jilin's 1961 figures below (D6).
    "crosser": {
        "disaster": 0.02,              # RET-4: cause recorded as fire, flood ... (assumption)
        "home_case": 0.03,             # RET-3, RET-6: a crime or pending case at home (assumption)
        "crime_after_crossing": 0.01,  # RET-5: offended after crossing (assumption)
        "keep_for_trial": 0.5,         # RET-5, RET-6: an offender kept for trial where caught (assumption)
        "inbound_stay_requested": 0.05,  # RET-2: return really impractical: DPRK asked to let him stay
        "dprk_approves_stay": 0.4,     # RET-2 (assumption)
        "recalled": 0.1,               # RET-2: one allowed to stay is sent back later (assumption)
        "special_situation": 0.05,     # RET-12 (1970): reported for instructions (assumption)
        "ministry_allows_stay": 0.3,   # RET-12 (assumption)
        "returnee_persuaded_back": 0.0,  # RET-10: only Jilin 1961 persuaded returnees back
        "settle_without_persuasion": 0.3,  # RET-8 (from 1962): one willing to stay asked about directly
        "agrees_to_return": 0.5,       # RET-1: persuasion works (assumption)
        "dprk_keeps": 0.5,             # RET-1, RET-8: the DPRK consents to keep and settle him
        "dprk_helps_persuade": 0.2,    # RET-8 (1962): the DPRK helps persuade instead (assumption)
        "came_to_embassy": 0.7,        # RET-9: referred to the DPRK, he comes to the Embassy himself
        "travel_money_yuan": (5, 20),  # RET-10: money to go home (assumption: amount not in the sources)
    },
    # RET-14 (cases/classroom/policies/corpse.py): nationality findings in D6's proportions for 1961
    # (243 bodies in the Yalu and Tumen: 82 Chinese, 11 DPRK nationals, 150 unidentified); the rest are
    # assumptions.
    "corpse": {"chinese": 82, "korean": 11, "unknown": 150, "drowning": 0.85, "crime_suspected": 0.05,
               "joint_for_unknown": 0.5, "joint_identifies": 0.2},
    # RET-13 (cases/classroom/policies/reception.py): E1961 gives the steps, not figures: assumptions.
    "reception": {"files_problem": 0.03, "travel_funds_won": (20, 60), "ration_coupons": 15,
                  "diploma_to_central": 0.5},
    # MEET-1 ... MEET-5 (cases/classroom/policies/meeting.py). Assumptions: the sources give no rates.
    "meeting": {
        "consents": 0.8,               # MEET-1: the other side consents before the date
        "proposes_other_date": 0.7,    # MEET-1: when not consenting, it proposes another date (else declines)
        "other_date_days": 14,         # days later than the date asked for
        "answer_share": 0.5,           # the answer comes this share of the time left before the date
    },
}

# D6: Jilin 1961. Of 28,028 found crossing, 7,939 persuaded to return, 7,528 came back on their own,
# 2,361 sent back by the DPRK, 7,034 still in the DPRK. The remaining 3,166 are not accounted for in
# D6: ASSUMPTION, they were stopped at the border before getting across (D3 shows that a share of
# those found crossing in early 1961 never got across) and were sent home (RET-10).
JILIN_1961 = {"found": 28028, "persuaded": 7939, "returned_on_own": 7528, "sent_back_by_dprk": 2361,
              "still_in_dprk": 7034}
JILIN_1961["stopped_at_border"] = JILIN_1961["found"] - sum(
    v for k, v in JILIN_1961.items() if k != "found")  # 3,166 (assumption above)


def _jilin_1961_crosser_rates(disaster: float, home_case: float) -> dict[str, float]:
    """Return the outbound decision rates that reproduce D6's Jilin 1961 outcomes (RET-1, RET-8, RET-9).

    The crossers who did not ask to come back (persuaded + sent back + still there) are persuaded at
    CHECKED; those forced across by disaster (RET-4) or wanted at home (RET-3) are sent back before it,
    and count as sent back by the DPRK. Whoever asked to come back is referred to the DPRK under the
    1961 line (RET-9) and counted as returning on his own (he comes to the Embassy).
    """
    j = JILIN_1961
    stayers = j["persuaded"] + j["sent_back_by_dprk"] + j["still_in_dprk"]
    reach = (1 - disaster) * (1 - home_case)
    agrees = j["persuaded"] / stayers / reach
    keeps = j["still_in_dprk"] / stayers / (reach * (1 - agrees))
    return {"agrees_to_return": agrees, "dprk_keeps": keeps}


_CROSSER_1961 = {"disaster": 0.01, "home_case": 0.02, "crime_after_crossing": 0.0}
_CROSSER_1961 |= _jilin_1961_crosser_rates(_CROSSER_1961["disaster"], _CROSSER_1961["home_case"])
_CROSSER_1961 |= {
    "returnee_persuaded_back": 0.3,  # RET-10: Jilin firmly persuaded returnees back (rate assumed)
    # D6 (Pak, 5 Mar 1962): those across were unwilling to return, the DPRK could only work on settling them.
    "dprk_helps_persuade": 0.0,
    "came_to_embassy": 1.0,  # D6 counts them as returning on their own initiative (RET-9)
}

AUTOPILOT_OVERRIDES: dict[str, dict[str, Any]] = {
    "1958_marriage": {"days": {"work_unit": 7}},
    "1961_strict": {"days": {"county_psb": 60, "provincial_psb": 45}, "crosser": _CROSSER_1961},
    "1962_correction": {"days": {"county_psb": 7, "provincial_psb": 10},
                        # RET-8 (D7 §4a): one willing to stay may stay if the DPRK will settle him.
                        "crosser": {"settle_without_persuasion": 0.4, "dprk_keeps": 0.6}},
    # RET-4 ... RET-7 (D10): the Protocol's handback with identity papers is the norm; the DPRK helps
    # persuade and keeps fewer (assumption: rates not in the sources).
    "1964_protocol": {"crosser": {"agrees_to_return": 0.6, "dprk_keeps": 0.3, "dprk_helps_persuade": 0.3,
                                  "settle_without_persuasion": 0.2}},
}
for _code, _regime in REGIMES.items():
    _over = AUTOPILOT_OVERRIDES.get(_code, {})
    _regime.params.setdefault("autopilot", {
        "days": {**AUTOPILOT_BASE["days"], **_over.get("days", {})},
        **{section: {**AUTOPILOT_BASE[section], **_over.get(section, {})}
           for section in AUTOPILOT_BASE if section != "days"},
    })
