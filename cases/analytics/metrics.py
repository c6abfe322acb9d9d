"""Queue metrics of an exercise: each a function of a :class:`~cases.analytics.log.Log` or a
:class:`~cases.analytics.summary.LogSummary`.

One computation serves both: a whole log (a regime comparison's run, a test's hand-built log) is
summarised once (``LogSummary.from_log``, kept in the log's memo) and every figure is read from the
summary, as the live pages read it from the summary kept up to date case by case
(:mod:`cases.analytics.live`). Times are simulated; durations are in simulated days. A *stay* is the
time a case spends in one state (:mod:`cases.analytics.stays`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from cases.analytics.log import CaseRow, EventRow, Log
from cases.analytics.outcomes import APPROVED, OUTCOMES, REFUSED, WITHDRAWN
from cases.analytics.results import (
    Bottleneck,
    CumulativeFlow,
    Little,
    OfficeWait,
    Outcomes,
    StepTime,
    WeekFlow,
)
from cases.analytics.stays import DAY, WEEK, Stay, case_stays, days, percentile
from cases.analytics.summary import LogSummary

Source = Log | LogSummary


def summary_of(source: Source) -> LogSummary:
    """Return the summary the figures are read from (a log's is built once and kept in its memo)."""
    if isinstance(source, LogSummary):
        return source
    if "summary" not in source.memo:
        source.memo["summary"] = LogSummary.from_log(source)
    found: LogSummary = source.memo["summary"]
    return found


def stays(log: Log) -> list[Stay]:
    """Return every case's stays, cases in the order of their first event (built once per log)."""
    if "stays" not in log.memo:
        by_case: dict[int, list[EventRow]] = defaultdict(list)
        for e in log.events:
            by_case[e.case_id].append(e)
        log.memo["stays"] = [s for case_id, events in by_case.items()
                             for s in case_stays(case_id, events, log.by_id.get(case_id))]
    found: list[Stay] = log.memo["stays"]
    return found


def applied_rules(source: Source) -> list[str]:
    """Return the rule IDs the events cite (what the run actually applied), most cited first."""
    return summary_of(source).applied_rules()


# --- Counts ------------------------------------------------------------------------------------


def filed_count(source: Source) -> int:
    return summary_of(source).filed_count()


def open_count(source: Source) -> int:
    return summary_of(source).open_count()


def open_cases(source: Source) -> list[CaseRow]:
    return summary_of(source).open_cases()


def kinds(source: Source) -> list[str]:
    """Return the procedure kinds, most cases first (ties by name)."""
    return summary_of(source).kinds()


def wip_by_office(source: Source) -> list[tuple[str, int]]:
    """Return open cases per office that must act next, largest queue first."""
    return summary_of(source).wip_by_office()


def wip_by_state(source: Source) -> list[tuple[str, str, int]]:
    """Return open cases per (procedure kind, state), largest first."""
    return summary_of(source).wip_by_state()


def state_counts(source: Source, kind: str) -> dict[str, int]:
    """Return open cases per state of one procedure (for colouring its diagram)."""
    return summary_of(source).state_counts(kind)


def outcomes(source: Source, kind: str | None = None) -> Outcomes:
    """Return closed cases by how they ended (approved / refused / withdrawn), via the outcome registry."""
    return summary_of(source).outcomes(kind)


def oldest_waiting(source: Source, limit: int = 10) -> list[tuple[CaseRow, float]]:
    """Return the open cases that have waited longest in their current state, with the wait in days."""
    return summary_of(source).oldest_waiting(limit)


def funnel(source: Source, kind: str) -> list[tuple[str, int]]:
    """Return the funnel of one procedure: each stage's label and how many cases reached it."""
    return summary_of(source).funnel(kind)


# --- Time in step ------------------------------------------------------------------------------


def time_in_step(source: Source) -> list[StepTime]:
    """Return per state the finished stays (count, median, 90th percentile) and the cases still waiting there
    (count, median age so far, oldest), and the median of both together. Closing states are left out."""
    return summary_of(source).time_in_step()


def wait_by_office(source: Source) -> list[OfficeWait]:
    """Return per office the stays it ended and the cases waiting for it now, longest median (both together) first."""
    return summary_of(source).wait_by_office()


def case_days_by_office(source: Source) -> list[tuple[str, float]]:
    """Return per office the case-days cases spent waiting for it (finished and running stays), largest first."""
    return summary_of(source).case_days_by_office()


def longest_median_wait(source: Source) -> StepTime | None:
    """Return the state with the longest median time in step, the cases still there counted at their age so far."""
    return summary_of(source).longest_median_wait()


def bottleneck(source: Source) -> Bottleneck | None:
    """Return the office whose open cases have waited the most case-days so far, its step with the most
    case-days, the waits there (finished and still waiting apart) and its rules (the most cited first).

    Counting case-days rather than cases makes four cases stuck for a year outweigh five filed yesterday.
    """
    return summary_of(source).bottleneck()


# --- Flow over time ----------------------------------------------------------------------------


def start_of(source: Source) -> dt.datetime:
    """Return when the log starts: the first filing (or the clock when nothing is filed)."""
    return summary_of(source).start_of()


def throughput_by_week(source: Source) -> list[WeekFlow]:
    """Return filings and closings per simulated week, weeks counted from the first filing."""
    return summary_of(source).throughput_by_week()


def mean_weekly_throughput(source: Source) -> float:
    """Return closings per simulated week over the whole log."""
    return summary_of(source).mean_weekly_throughput()


def cumulative_flow(source: Source, points: int = 40, max_open_bands: int = 8) -> CumulativeFlow:
    """Return the cumulative-flow series: per sample time, closed cases by outcome and open cases by state."""
    return summary_of(source).cumulative_flow(points, max_open_bands)


def littles_law(source: Source) -> Little:
    """Return Little's law with the log's own numbers (L measured as the time average of open cases)."""
    return summary_of(source).littles_law()


__all__ = [
    "APPROVED",
    "DAY",
    "OUTCOMES",
    "REFUSED",
    "WEEK",
    "WITHDRAWN",
    "Bottleneck",
    "CumulativeFlow",
    "Little",
    "OfficeWait",
    "Outcomes",
    "Stay",
    "StepTime",
    "WeekFlow",
    "applied_rules",
    "bottleneck",
    "case_days_by_office",
    "cumulative_flow",
    "days",
    "filed_count",
    "funnel",
    "kinds",
    "littles_law",
    "longest_median_wait",
    "mean_weekly_throughput",
    "oldest_waiting",
    "open_cases",
    "open_count",
    "outcomes",
    "percentile",
    "stays",
    "summary_of",
    "throughput_by_week",
    "time_in_step",
    "wait_by_office",
    "wip_by_office",
    "wip_by_state",
]
