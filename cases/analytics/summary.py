"""Every queue metric the pages show, kept up to date one case at a time.

A :class:`LogSummary` holds, per case, what the case adds to the figures (its row, its stays, the states
it reached, the rules its events cite) and the figures' running totals: counts per state, office and
outcome, and the stay lengths per step and per office in sorted multisets. Replacing a case
(:meth:`LogSummary.put_case`) takes its old share out and puts the new one in, so after any number of
replacements the summary is the one :meth:`LogSummary.from_log` builds from the whole log, and each
figure is read from the totals in time that does not grow with the log (percentiles by order statistic
in the sorted multisets, weeks and cumulative flow by bisection).

Times are kept as integer microseconds, so sums of durations are exact and do not depend on the order
cases arrive in; a duration in days is ``microseconds / 10**6 / 86400``, the same float as
``timedelta.total_seconds() / 86400``. The running stays are kept by their start, their lengths being
``now - start`` at whatever ``now`` the figures are read at.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sortedcontainers import SortedList

from cases.analytics.log import CaseRow, EventRow, Log
from cases.analytics.outcomes import OUTCOMES, FunnelStage, classify, funnel_stages
from cases.analytics.results import (
    Bottleneck,
    CumulativeFlow,
    Little,
    OfficeWait,
    Outcomes,
    StepTime,
    WeekFlow,
)
from cases.analytics.stays import DAY, WEEK, Stay, case_stays, percentile_position

NO_OFFICE = "(no office)"
_US = dt.timedelta(microseconds=1)
_EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


def to_us(t: dt.datetime) -> int:
    return (t - _EPOCH) // _US


def from_us(us: int) -> dt.datetime:
    return _EPOCH + us * _US


def us_days(us: int) -> float:
    """Return a duration of ``us`` microseconds in days (the same float as ``days(timedelta)``)."""
    return us / 10**6 / 86400


class _Values:
    """A sorted multiset of durations (microseconds), read as order statistics."""

    def __init__(self, items: SortedList, ages_at: int | None = None) -> None:
        # ``ages_at``: the items are stay starts and the values their ages at that time (now - start).
        self.items, self.ages_at = items, ages_at

    def __len__(self) -> int:
        return len(self.items)

    def kth(self, k: int) -> int:
        if self.ages_at is None:
            return int(self.items[k])
        return self.ages_at - int(self.items[len(self.items) - 1 - k])

    def count_le(self, value: int) -> int:
        if self.ages_at is None:
            return int(self.items.bisect_right(value))
        return len(self.items) - int(self.items.bisect_left(self.ages_at - value))


def _kth(parts: list[_Values], k: int) -> int:
    """Return the ``k``-th smallest (0-based) value of the parts together."""
    parts = [p for p in parts if len(p)]
    if len(parts) == 1:
        return parts[0].kth(k)
    lo = min(p.kth(0) for p in parts)
    hi = max(p.kth(len(p) - 1) for p in parts)
    while lo < hi:  # the smallest value with more than k values at or below it
        mid = (lo + hi) // 2
        if sum(p.count_le(mid) for p in parts) > k:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _percentile(parts: list[_Values], q: float) -> float | None:
    n = sum(len(p) for p in parts)
    if not n:
        return None
    lo, hi, frac = percentile_position(n, q)
    a = us_days(_kth(parts, lo))
    b = a if hi == lo else us_days(_kth(parts, hi))
    return a + (b - a) * frac


class _Stays:
    """The stays of one group (a step, an office, an office at a step): finished lengths, running starts."""

    __slots__ = ("finished", "finished_sum", "running", "running_sum")

    def __init__(self) -> None:
        self.finished: SortedList | list[int] = []
        self.running: SortedList | list[int] = []
        self.finished_sum = 0
        self.running_sum = 0

    def add(self, length: int | None, start: int, sign: int) -> None:
        if length is None:
            _change(self.running, start, sign)
            self.running_sum += sign * start
        else:
            _change(self.finished, length, sign)
            self.finished_sum += sign * length

    def seal(self) -> None:
        self.finished, self.running = SortedList(self.finished), SortedList(self.running)

    def __bool__(self) -> bool:
        return bool(self.finished) or bool(self.running)

    def done(self) -> _Values:
        return _Values(self.finished)  # type: ignore[arg-type]

    def ages(self, now: int) -> _Values:
        return _Values(self.running, now)  # type: ignore[arg-type]

    def waited(self, now: int) -> int:
        """Return the microseconds the running stays have lasted so far, together."""
        return len(self.running) * now - self.running_sum

    def oldest(self, now: int) -> float | None:
        return us_days(now - int(self.running[0])) if self.running else None


def _change(items: SortedList | list[int], value: int, sign: int) -> None:
    if sign > 0:
        items.add(value) if isinstance(items, SortedList) else items.append(value)
    else:
        items.remove(value)


def _count(counter: dict, key: object, sign: int) -> None:
    n = counter.get(key, 0) + sign
    if n:
        counter[key] = n
    else:
        counter.pop(key, None)


@dataclass(frozen=True, slots=True)
class CaseShare:
    """What one case adds to the figures."""

    row: CaseRow
    stays: tuple[Stay, ...]
    reached: frozenset[str]
    cited: tuple[str, ...]  # its events' rule lists, as written


def case_share(row: CaseRow, events: Iterable[EventRow]) -> CaseShare:
    """Return a case's share from its row and its events (in time order)."""
    events = list(events)
    reached = {e.target_state for e in events if e.target_state}
    reached.add(row.state)
    return CaseShare(row, tuple(case_stays(row.id, events, row)), frozenset(reached),
                     tuple(e.rules for e in events))


