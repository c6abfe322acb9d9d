"""What policy a role card names: the line each procedure of the exercise runs under on its date.

A regime carries a line per procedure (``cases/regimes``): the marriage variant (MAR-0's referral to the
Centre before D2, the work unit after), the authorization-letter policy, the crosser policy. The regime's
own label names only one of them (the "1957 lenient line" is the letters' policy), so a card names the
line of each procedure played, with the rules behind it and when they are in force
(``cases/rules/in_force.py``), and the regime switches the exercise has scheduled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cases.models import Exercise, TimedEventStatus
from cases.procedures import find_procedure
from cases.regimes import Regime, RegimeCard, get_regime
from cases.rules.in_force import RULE_DATES, exercise_rule_date, regime_from


@dataclass(frozen=True)
class PolicyLine:
    """The line one procedure runs under on a date, with its rules and what their dates say."""

    procedure: str
    line: str
    rules: tuple[str, ...]
    since: dt.date | None
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ScheduledSwitch:
    """A regime switch the exercise has scheduled (a pending timed event)."""

    at: dt.datetime
    label: str
    regime: Regime


def _line_of(kind: str, regime: Regime) -> tuple[str, tuple[str, ...]]:
    """Return the gist and rules of the line ``regime`` carries for ``kind`` (:meth:`Regime.line_for`)."""
    line = regime.line_for(kind)
    if line is None:
        return f"{regime.label}: {regime.summary}", ()
    return f"{line.label}: {line.summary}", line.rules


def regime_card(exercise: Exercise, regime: Regime | None = None) -> RegimeCard:
    """Return the console's Regime card: the regime (what a switch names) and its line for each procedure played."""
    from cases.classroom.students import played_kinds

    regime = regime or get_regime(exercise.regime)
    kinds = played_kinds(exercise)
    if kinds is None:
        kinds = set(exercise.cases.order_by().values_list("kind", flat=True).distinct())
    lines = []
    for kind in sorted(kinds):
        if (line := regime.line_for(kind)) is not None:
            proc = find_procedure(kind)
            lines.append((str(proc.label) if proc else kind, line))
    return RegimeCard(regime, tuple(lines))


def policy_lines(exercise: Exercise, kinds: set[str] | None = None, regime_code: str | None = None) -> list[PolicyLine]:
    """Return the line of each procedure in ``kinds`` (default: the exercise's cases') under its regime now."""
    regime = get_regime(regime_code or exercise.regime)
    on = exercise_rule_date(exercise, regime.code)
    if kinds is None:
        kinds = set(exercise.cases.order_by().values_list("kind", flat=True).distinct())
    out = []
    for kind in sorted(kinds):
        proc = find_procedure(kind)
        line, rules = _line_of(kind, regime)
        dated = [RULE_DATES[r] for r in rules if r in RULE_DATES]
        # A rule is applied from its document's date once that date is passed; before it, from the day the
        # project starts applying it (an assumption, which its note says).
        since = max((d.vouched_from if on >= d.vouched_from else d.start for d in dated),
                    default=regime_from(regime.code))
        notes = tuple(dict.fromkeys(n for d in dated if (n := d.note(on))))
        out.append(PolicyLine(proc.label if proc else kind, line, rules, since, notes))
    return out


def scheduled_switches(exercise: Exercise) -> list[ScheduledSwitch]:
    """Return the regime switches still to come in the exercise (pending timed events), in time order."""
    out = []
    for event in exercise.timed_events.filter(status=TimedEventStatus.PENDING, kind="switch_regime").order_by("at"):
        code = str(event.payload.get("regime", ""))
        try:
            out.append(ScheduledSwitch(event.at, event.label, get_regime(code)))
        except KeyError:
            continue  # the system checks report a pack naming an unknown regime
    return out
