"""Stays, durations and percentiles: the primitives every queue metric is built from.

A *stay* is the time a case spends in one state, from the event that brought it there to the event
that moved it on. The office of a finished stay is the office that acted to end it; the office of a
running stay is the case's next office. Durations are simulated days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cases.analytics.log import CaseRow, EventRow

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)


def days(delta: dt.timedelta) -> float:
    """Return a duration in (simulated) days."""
    return delta.total_seconds() / 86400


def percentile(values: Sequence[float], q: float) -> float | None:
    """Return the ``q``-th percentile (0-100) by linear interpolation between order statistics.

    The same definition as NumPy's default: position ``(n - 1) * q / 100`` in the sorted values.
    """
    if not values:
        return None
    ordered = sorted(values)
    lo, hi, frac = percentile_position(len(ordered), q)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * frac


def percentile_position(n: int, q: float) -> tuple[int, int, float]:
    """Return the two order statistics (0-based) the ``q``-th percentile of ``n`` values lies between, and how far."""
    pos = (n - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return lo, hi, pos - lo


@dataclass(frozen=True, slots=True)
class Stay:
    """A case's time in one state."""

    case_id: int
    kind: str
    state: str
    office: str
    start: dt.datetime
    end: dt.datetime | None  # None: still there

    def length(self, now: dt.datetime) -> float:
        return days((self.end or now) - self.start)


def case_stays(case_id: int, events: Iterable[EventRow], case: CaseRow | None) -> list[Stay]:
    """Return one case's stays from its events in time order (events without a target state change nothing).

    The last stay runs on while the case is open (its office: the case's next office); a closed case's
    closing state is not a stay. ``case`` is None for events whose case is not in the log.
    """
    out: list[Stay] = []
    current: tuple[str, dt.datetime] | None = None
    kind = ""
    for e in events:
        kind = kind or e.case_kind
        if not e.target_state or (current is not None and e.target_state == current[0]):
            continue  # a note, a regime switch or a step that stays put: the stay goes on
        if current is not None:
            out.append(Stay(case_id, kind, current[0], e.office, current[1], e.sim_time))
        current = (e.target_state, e.sim_time)
    if current is not None and case is not None and case.is_open:
        out.append(Stay(case_id, kind, current[0], case.next_office, current[1], None))
    return out