@dataclass
class LogSummary:
    """An exercise's figures, case by case (see the module's docstring)."""

    now: dt.datetime
    exercise_name: str = ""
    exercise_id: int | None = None
    regime: str = ""
    shares: dict[int, CaseShare] = field(default_factory=dict)
    # True while a first build appends to plain lists (sorted once by ``_seal``, at the end of ``put_cases``).
    building: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        self.by_kind: dict[str, int] = {}
        self.filed: SortedList | list[int] = []
        self.filed_sum = 0
        self.closed: SortedList | list[int] = []
        self.closed_sum = 0
        self.closed_by_outcome: dict[str, SortedList | list[int]] = defaultdict(list)
        self.outcomes_by_kind: dict[tuple[str, str], int] = {}
        self.open_by_state: dict[tuple[str, str], int] = {}
        self.open_by_office: dict[str, int] = {}
        self.open_at: dict[tuple[str, str, str], int] = {}  # (office or NO_OFFICE, kind, state)
        self.rules_at: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
        self.waiting_since: SortedList | list[tuple[int, int]] = []
        self.waiting_since_at: dict[str, SortedList | list[tuple[int, int]]] = defaultdict(list)  # per office
        self.funnel_hits: dict[tuple[str, int], int] = {}
        self.cited: dict[str, int] = {}
        self.by_step: dict[tuple[str, str], _Stays] = defaultdict(_Stays)
        self.by_office: dict[str, _Stays] = defaultdict(_Stays)
        self.waiting_at: dict[tuple[str, str, str], _Stays] = defaultdict(_Stays)
        self.band_starts: dict[str, SortedList | list[int]] = defaultdict(list)
        self.band_stops: dict[str, SortedList | list[int]] = defaultdict(list)
        self._stages: dict[str, tuple[FunnelStage, ...]] = {}
        self._sealed = False
        if not self.building:
            self._seal()

    # --- Building ---------------------------------------------------------------------------------

    @classmethod
    def from_log(cls, log: Log) -> LogSummary:
        """Return the summary of a whole log."""
        out = cls(now=log.now, exercise_name=log.exercise_name, exercise_id=log.exercise_id, regime=log.regime,
                  building=True)
        by_case: dict[int, list[EventRow]] = defaultdict(list)
        for e in log.events:  # sorted by (sim_time, id)
            by_case[e.case_id].append(e)
        out.put_cases(case_share(row, by_case.get(row.id, ())) for row in log.cases)
        return out

    def put_cases(self, shares: Iterable[CaseShare]) -> None:
        """Put these cases' shares in, each replacing what the summary held for that case."""
        for share in shares:
            old = self.shares.pop(share.row.id, None)
            if old is not None:
                self._apply(old, -1)
            self.shares[share.row.id] = share
            self._apply(share, 1)
        self._seal()

    def drop_case(self, case_id: int) -> None:
        old = self.shares.pop(case_id, None)
        if old is not None:
            self._seal()
            self._apply(old, -1)

    def _seal(self) -> None:
        """Turn the lists a first build appended to into sorted multisets (one sort each, not one insert each)."""
        if self._sealed:
            return
        self._sealed, self.building = True, False
        self.filed, self.closed = SortedList(self.filed), SortedList(self.closed)
        self.waiting_since = SortedList(self.waiting_since)
        for d in (self.closed_by_outcome, self.band_starts, self.band_stops, self.waiting_since_at):
            for k in d:
                d[k] = SortedList(d[k])
        for groups in (self.by_step, self.by_office, self.waiting_at):
            for g in groups.values():
                g.seal()
        sealed = SortedList
        self.closed_by_outcome.default_factory = sealed
        self.band_starts.default_factory = sealed
        self.band_stops.default_factory = sealed
        self.waiting_since_at.default_factory = sealed

    def _group(self, groups: dict, key: object) -> _Stays:
        g = groups.get(key)
        if g is None:
            g = groups[key] = _Stays()
            if self._sealed:
                g.seal()
        return g  # type: ignore[no-any-return]

    def _stages_of(self, kind: str) -> tuple[FunnelStage, ...]:
        if kind not in self._stages:
            self._stages[kind] = funnel_stages(kind)
        return self._stages[kind]

    def _apply(self, share: CaseShare, sign: int) -> None:
        c = share.row
        _count(self.by_kind, c.kind, sign)
        filed = to_us(c.filed_at)
        _change(self.filed, filed, sign)
        self.filed_sum += sign * filed
        closed = to_us(c.closed_at) if c.closed_at is not None else None
        if closed is not None:
            outcome = classify(c.kind, c.state)
            _change(self.closed, closed, sign)
            self.closed_sum += sign * closed
            _change(self.closed_by_outcome[outcome], closed, sign)
            _count(self.outcomes_by_kind, (c.kind, outcome), sign)
        else:
            office = c.next_office or NO_OFFICE
            _count(self.open_by_state, (c.kind, c.state), sign)
            _count(self.open_by_office, office, sign)
            _count(self.open_at, (office, c.kind, c.state), sign)
            _count(self.rules_at[(office, c.kind, c.state)], c.next_rules, sign)
            if not self.rules_at[(office, c.kind, c.state)]:
                del self.rules_at[(office, c.kind, c.state)]
            _change(self.waiting_since, (to_us(c.state_since), c.id), sign)
            _change(self.waiting_since_at[office], (to_us(c.state_since), c.id), sign)
            if not self.waiting_since_at[office]:
                del self.waiting_since_at[office]
        for i, stage in enumerate(self._stages_of(c.kind)):
            if not stage.filed and not stage.outcome and share.reached & stage.states:
                _count(self.funnel_hits, (c.kind, i), sign)
        for text in share.cited:
            _count(self.cited, text, sign)
        for s in share.stays:
            start = to_us(s.start)
            end = to_us(s.end) if s.end is not None else None
            length = None if end is None else end - start
            for groups, key in ((self.by_step, (s.kind, s.state)), (self.by_office, s.office),
                                (self.waiting_at, (s.office or NO_OFFICE, s.kind, s.state))):
                if (groups is self.by_office and not s.office) or (groups is self.waiting_at and end is not None):
                    continue
                g = self._group(groups, key)
                g.add(length, start, sign)
                if not g:
                    del groups[key]
            # The cumulative flow counts a stay over [start, min(end, closed_at)).
            stop = end if closed is None else closed if end is None else min(end, closed)
            if stop is None or stop > start:
                band = f"{s.kind}: {s.state}"
                _change(self.band_starts[band], start, sign)
                if stop is not None:
                    _change(self.band_stops[band], stop, sign)
                if not self.band_starts[band]:
                    del self.band_starts[band]
                    self.band_stops.pop(band, None)

    # --- Reading ---------------------------------------------------------------------------------

    @property
    def now_us(self) -> int:
        return to_us(self.now)

    def filed_count(self) -> int:
        return len(self.shares)

    def open_count(self) -> int:
        return sum(self.open_by_state.values())

    def open_cases(self) -> list[CaseRow]:
        return [s.row for s in self.shares.values() if s.row.is_open]

    def kinds(self) -> list[str]:
        """Return the procedure kinds, most cases first (then by name)."""
        return [k for k, _n in sorted(self.by_kind.items(), key=lambda kv: (-kv[1], kv[0]))]

    def start_of(self) -> dt.datetime:
        """Return when the log starts: the first filing (or the clock when nothing is filed)."""
        return from_us(int(self.filed[0])) if self.filed else self.now

    def wip_by_office(self) -> list[tuple[str, int]]:
        return sorted(self.open_by_office.items(), key=lambda kv: (-kv[1], kv[0]))

    def office_waits(self) -> dict[str, tuple[int, dt.datetime]]:
        """Return per office (by name) the open cases waiting for it and since when the oldest has waited."""
        return {o: (len(w), from_us(int(w[0][0]))) for o, w in self.waiting_since_at.items() if o != NO_OFFICE}

    def wip_by_state(self) -> list[tuple[str, str, int]]:
        return sorted(((k, s, n) for (k, s), n in self.open_by_state.items()), key=lambda r: (-r[2], r[0], r[1]))

    def state_counts(self, kind: str) -> dict[str, int]:
        return {s: n for (k, s), n in self.open_by_state.items() if k == kind}

    def outcomes(self, kind: str | None = None) -> Outcomes:
        counts = {o: 0 for o in OUTCOMES}
        for (k, o), n in self.outcomes_by_kind.items():
            if kind is None or k == kind:
                counts[o] = counts.get(o, 0) + n
        return Outcomes(sum(counts.values()), counts)

    def applied_rules(self) -> list[str]:
        applied: Counter[str] = Counter()
        for text, n in self.cited.items():
            for r in text.split(","):
                if r:
                    applied[r] += n
        return [r for r, _n in sorted(applied.items(), key=lambda kv: (-kv[1], kv[0]))]

    def time_in_step(self) -> list[StepTime]:
        now = self.now_us
        rows = []
        for key in sorted(self.by_step):
            g = self.by_step[key]
            done, ages = g.done(), g.ages(now)
            rows.append(StepTime(
                kind=key[0], state=key[1], done=len(done), median=_percentile([done], 50),
                p90=_percentile([done], 90), waiting=len(ages), oldest_wait=g.oldest(now),
                waiting_median=_percentile([ages], 50), waiting_days=us_days(g.waited(now)),
                median_all=_percentile([done, ages], 50),
            ))
        return rows

    def wait_by_office(self) -> list[OfficeWait]:
        now = self.now_us
        rows = []
        for office, g in self.by_office.items():
            done, ages = g.done(), g.ages(now)
            rows.append(OfficeWait(
                office=office, done=len(done), median=_percentile([done], 50), waiting=len(ages),
                waiting_median=_percentile([ages], 50), oldest_wait=g.oldest(now),
                median_all=_percentile([done, ages], 50),
            ))
        return sorted(rows, key=lambda r: (-(r.median_all or 0), r.office))

    def case_days_by_office(self) -> list[tuple[str, float]]:
        now = self.now_us
        total = {o: us_days(g.finished_sum + g.waited(now)) for o, g in self.by_office.items()}
        return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))

    def throughput_by_week(self) -> list[WeekFlow]:
        start = self.start_of()
        n_weeks = max(1, math.floor((self.now - start) / WEEK) + 1)
        bounds = [to_us(start + i * WEEK) for i in range(n_weeks)]

        def per_week(items: SortedList) -> list[int]:
            at = [int(items.bisect_left(b)) for b in bounds] + [len(items)]
            return [at[i + 1] - at[i] for i in range(n_weeks)]

        filed, closed = per_week(self.filed), per_week(self.closed)  # type: ignore[arg-type]
        return [WeekFlow(start + i * WEEK, filed[i], closed[i]) for i in range(n_weeks)]

    def mean_weekly_throughput(self) -> float:
        weeks = self.throughput_by_week()
        return sum(w.closed for w in weeks) / len(weeks) if weeks else 0.0

    def cumulative_flow(self, points: int = 40, max_open_bands: int = 8) -> CumulativeFlow:
        """Return per sample time the closed cases by outcome and the open cases by state.

        The open bands come in the order they first hold a case (ties by name); those beyond the
        ``max_open_bands`` busiest are summed into "other open".
        """
        start = self.start_of()
        span = max(self.now - start, DAY)
        times = [start + span * i / (points - 1) for i in range(points)] if points > 1 else [self.now]
        moments = [to_us(t) for t in times]
        open_counts: dict[str, list[int]] = {}
        first_seen: dict[str, tuple[int, str]] = {}
        for band, starts in self.band_starts.items():
            stops = self.band_stops.get(band, ())
            series = [int(starts.bisect_right(t)) - (int(stops.bisect_right(t)) if stops else 0) for t in moments]
            first = next((i for i, n in enumerate(series) if n), None)
            if first is not None:
                open_counts[band] = series
                first_seen[band] = (first, band)
        open_counts = {b: open_counts[b] for b in sorted(open_counts, key=lambda b: first_seen[b])}
        counts: dict[str, list[int]] = {}
        for o in OUTCOMES:
            closed = self.closed_by_outcome.get(o)
            counts[o] = [int(closed.bisect_right(t)) for t in moments] if closed else [0] * len(times)
        busiest = sorted(open_counts, key=lambda b: -max(open_counts[b]))
        kept, rest = busiest[:max_open_bands], busiest[max_open_bands:]
        for b in kept:
            counts[b] = open_counts[b]
        if rest:
            counts["other open"] = [sum(open_counts[b][i] for b in rest) for i in range(len(times))]
        return CumulativeFlow(times=times, bands=list(counts), counts=counts)

    def oldest_waiting(self, limit: int = 10) -> list[tuple[CaseRow, float]]:
        now = self.now_us
        out = []
        for since, case_id in self.waiting_since[:limit]:
            out.append((self.shares[case_id].row, us_days(now - since)))
        return out

    def funnel(self, kind: str) -> list[tuple[str, int]]:
        out = []
        for i, stage in enumerate(self._stages_of(kind)):
            if stage.filed:
                n = self.by_kind.get(kind, 0)
            elif stage.outcome:
                n = self.outcomes_by_kind.get((kind, stage.outcome), 0)
            else:
                n = self.funnel_hits.get((kind, i), 0)
            out.append((stage.label, n))
        return out

    def littles_law(self) -> Little:
        """L = λW over the window from the first filing to now; L measured as the time-average of open cases."""
        start = self.start_of()
        window = (self.now - start).total_seconds() / 86400
        arrivals = len(self.shares)
        if window <= 0 or arrivals == 0:
            return Little(window, arrivals, 0.0, 0.0, 0.0)
        now = self.now_us
        n_closed = len(self.closed)
        # Each case is in the system from its filing to its closing (or to now): W averages that, and L
        # integrates the number in the system over the window, where a closing after now does not count.
        later = list(self.closed.irange(now + 1)) if n_closed and int(self.closed[-1]) > now else []
        in_system = self.closed_sum + (arrivals - n_closed) * now - self.filed_sum
        area = in_system - sum(later) + len(later) * now
        return Little(window, arrivals, us_days(area) / window, arrivals / window, us_days(in_system) / arrivals)

    def bottleneck(self) -> Bottleneck | None:
        """Return the office whose open cases have waited the most case-days so far and its step with the most.

        Rules come from the waiting cases' ``next_rules``, the most common first.
        """
        offices = self.wip_by_office()
        if not offices:
            return None
        now = self.now_us
        held: dict[str, int] = defaultdict(int)
        for (office_name, _k, _s), g in self.waiting_at.items():
            held[office_name] += g.waited(now)
        wip = dict(offices)
        office = min(wip, key=lambda o: (-held.get(o, 0), -wip[o], o))
        counts = {(k, s): n for (o, k, s), n in self.open_at.items() if o == office}

        def waited(ks: tuple[str, str]) -> int:
            g = self.waiting_at.get((office, *ks))
            return g.waited(now) if g else 0

        kind, state = min(counts, key=lambda ks: (-waited(ks), -counts[ks], ks))
        here = self.waiting_at.get((office, kind, state))
        ages = [here.ages(now)] if here else []
        step = next((t for t in self.time_in_step() if (t.kind, t.state) == (kind, state)), None)
        rules: list[str] = []
        cited = self.rules_at.get((office, kind, state), {})
        for text, _n in sorted(cited.items(), key=lambda kv: (-kv[1], kv[0])):
            rules.extend(r for r in text.split(",") if r and r not in rules)
        return Bottleneck(
            office, wip[office], kind, state, counts[(kind, state)], step.median if step else None, tuple(rules),
            done=step.done if step else 0, waiting_median=_percentile(ages, 50),
            oldest_wait=here.oldest(now) if here else None, waiting_days=us_days(held.get(office, 0)),
        )

    def longest_median_wait(self) -> StepTime | None:
        rows = [t for t in self.time_in_step() if t.median_all is not None]
        return max(rows, key=lambda t: (t.median_all, t.total)) if rows else None

