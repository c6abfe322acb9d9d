"""Queue metrics over an event log: pure functions of a :class:`cases.analytics.log.Log`.

Times are simulated: durations are in simulated days. A *stay* is the time a case spends in one
state, from the event that brought it there to the event that moved it on. The office of a finished
stay is the office that acted to end it; the office of a running stay is the case's next office.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from cases.analytics.log import CaseRow, EventRow, Log
from cases.analytics.outcomes import APPROVED, OUTCOMES, REFUSED, WITHDRAWN, classify, funnel_stages

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)

T = TypeVar("T")


def _memo(log: Log, key: str, build: Callable[[], T]) -> T:
    """Return what ``build`` derives from ``log``, derived once per log (a dashboard asks many times)."""
    if key not in log.memo:
        log.memo[key] = build()
    found: Any = log.memo[key]
    return found


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
    """Rebuild every case's stays from its events (events without a target state change nothing).

    Built once per log; callers read the list and never change it.
    """
    return _memo(log, "stays", lambda: _stays(log))


def applied_rules(log: Log) -> list[str]:
    """Return the rule IDs the log's events cite (what the run actually applied), most cited first."""
    stays(log)  # counted in the same pass over the events
    applied: Counter[str] = log.memo["applied_rules"]
    return [r for r, _n in sorted(applied.items(), key=lambda kv: (-kv[1], kv[0]))]


def _stays(log: Log) -> list[Stay]:
    by_case: dict[int, list[EventRow]] = defaultdict(list)
    cited: Counter[str] = Counter()  # the events' rule lists as written: few distinct ones, split once each
    for e in log.events:
        by_case[e.case_id].append(e)
        cited[e.rules] += 1
    applied: Counter[str] = Counter()
    for text, n in cited.items():
        for r in text.split(","):
            if r:
                applied[r] += n
    log.memo["applied_rules"] = applied
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
    return _memo(log, "open_cases", lambda: [c for c in log.cases if c.is_open])


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
    """Time in one state: the stays that ended there and the cases still there, shown apart.

    ``median``/``p90`` read only finished stays; ``waiting_median``/``oldest_wait`` the ages so far of
    the cases there now; ``median_all`` both together, a waiting case counted at its age so far (a
    lower bound on its stay): a step nobody has got through but four cases have waited a year at has a
    ``median_all`` of a year, not "no data".
    """

    kind: str
    state: str
    done: int  # finished stays
    median: float | None
    p90: float | None
    waiting: int  # cases there now
    oldest_wait: float | None  # the longest running stay, days
    waiting_median: float | None = None  # median age so far of the cases there now
    waiting_days: float = 0.0  # case-days the cases there now have waited so far
    median_all: float | None = None  # finished stays and running ones at their age so far

    @property
    def total(self) -> int:
        return self.done + self.waiting


@dataclass(frozen=True)
class OfficeWait:
    """Per office: the stays it ended (finished) and the cases waiting for it now, shown apart."""

    office: str
    done: int
    median: float | None
    waiting: int
    waiting_median: float | None
    oldest_wait: float | None
    median_all: float | None


@dataclass
class _Lengths:
    finished: list[float] = field(default_factory=list)
    running: list[float] = field(default_factory=list)


@dataclass
class StaySummary:
    """Stay lengths grouped by step, by office and by (office, step), from one pass over the stays."""

    by_step: dict[tuple[str, str], _Lengths] = field(default_factory=lambda: defaultdict(_Lengths))
    by_office: dict[str, _Lengths] = field(default_factory=lambda: defaultdict(_Lengths))
    # Running stays only: the ages of the cases waiting for an office at a step ("(no office)" included).
    waiting_at: dict[tuple[str, str, str], list[float]] = field(default_factory=lambda: defaultdict(list))


def stay_summary(log: Log) -> StaySummary:
    """Return the stays' lengths grouped once per log (time in step, waits per office, the bottleneck)."""
    return _memo(log, "stay_summary", lambda: _stay_summary(log))


def _stay_summary(log: Log) -> StaySummary:
    out = StaySummary()
    for s in stays(log):
        length = s.length(log.now)
        finished = s.end is not None
        step = out.by_step[(s.kind, s.state)]
        (step.finished if finished else step.running).append(length)
        if s.office:
            office = out.by_office[s.office]
            (office.finished if finished else office.running).append(length)
        if not finished:
            out.waiting_at[(s.office or "(no office)", s.kind, s.state)].append(length)
    return out


def time_in_step(log: Log) -> list[StepTime]:
    """Return per state the finished stays (count, median, 90th percentile) and the cases still waiting there
    (count, median age so far, oldest), and the median of both together.

    Closing states are left out: a closed case does not wait.
    """
    return _memo(log, "time_in_step", lambda: _time_in_step(log))


