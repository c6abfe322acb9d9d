"""What the queue metrics return: plain frozen records the pages, charts and tests read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class WeekFlow:
    start: dt.datetime
    filed: int
    closed: int


@dataclass
class CumulativeFlow:
    """Cases in each band at each sample time; bands stack from closed outcomes up to the open states."""

    times: list[dt.datetime]
    bands: list[str]
    counts: dict[str, list[int]] = field(default_factory=dict)

    def total(self, i: int) -> int:
        return sum(self.counts[b][i] for b in self.bands)


@dataclass(frozen=True)
class Outcomes:
    closed: int
    counts: dict[str, int]

    def rate(self, outcome: str) -> float | None:
        return self.counts.get(outcome, 0) / self.closed if self.closed else None


@dataclass(frozen=True)
class Little:
    """L = lambda * W over the window from the first filing to now."""

    window_days: float
    arrivals: int
    L: float  # time-average number of cases in the system
    lam: float  # arrivals per simulated day
    W: float  # mean days in the system (open cases counted up to now)

    def sentence(self) -> str:
        if not self.arrivals:
            return "No case has been filed yet: Little's law (L = λ × W) has nothing to measure."  # noqa: RUF001
        if self.window_days < 1:  # at the pack's start: every rate would divide by (almost) nothing
            filed = "1 case was" if self.arrivals == 1 else f"{self.arrivals} cases were"
            return (f"Little's law (L = λ × W) needs time to pass: {filed} filed less than a simulated day ago. "  # noqa: RUF001
                    "Move the clock on to measure it.")
        return (
            f"L = λ × W: on average {self.L:.1f} cases were in the system = "  # noqa: RUF001
            f"{self.lam:.2f} new cases a day × {self.W:.1f} days each "  # noqa: RUF001
            f"({self.arrivals} cases over {self.window_days:.0f} simulated days)."
        )


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
