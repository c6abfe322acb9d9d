"""Policy regimes as data: what was in force, from when, on whose authority, with which parameters.

Guards and deadlines read the regime a case runs under (``Case.regime``); the exercise's regime is the
one new cases start under. Later procedures add their own parameters to ``params``.

``authorization`` (cases/aut_policy.py) is the authorization-letter policy of each line (AUT-2 ...
AUT-10). Regimes that are not about these letters carry the line then in force: before D1 and under
the 1958 marriage notification the lenient 1957 line (an assumption for 1955-1957), under the 1964
Protocol the August 1963 instructions.

``returns`` (cases/ret_policy.py) is the illegal-crosser policy (RET-2 ... RET-12); regimes without it
run on the 1957 principles of D1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cases.aut_policy import AUGUST_1963, CORRECTION_1962, LENIENT_1957, STATE_COUNCIL_1970, STRICT_1961
from cases.ret_policy import PRACTICE_1961, PROTOCOL_1964, TELEGRAM_1962
from cases.ret_policy import STATE_COUNCIL_1970 as STATE_COUNCIL_1970_RET


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


REGIMES: dict[str, Regime] = {
    r.code: r
    for r in (
        Regime(
            "1955_joint_record",
            "1955 joint meeting record",
            dt.date(1955, 6, 8),
            "D1 §4; D9 §1-3 (June 1955 Record of the Joint Meeting)",
            "Border permits in use from 8 June 1955; marriages with Korean women referred to the Centre.",
            {"marriage_variant": "pre1958", "authorization": LENIENT_1957},
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
            "D6, 24 Mar 1962 (describing 1961)",
            "Local authorities too strict and too slow with authorization letters.",
            {"marriage_variant": "1958", "authorization": STRICT_1961, "returns": PRACTICE_1961},
        ),
        Regime(
            "1962_correction",
            "24 March 1962 correction",
            dt.date(1962, 3, 24),
            "D6; D7 §3",
            "Be significantly more lenient and process letter holders as soon as possible.",
            {"marriage_variant": "1958", "authorization": CORRECTION_1962, "returns": TELEGRAM_1962},
        ),
        Regime(
            "1963_august",
            "August 1963 instructions",
            dt.date(1963, 8, 1),
            "D8 §2-3",
            "Ethnic Koreans with ties in the DPRK generally allowed to move; KPA officers' families "
            "expedited.",
            {"marriage_variant": "1958", "authorization": AUGUST_1963, "returns": TELEGRAM_1962},
        ),
        Regime(
            "1964_protocol",
            "1964 Protocol",
            dt.date(1964, 6, 9),
            "D10, 9 Jun 1964",
            "Protocol on border affairs: crossing hours, illegal crossers, meetings of representatives.",
            {"marriage_variant": "1958", "authorization": AUGUST_1963, "returns": PROTOCOL_1964},
        ),
        Regime(
            "1970_state_council",
            "1970 State Council opinions",
            dt.date(1970, 1, 1),
            "D11 §4-9",
            "Provincial revolutionary committees approve returns; capitalist destinations refused.",
            {"marriage_variant": "1958", "authorization": STATE_COUNCIL_1970, "returns": STATE_COUNCIL_1970_RET},
        ),
    )
}


# PER-11: the July 1953 border transit rules (ART): residents of 18 or over, to visit relatives and friends,
# go to school, see a doctor, attend weddings or funerals. Assumption: they held for the border permit until
# the 1964 Protocol, whose transit pass is for visiting relatives only (D10 Art. 3(3), PER-7).
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


REGIME_CHOICES = [(r.code, f"{r.label} ({r.effective:%d %b %Y})") for r in REGIMES.values()]


# --- Autopilot parameters (issue 7) -------------------------------------------------------------
# How long an office the system plays takes to act (simulated days, before a seeded +/-50% jitter)
# and how often it decides one way or the other. The sources give no processing times: these are
# assumptions, set so that the pre-1958 referral (MAR-0: "a very long time") and the strict 1961
# practice (AUT-3: "overly restrictive and slow") are visibly slower than what followed.
AUTOPILOT_BASE: dict[str, Any] = {
    "days": {"default": 7, "work_unit": 10, "county_psb": 14, "provincial_committee": 30,
             "central_committee": 90, "mfa": 10, "embassy": 14, "dprk_spa": 30, "dprk_safety": 30,
             "civil_affairs": 5},
    "marriage": {"province_returns": 0.25, "centre_asks_more": 0.4, "centre_approves": 0.6,
                 "withdraws_after_dissuasion": 0.3, "found_truthful": 0.9, "dprk_refuses": 0.15,
                 "repatriates_illegal": 0.7, "exit_refused": 0.2},
}
AUTOPILOT_OVERRIDES: dict[str, dict[str, Any]] = {
    "1958_marriage": {"days": {"work_unit": 7}},
    "1961_strict": {"days": {"county_psb": 60, "provincial_psb": 45}},
    "1962_correction": {"days": {"county_psb": 7, "provincial_psb": 10}},
}
for _code, _regime in REGIMES.items():
    _over = AUTOPILOT_OVERRIDES.get(_code, {})
    _regime.params.setdefault("autopilot", {
        "days": {**AUTOPILOT_BASE["days"], **_over.get("days", {})},
        "marriage": {**AUTOPILOT_BASE["marriage"], **_over.get("marriage", {})},
    })