def _time_in_step(log: Log) -> list[StepTime]:
    by_step = stay_summary(log).by_step
    rows = []
    for (k, st) in sorted(by_step):
        done, running = by_step[(k, st)].finished, by_step[(k, st)].running
        rows.append(StepTime(
            kind=k, state=st, done=len(done), median=percentile(done, 50), p90=percentile(done, 90),
            waiting=len(running), oldest_wait=max(running) if running else None,
            waiting_median=percentile(running, 50), waiting_days=sum(running),
            median_all=percentile(done + running, 50),
        ))
    return rows


def wait_by_office(log: Log) -> list[OfficeWait]:
    """Return per office the stays it ended and the cases waiting for it now, longest median (both together) first."""
    rows = []
    for office, lengths in stay_summary(log).by_office.items():
        done, running = lengths.finished, lengths.running
        rows.append(OfficeWait(
            office=office, done=len(done), median=percentile(done, 50), waiting=len(running),
            waiting_median=percentile(running, 50), oldest_wait=max(running) if running else None,
            median_all=percentile(done + running, 50),
        ))
    return sorted(rows, key=lambda r: (-(r.median_all or 0), r.office))


def case_days_by_office(log: Log) -> list[tuple[str, float]]:
    """Return per office the case-days cases spent waiting for it (finished and running stays), largest first.

    Over a whole run this says where the queue was, even after it has drained.
    """
    total: dict[str, float] = defaultdict(float)
    for s in stays(log):
        if s.office:
            total[s.office] += s.length(log.now)
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))


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
    closing = {c.id: (c.closed_at, classify(c.kind, c.state)) for c in log.cases if c.closed_at is not None}
    # A stay counts at time t when start <= t < end and its case is not closed by t: the interval
    # [start, min(end, closed_at)). Count intervals per band at each sample time by bisecting sorted ends.
    starts: dict[str, list[dt.datetime]] = defaultdict(list)
    ends: dict[str, list[dt.datetime]] = defaultdict(list)
    members: dict[str, list[tuple[int, Stay, dt.datetime | None]]] = defaultdict(list)
    for pos, s in enumerate(stays(log)):
        closed_at = closing[s.case_id][0] if s.case_id in closing else None
        stop = s.end if closed_at is None else closed_at if s.end is None else min(s.end, closed_at)
        if stop is not None and stop <= s.start:
            continue  # never counted at any time
        band = f"{s.kind}: {s.state}"
        starts[band].append(s.start)
        members[band].append((pos, s, stop))
        if stop is not None:
            ends[band].append(stop)
    open_counts: dict[str, list[int]] = {}
    first_seen: dict[str, tuple[int, int]] = {}
    for band in starts:
        band_starts, band_ends = sorted(starts[band]), sorted(ends[band])
        series = [bisect_right(band_starts, t) - bisect_right(band_ends, t) for t in times]
        first = next((i for i, n in enumerate(series) if n), None)
        if first is None:
            continue
        t = times[first]
        pos = min(p for p, s, stop in members[band] if s.start <= t and (stop is None or stop > t))
        open_counts[band] = series
        first_seen[band] = (first, pos)
    # The bands in the order a scan of every stay at every sample time first meets them (ties keep it).
    open_counts = {b: open_counts[b] for b in sorted(open_counts, key=lambda b: first_seen[b])}
    closed_counts: dict[str, list[int]] = {o: [0] * len(times) for o in OUTCOMES}
    closed_at_by_outcome: dict[str, list[dt.datetime]] = defaultdict(list)
    for closed_at, outcome in closing.values():
        closed_at_by_outcome[outcome].append(closed_at)
    for outcome, moments in closed_at_by_outcome.items():
        moments.sort()
        closed_counts[outcome] = [bisect_right(moments, t) for t in times]
    busiest = sorted(open_counts, key=lambda b: -max(open_counts[b]))
    kept, rest = busiest[:max_open_bands], busiest[max_open_bands:]
    counts: dict[str, list[int]] = {o: closed_counts[o] for o in OUTCOMES}
    for b in kept:
        counts[b] = open_counts[b]
    if rest:
        counts["other open"] = [sum(open_counts[b][i] for b in rest) for i in range(len(times))]
    return CumulativeFlow(times=times, bands=list(counts), counts=counts)


# --- Outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcomes:
    closed: int
    counts: dict[str, int]

    def rate(self, outcome: str) -> float | None:
        return self.counts.get(outcome, 0) / self.closed if self.closed else None


def outcomes(log: Log, kind: str | None = None) -> Outcomes:
    """Return closed cases by how they ended (approved / refused / withdrawn), via the outcome registry."""
    return _memo(log, f"outcomes:{kind}", lambda: _outcomes(log, kind))


def _outcomes(log: Log, kind: str | None) -> Outcomes:
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
    """Return, per case, every state it has been in (built once per log)."""
    return _memo(log, "reached_states", lambda: _reached_states(log))


def _reached_states(log: Log) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for e in log.events:
        if e.target_state:
            out[e.case_id].add(e.target_state)
    for c in log.cases:
        out[c.id].add(c.state)
    return out


