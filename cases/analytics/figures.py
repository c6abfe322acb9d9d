"""The labelled figures both analytics pages show: one function per figure, each with the cases it counts.

"46 approved" and "Approved 48" were two figures (cases closed as approved; cases that reached the
approval step) shown under one word. Every share here carries its base ("of closed cases", "of all
cases filed", "of decisions") and every page shows it with that base, so the same word never names
two numbers.

Not every case is an application: a permit holder reported as not returned and a crosser handed back are
not "approved". Each procedure names its three outcome buckets (``OutcomeSpec.labels``); a figure about one
procedure uses its words ("1 closed as holder back, on time or late"), and an exercise-wide figure over
several procedures names each one's words with the procedure ("closed as approved (marriage cases);
returned or sent home (illegal-crosser cases)"), so that the sentence stays true whatever is summed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from cases.analytics import metrics as m
from cases.analytics.metrics import Source
from cases.analytics.outcomes import outcome_label, outcome_spec

OF_CLOSED = "of closed cases"
OF_FILED = "of all cases filed"
OF_DECISIONS = "of decisions"

CLOSED_LABELS = {o: f"closed as {outcome_label('', o)}" for o in m.OUTCOMES}  # a procedure that names none


@dataclass(frozen=True)
class Share:
    """``n`` of ``of`` cases, and what the base counts (``OF_CLOSED``...)."""

    label: str
    n: int
    of: int
    basis: str

    @property
    def rate(self) -> float | None:
        return self.n / self.of if self.of else None

    @property
    def pct(self) -> str:
        return "—" if not self.of else f"{100 * self.n / self.of:.0f}%"

    @property
    def text(self) -> str:
        """Return e.g. "46 closed as approved (36% of closed cases)"."""
        return f"{self.n:,} {self.label} ({self.pct} {self.basis})" if self.of else f"{self.n:,} {self.label}"

    @property
    def count_of(self) -> str:
        """Return e.g. "46 of 128 closed cases" (the base named after the count)."""
        if self.basis == OF_CLOSED:
            return f"{self.n:,} of {self.of:,} closed cases"
        return f"{self.n:,} of {self.of:,} ({self.basis})"

    @property
    def name(self) -> str:
        """Return the label without "closed as" (a chart's legend: "Closed: <name>")."""
        return self.label.removeprefix("closed as ")


def _procedure_noun(kind: str) -> str:
    from cases.procedures import find_procedure

    proc = find_procedure(kind)
    return str(proc.model._meta.verbose_name_plural) if proc is not None else kind


def closed_label(outcome: str, kinds: list[str], counts: dict[str, int]) -> str:
    """Return the words for the cases of ``kinds`` closed in bucket ``outcome`` (``counts``: per kind).

    One procedure: its own words. Several: each contributing procedure's words, naming the procedures,
    those with the same words together ("closed as approved (marriage cases, authorization letter
    cases); holder back, on time or late (border crossing permit cases)"). When none has closed that way
    yet, the procedures whose cases can.
    """
    if len(kinds) <= 1:
        return f"closed as {outcome_label(kinds[0] if kinds else '', outcome)}"
    named = [k for k in kinds if counts.get(k, 0)] or [k for k in kinds if outcome_spec(k).bucket(outcome)]
    if not named:
        return f"closed as {outcome_label('', outcome)}"
    groups: dict[str, list[str]] = defaultdict(list)
    for k in named:
        groups[outcome_label(k, outcome)].append(_procedure_noun(k))
    return "closed as " + "; ".join(f"{words} ({', '.join(nouns)})" for words, nouns in groups.items())


def closed_shares(log: Source, *, metrics: Any = m) -> dict[str, Share]:
    """Return, per outcome, the cases closed that way as a share of the closed cases (one definition for both
    pages: the dashboard's percentages and the debrief's counts are this), worded as the module says.

    ``metrics``: the module the figures are read through (the pages pass their own ``m``, which the tests
    replace with the full computation's).
    """
    out = metrics.outcomes(log)
    kinds = list(metrics.kinds(log))
    by_kind = {k: metrics.outcomes(log, k).counts for k in kinds} if len(kinds) > 1 else {}
    return {o: Share(closed_label(o, kinds, {k: c.get(o, 0) for k, c in by_kind.items()}), out.counts.get(o, 0),
                     out.closed, OF_CLOSED) for o in m.OUTCOMES}


def closed_shares_by_kind(log: Source, *, metrics: Any = m) -> dict[str, dict[str, Share]]:
    """Return per procedure (most cases first) its closed cases by outcome, in its own words, as shares of
    its own closed cases."""
    out = {}
    for k in metrics.kinds(log):
        own = metrics.outcomes(log, k)
        out[k] = {o: Share(f"closed as {outcome_label(k, o)}", own.counts.get(o, 0), own.closed, OF_CLOSED)
                  for o in m.OUTCOMES}
    return out


@dataclass(frozen=True)
class Rate:
    """A closing rate as the pages print it: ``value`` per ``unit`` ("0.14", "closed per simulated month")."""

    value: str
    unit: str
    per_week: float

    @property
    def text(self) -> str:
        return f"{self.value} {self.unit}"


WEEKS_PER_MONTH = 365.25 / 12 / 7
WEEKS_PER_YEAR = 365.25 / 7


def _figure(value: float) -> str:
    """Return ``value`` with enough digits that a non-zero value never reads 0: 42, 3.2, 0.6, 0.14, 0.0052."""
    if value >= 10:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}"
    decimals = max(1, 1 - math.floor(math.log10(value)))  # two significant digits
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def closing_rate(per_week: float) -> Rate:
    """Return closings per simulated week in the unit that shows them best: per week from one every two
    weeks, else per month from one every ten months, else per year; never a non-zero rate printed as 0."""
    if per_week <= 0:
        return Rate("0", "closed per simulated week", per_week)
    if per_week >= 0.5:
        return Rate(_figure(per_week), "closed per simulated week", per_week)
    if per_week * WEEKS_PER_MONTH >= 0.1:
        return Rate(_figure(per_week * WEEKS_PER_MONTH), "closed per simulated month", per_week)
    return Rate(_figure(per_week * WEEKS_PER_YEAR), "closed per simulated year", per_week)


def funnel_shares(log: Source, kind: str) -> list[Share]:
    """Return the funnel of one procedure, each stage as a share of all its cases filed."""
    stages = m.funnel(log, kind)
    filed = stages[0][1] if stages else 0
    return [Share(label, n, filed, OF_FILED) for label, n in stages]


def authorization_funnel(log: Source) -> dict[str, int]:
    """Return D6's funnel for the class's authorization letters: letters, applications, approved, refused."""
    return dict(zip(("letters", "applications", "approved", "refused"),
                    (n for _l, n in m.funnel(log, "authorization")), strict=False))


def decision_shares(log: Source) -> dict[str, Share]:
    """Return the authorization approvals and refusals (cases that reached the decision, open or closed) as
    shares of the decisions taken: D6's base for Yanbian 1961 (1,053 approved, 735 not, of 1,788)."""
    f = authorization_funnel(log)
    approved, refused = f.get("approved", 0), f.get("refused", 0)
    decided = approved + refused
    return {"approved": Share("approved (reached approval)", approved, decided, OF_DECISIONS),
            "refused": Share("not approved", refused, decided, OF_DECISIONS)}
