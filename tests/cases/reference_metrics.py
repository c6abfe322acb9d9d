"""The queue metrics as they were before they were derived once per log and the cumulative flow was swept:
the full computation the faster one must match exactly.

Kept as written then, except for three definitions issue 19 made exact or order-free, so that a summary
kept up to date case by case can give the same numbers as this plain computation: sums of durations are
summed as timedeltas (exact; they were float sums, which depend on the order of the cases), the open bands
of the cumulative flow come in the order they first hold a case with ties by name (they came in the
order of the stays), and procedure kinds with as many cases are ordered by name (they came in the order
of the cases)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from cases.analytics.log import CaseRow, EventRow, Log
from cases.analytics.outcomes import APPROVED, OUTCOMES, REFUSED, WITHDRAWN, classify, funnel_stages

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
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
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


def stays(log: Log) -> list[Stay]:
    """Rebuild every case's stays from its events (events without a target state change nothing)."""
    by_case: dict[int, list[EventRow]] = defaultdict(list)
    for e in log.events:
        by_case[e.case_id].append(e)
    out: list[Stay] = []
    for case_id, events in by_case.items():
        current: tuple[str, dt.datetime] | None = None
        kind = events[0].case_kind
        for e in events:
            if not e.target_state or (current is not None and e.target_state == current[0]):
                continue  # a note, a regime switch or a step that stays put: the stay goes on
            if current is not None:
                out.append(Stay(case_id, kind, current[0], e.office, current[1], e.sim_time))
            current = (e.target_state, e.sim_time)
        case = log.by_id.get(case_id)
        if current is not None and case is not None and case.is_open:
            out.append(Stay(case_id, kind, current[0], case.next_office, current[1], None))
    return out


# --- Work in progress --------------------------------------------------------------------------


def open_cases(log: Log) -> list[CaseRow]:
    return [c for c in log.cases if c.is_open]


def wip_by_office(log: Log) -> list[tuple[str, int]]:
    """Return open cases per office that must act next, largest queue first."""
    counts = Counter(c.next_office or "(no office)" for c in open_cases(log))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def wip_by_state(log: Log) -> list[tuple[str, str, int]]:
    """Return open cases per (procedure kind, state), largest first."""
    counts = Counter((c.kind, c.state) for c in open_cases(log))
    return sorted(((k, s, n) for (k, s), n in counts.items()), key=lambda r: (-r[2], r[0], r[1]))


# --- Time in step ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepTime:
    kind: str
    state: str
    done: int  # finished stays
    median: float | None
    p90: float | None
    waiting: int  # cases there now
    oldest_wait: float | None  # the longest running stay, days


def time_in_step(log: Log) -> list[StepTime]:
    """Return median and 90th percentile of finished stays per state, and who is still waiting there.

    Closing states are left out: a closed case does not wait.
    """
    finished: dict[tuple[str, str], list[float]] = defaultdict(list)
    running: dict[tuple[str, str], list[float]] = defaultdict(list)
    for s in stays(log):
        (finished if s.end is not None else running)[(s.kind, s.state)].append(s.length(log.now))
    keys = sorted(set(finished) | set(running))
    return [
        StepTime(kind=k, state=st, done=len(finished[(k, st)]), median=percentile(finished[(k, st)], 50),
                 p90=percentile(finished[(k, st)], 90), waiting=len(running[(k, st)]),
                 oldest_wait=max(running[(k, st)]) if running[(k, st)] else None)
        for k, st in keys
    ]


def wait_by_office(log: Log) -> list[tuple[str, int, float | None]]:
    """Return per office: finished stays it ended and their median length in days (longest first)."""
    lengths: dict[str, list[float]] = defaultdict(list)
    for s in stays(log):
        if s.end is not None and s.office:
            lengths[s.office].append(s.length(log.now))
    rows = [(office, len(v), percentile(v, 50)) for office, v in lengths.items()]
    return sorted(rows, key=lambda r: (-(r[2] or 0), r[0]))


def case_days_by_office(log: Log) -> list[tuple[str, float]]:
    """Return per office the case-days cases spent waiting for it (finished and running stays), largest first.

    Over a whole run this says where the queue was, even after it has drained.
    """
    total: dict[str, dt.timedelta] = defaultdict(dt.timedelta)
    for s in stays(log):
        if s.office:
            total[s.office] += (s.end or log.now) - s.start
    return sorted(((o, days(v)) for o, v in total.items()), key=lambda kv: (-kv[1], kv[0]))


# --- Flow over time ----------------------------------------------------------------------------


def start_of(log: Log) -> dt.datetime:
    """Return when the log starts: the first filing (or the clock when nothing is filed)."""
    return min((c.filed_at for c in log.cases), default=log.now)