def funnel(log: Log, kind: str) -> list[tuple[str, int]]:
    """Return the funnel of one procedure: each stage's label and how many cases reached it (once per log)."""
    return _memo(log, f"funnel:{kind}", lambda: _funnel(log, kind))


def _funnel(log: Log, kind: str) -> list[tuple[str, int]]:
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
    return [k for k, _n in Counter(c.kind for c in log.cases).most_common()]


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
    return _memo(log, "littles_law", lambda: _littles_law(log))


def _littles_law(log: Log) -> Little:
    start = start_of(log)
    window = days(log.now - start)
    arrivals = len(log.cases)
    in_system = [days((c.closed_at or log.now) - c.filed_at) for c in log.cases]
    if window <= 0 or arrivals == 0:
        return Little(window, arrivals, 0.0, 0.0, 0.0)
    # Time-average WIP: integrate the step function of open cases between consecutive changes.
    changes: list[tuple[dt.datetime, int]] = [(c.filed_at, 1) for c in log.cases]
    changes += [(c.closed_at, -1) for c in log.cases if c.closed_at is not None and c.closed_at <= log.now]
    changes.sort(key=lambda x: x[0])
    area, level, last = 0.0, 0, start
    for t, delta in changes:
        area += level * days(t - last)
        level, last = level + delta, t
    area += level * days(log.now - last)
    return Little(window, arrivals, area / window, arrivals / window, sum(in_system) / arrivals)


# --- Bottleneck --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bottleneck:
    """Where cases are stuck: the office whose waiting cases have waited longest in all, and its worst step."""

    office: str
    wip: int  # open cases waiting for the office
    kind: str
    state: str
    state_wip: int  # of them, at this step
    median_wait: float | None  # finished stays of this step (None: nobody has got through yet)
    rules: tuple[str, ...]
    done: int = 0  # finished stays of this step
    waiting_median: float | None = None  # median age so far of the ``state_wip`` cases
    oldest_wait: float | None = None
    waiting_days: float = 0.0  # case-days the office's waiting cases have waited so far


def bottleneck(log: Log) -> Bottleneck | None:
    """Return the office whose open cases have waited the most case-days so far, its step with the most
    case-days, the waits there (finished and still waiting apart) and its rules.

    Counting case-days rather than cases makes four cases stuck for a year outweigh five filed yesterday.
    Rules come from the waiting cases' ``next_rules`` (what governs the step they wait for).
    """
    return _memo(log, "bottleneck", lambda: _bottleneck(log))


def _bottleneck(log: Log) -> Bottleneck | None:
    offices = wip_by_office(log)
    if not offices:
        return None
    waiting_at = stay_summary(log).waiting_at
    held: dict[str, float] = defaultdict(float)
    for (office_name, _k, _s), ages in waiting_at.items():
        held[office_name] += sum(ages)
    wip = dict(offices)
    office = min(wip, key=lambda o: (-held.get(o, 0.0), -wip[o], o))
    here = [c for c in open_cases(log) if (c.next_office or "(no office)") == office]
    counts = Counter((c.kind, c.state) for c in here)
    kind, state = min(counts, key=lambda ks: (-sum(waiting_at.get((office, *ks), [])), -counts[ks], ks))
    ages = waiting_at.get((office, kind, state), [])
    step = next((t for t in time_in_step(log) if (t.kind, t.state) == (kind, state)), None)
    rules: list[str] = []
    for c in here:
        if (c.kind, c.state) == (kind, state):
            rules.extend(r for r in c.next_rules.split(",") if r and r not in rules)
    return Bottleneck(
        office, wip[office], kind, state, counts[(kind, state)], step.median if step else None, tuple(rules),
        done=step.done if step else 0, waiting_median=percentile(ages, 50), oldest_wait=max(ages) if ages else None,
        waiting_days=held.get(office, 0.0),
    )


def longest_median_wait(log: Log) -> StepTime | None:
    """Return the state with the longest median time in step, the cases still there counted at their age so far."""
    return _memo(log, "longest_median_wait", lambda: _longest_median_wait(log))


def _longest_median_wait(log: Log) -> StepTime | None:
    rows = [t for t in time_in_step(log) if t.median_all is not None]
    return max(rows, key=lambda t: (t.median_all, t.total)) if rows else None


def state_counts(log: Log, kind: str) -> dict[str, int]:
    """Return open cases per state of one procedure (for colouring its diagram)."""
    return dict(Counter(c.state for c in open_cases(log) if c.kind == kind))


__all__ = [
    "APPROVED",
    "REFUSED",
    "WITHDRAWN",
    "Bottleneck",
    "CumulativeFlow",
    "Little",
    "OfficeWait",
    "Outcomes",
    "Stay",
    "StaySummary",
    "StepTime",
    "WeekFlow",
    "applied_rules",
    "bottleneck",
    "cumulative_flow",
    "funnel",
    "littles_law",
    "oldest_waiting",
    "outcomes",
    "percentile",
    "stay_summary",
    "stays",
    "throughput_by_week",
    "time_in_step",
    "wait_by_office",
    "wip_by_office",
    "wip_by_state",
]
