"""How each policy regime treats illegal crossers (RET-2, RET-8, RET-9, RET-10, RET-12).

Plain data, referenced from ``cases/regimes/__init__.py`` as the ``returns`` parameter of a regime; a regime
without it runs on the 1957 principles of D1. The guards of ``cases/models/crosser.py`` read it through
``case.regime_obj``. The 1962 line is a standing instruction (D7 §4a); that the 1963 instructions, the
1964 Protocol and the 1970 opinions left it in force is an assumption (none of them revokes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cases.regimes import Regime


@dataclass(frozen=True)
class ReturnsPolicy:
    """The crosser rules of one regime."""

    line: str
    rules: tuple[str, ...]
    # RET-9 (1961): the Embassy does not hear returning crossers' cases and leaves settled Han alone.
    embassy_hears_return_cases: bool = True
    leave_settled_han_alone: bool = False
    # RET-10 (1961): Jilin persuades returnees back to the DPRK; Liaoning aids intercepted crossers.
    persuade_returnees_back: bool = False
    aid_intercepted_crossers: bool = False
    # RET-8 (from March 1962): one willing to stay may be settled without first being persuaded.
    settle_willing_without_persuasion: bool = False
    # RET-2 / RET-12 (1970): a DPRK crosser may stay in China with DPRK approval; from 1970 only a
    # special situation reported for instructions may lead there.
    inbound_stay_allowed: bool = True
    report_special_inbound: bool = False


PRINCIPLES_1957 = ReturnsPolicy("1957 principles", ("RET-1", "RET-2", "RET-3"))
PRACTICE_1961 = ReturnsPolicy(
    "1961 practice", ("RET-9", "RET-10"),
    embassy_hears_return_cases=False, leave_settled_han_alone=True,
    persuade_returnees_back=True, aid_intercepted_crossers=True,
)
TELEGRAM_1962 = ReturnsPolicy("March 1962 telegram", ("RET-8",), settle_willing_without_persuasion=True)
PROTOCOL_1964 = ReturnsPolicy(
    "1964 Protocol", ("RET-4", "RET-5", "RET-6", "RET-7", "RET-8"), settle_willing_without_persuasion=True,
)
STATE_COUNCIL_1970 = ReturnsPolicy(
    "1970 State Council opinions", ("RET-12",),
    settle_willing_without_persuasion=True, inbound_stay_allowed=False, report_special_inbound=True,
)


def returns_policy(regime: Regime) -> ReturnsPolicy:
    """Return the crosser rules of ``regime`` (the 1957 principles where it sets none)."""
    return regime.param("returns", PRINCIPLES_1957)