@dataclass(frozen=True)
class WeekFlow:
    start: dt.datetime
    filed: int
    closed: int


def throughput_by_week(log: Log) -> list[WeekFlow]:
    """Return filings and closings per simulated week, weeks counted from the first filing."""
    start = start_of(log)
    n_weeks = max(1, math.floor((log.now - start) / WEEK) + 1)
    filed, closed = Counter(), Counter()
    for c in log.cases:
        filed[min(n_weeks - 1, (c.filed_at - start) // WEEK)] += 1
        if c.closed_at is not None:
            closed[min(n_weeks - 1, (c.closed_at - start) // WEEK)] += 1
    return [WeekFlow(start + i * WEEK, filed[i], closed[i]) for i in range(n_weeks)]


def mean_weekly_throughput(log: Log) -> float:
    """Return closings per simulated week over the whole log."""
    weeks = throughput_by_week(log)
    return sum(w.closed for w in weeks) / len(weeks) if weeks else 0.0


@dataclass
class CumulativeFlow:
    """Cases in each band at each sample time; bands stack from closed outcomes up to the open states."""

    times: list[dt.datetime]
    bands: list[str]
    counts: dict[str, list[int]] = field(default_factory=dict)

    def total(self, i: int) -> int:
        return sum(self.counts[b][i] for b in self.bands)


def cumulative_flow(log: Log, points: int = 40, max_open_bands: int = 8) -> CumulativeFlow:
    """Return the cumulative-flow series: per sample time, closed cases by outcome and open cases by state.

    The top of the stack is the cumulative number of cases filed. Open states beyond the
    ``max_open_bands`` busiest are summed into "other open".
    """
    start = start_of(log)
    span = max(log.now - start, DAY)
    times = [start + span * i / (points - 1) for i in range(points)] if points > 1 else [log.now]
    all_stays = stays(log)
    closing = {c.id: (c.closed_at, classify(c.kind, c.state)) for c in log.cases if c.closed_at is not None}
    open_counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(times))
    closed_counts: dict[str, list[int]] = {o: [0] * len(times) for o in OUTCOMES}
    for i, t in enumerate(times):
        for s in all_stays:
            if s.start <= t and (s.end is None or s.end > t) and not _closed_by(closing.get(s.case_id), t):
                open_counts[f"{s.kind}: {s.state}"][i] += 1
        for closed_at, outcome in closing.values():
            if closed_at <= t:
                closed_counts[outcome][i] += 1
    first = {b: (next(i for i, n in enumerate(series) if n), b) for b, series in open_counts.items()}
    busiest = sorted(sorted(open_counts, key=lambda b: first[b]), key=lambda b: -max(open_counts[b]))
    kept, rest = busiest[:max_open_bands], busiest[max_open_bands:]
    counts: dict[str, list[int]] = {o: closed_counts[o] for o in OUTCOMES}
    for b in kept:
        counts[b] = open_counts[b]
    if rest:
        counts["other open"] = [sum(open_counts[b][i] for b in rest) for i in range(len(times))]
    return CumulativeFlow(times=times, bands=list(counts), counts=counts)


def _closed_by(closing: tuple[dt.datetime, str] | None, t: dt.datetime) -> bool:
    return closing is not None and closing[0] <= t


# --- Outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcomes:
    closed: int
    counts: dict[str, int]

    def rate(self, outcome: str) -> float | None:
        return self.counts.get(outcome, 0) / self.closed if self.closed else None


def outcomes(log: Log, kind: str | None = None) -> Outcomes:
    """Return closed cases by how they ended (approved / refused / withdrawn), via the outcome registry."""
    counts = Counter({o: 0 for o in OUTCOMES})
    closed = 0
    for c in log.cases:
        if c.closed_at is not None and (kind is None or c.kind == kind):
            counts[classify(c.kind, c.state)] += 1
            closed += 1
    return Outcomes(closed, dict(counts))


def oldest_waiting(log: Log, limit: int = 10) -> list[tuple[CaseRow, float]]:
    """Return the open cases that have waited longest in their current state, with the wait in days."""
    rows = sorted(open_cases(log), key=lambda c: (c.state_since, c.id))[:limit]
    return [(c, days(log.now - c.state_since)) for c in rows]


# --- Funnel ------------------------------------------------------------------------------------


def reached_states(log: Log) -> dict[int, set[str]]:
    """Return, per case, every state it has been in."""
    out: dict[int, set[str]] = defaultdict(set)
    for e in log.events:
        if e.target_state:
            out[e.case_id].add(e.target_state)
    for c in log.cases:
        out[c.id].add(c.state)
    return out


def funnel(log: Log, kind: str) -> list[tuple[str, int]]:
    """Return the funnel of one procedure: each stage's label and how many cases reached it."""
    reached = reached_states(log)
    cases = [c for c in log.cases if c.kind == kind]
    out = []
    for stage in funnel_stages(kind):
        if stage.filed:
            n = len(cases)
        elif stage.outcome:
            n = sum(1 for c in cases if c.closed_at is not None and classify(kind, c.state) == stage.outcome)
        else:
            n = sum(1 for c in cases if reached[c.id] & stage.states)
        out.append((stage.label, n))
    return out


def kinds(log: Log) -> list[str]:
    """Return the procedure kinds in the log, most cases first."""
    return [k for k, _n in sorted(Counter(c.kind for c in log.cases).items(), key=lambda kv: (-kv[1], kv[0]))]


# --- Little's law ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Little:
    """L = lambda * W over the window from the first filing to now."""

    window_days: float
    arrivals: int
    L: float  # time-average number of cases in the system
    lam: float  # arrivals per simulated day
    W: float  # mean days in the system (open cases counted up to now)

    def sentence(self) -> str:
        return (
            f"L = λ × W: on average {self.L:.1f} cases were in the system = "  # noqa: RUF001
            f"{self.lam:.2f} new cases a day × {self.W:.1f} days each "  # noqa: RUF001
            f"({self.arrivals} cases over {self.window_days:.0f} simulated days)."
        )


def littles_law(log: Log) -> Little:
    """Return Little's law with the log's own numbers.

    L is measured independently, as the time average of the open-case count over the window, so the
    identity L = λW is a check on the log, not an assumption.
    """
    start = start_of(log)
    window = days(log.now - start)
    arrivals = len(log.cases)
    in_system = [(c.closed_at or log.now) - c.filed_at for c in log.cases]
    if window <= 0 or arrivals == 0:
        return Little(window, arrivals, 0.0, 0.0, 0.0)
    # Time-average WIP: integrate the step function of open cases between consecutive changes.
    changes: list[tuple[dt.datetime, int]] = [(c.filed_at, 1) for c in log.cases]
    changes += [(c.closed_at, -1) for c in log.cases if c.closed_at is not None and c.closed_at <= log.now]
    changes.sort(key=lambda x: x[0])
    area, level, last = dt.timedelta(0), 0, start
    for t, delta in changes:
        area += level * (t - last)
        level, last = level + delta, t
    area += level * (log.now - last)
    return Little(window, arrivals, days(area) / window, arrivals / window,
                  days(sum(in_system, dt.timedelta(0))) / arrivals)


# --- Bottleneck --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bottleneck:
    office: str
    wip: int
    kind: str
    state: str
    state_wip: int
    median_wait: float | None
    rules: tuple[str, ...]


def bottleneck(log: Log) -> Bottleneck | None:
    """Return the office with the largest queue, its busiest state, the median wait there and its rules.

    Rules come from the waiting cases' ``next_rules`` (what governs the step they wait for).
    """
    offices = wip_by_office(log)
    if not offices:
        return None
    office, wip = offices[0]
    here = [c for c in open_cases(log) if (c.next_office or "(no office)") == office]
    (kind, state), state_wip = Counter((c.kind, c.state) for c in here).most_common(1)[0]
    med = {(t.kind, t.state): t.median for t in time_in_step(log)}.get((kind, state))
    rules: list[str] = []
    for c in here:
        if (c.kind, c.state) == (kind, state):
            rules.extend(r for r in c.next_rules.split(",") if r and r not in rules)
    return Bottleneck(office, wip, kind, state, state_wip, med, tuple(rules))


def longest_median_wait(log: Log) -> StepTime | None:
    """Return the state with the longest median finished stay."""
    rows = [t for t in time_in_step(log) if t.median is not None]
    return max(rows, key=lambda t: (t.median, t.done)) if rows else None


def state_counts(log: Log, kind: str) -> dict[str, int]:
    """Return open cases per state of one procedure (for colouring its diagram)."""
    return dict(Counter(c.state for c in open_cases(log) if c.kind == kind))


__all__ = [
    "APPROVED", "REFUSED", "WITHDRAWN", "Bottleneck", "CumulativeFlow", "Little", "Outcomes", "Stay", "StepTime",
    "WeekFlow", "bottleneck", "cumulative_flow", "funnel", "littles_law", "oldest_waiting", "outcomes",
    "percentile", "stays", "throughput_by_week", "time_in_step", "wait_by_office", "wip_by_office", "wip_by_state",
]
