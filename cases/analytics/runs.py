"""Run one cohort of cases under two regimes and compare: the runner interface and the summaries.

A *runner* knows one procedure: it draws a cohort (who arrives when, with which attributes) from a
seed, and runs that cohort under a regime, returning the run's event log. The comparison reads only
the log (:mod:`cases.analytics.metrics`), so a runner that drives the real services (marriage here,
authorization letters in :mod:`cases.analytics.calibration_aut`) and one that simulates in memory
give the same kind of summary. Runs are repeatable: everything random comes from the seed, and both
regimes see the same cohort and the same random numbers per case ("common random numbers"), so the
difference between the two columns is the regime's, not chance's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from cases.analytics import metrics as m
from cases.analytics.log import Log
from cases.analytics.outcomes import DEFAULT_OUTCOME_LABELS, outcome_label


@dataclass(frozen=True)
class Arrival:
    """One member of a cohort: when (simulated days after the start) and with what attributes."""

    index: int
    day: float
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Cohort:
    """The cases a run files: the same cohort is run under each regime of a comparison."""

    kind: str
    label: str
    start: dt.datetime
    horizon_days: float
    seed: int
    arrivals: tuple[Arrival, ...]
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Assumption:
    """One modelling assumption, written where the teacher reads it, with its source or 'assumption'."""

    topic: str
    text: str
    source: str


@dataclass
class RunResult:
    """What a run produced: its event log, and the exercise it lives in when it used the database."""

    label: str
    regime: str
    seed: int
    log: Log
    exercise_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict)


class Runner(Protocol):
    """A procedure's way of drawing and running a cohort (see MarriageRunner, YanbianModelRunner)."""

    kind: str
    label: str

    def cohort(self, *, seed: int, size: int | None = None) -> Cohort:
        """Draw the cohort for ``seed`` (``size`` overrides the default number of cases)."""
        ...

    def run(self, *, cohort: Cohort, regime: str, seed: int) -> RunResult:
        """Run the cohort under ``regime``; the same arguments give the same log."""
        ...

    def assumptions(self, regime: str) -> list[Assumption]:
        """Return the assumptions behind runs under ``regime``, with sources."""
        ...


@dataclass(frozen=True)
class RunSummary:
    """The numbers a comparison sets side by side."""

    label: str
    regime: str
    filed: int
    closed: int
    approved: int
    refused: int
    withdrawn: int
    open_at_end: int
    peak_open: int
    median_days: float | None  # time in the system of closed cases
    p90_days: float | None
    little: m.Little
    funnel: list[tuple[str, int]]
    open_series: list[int]  # open cases at each sample time (queue growth)
    bottleneck: str
    # What the procedure calls each outcome bucket (OutcomeSpec.labels): the rows say it in its words.
    names: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_OUTCOME_LABELS))

    def rows(self) -> list[tuple[str, str]]:
        def f(x: float | None) -> str:
            return "—" if x is None else f"{x:.1f}"

        out = [
            ("cases filed", str(self.filed)),
            ("closed", str(self.closed)),
            (f"{self.names[m.APPROVED]} (closed)", str(self.approved)),
            (f"{self.names[m.REFUSED]} (closed)", str(self.refused)),
            (f"{self.names[m.WITHDRAWN]} (closed)", str(self.withdrawn)),
            ("still open at the end", str(self.open_at_end)),
            ("largest queue (open cases)", str(self.peak_open)),
            ("median days to close", f(self.median_days)),
            ("90% closed within (days)", f(self.p90_days)),
            ("Little: L = λ × W", f"{self.little.L:.1f} = {self.little.lam:.2f} × {self.little.W:.1f}"),  # noqa: RUF001
            ("longest held by (case-days waiting)", self.bottleneck or "—"),
        ]
        out += [(f"funnel: {label}", str(n)) for label, n in self.funnel]
        return out


def summarize(result: RunResult, kind: str, points: int = 26) -> RunSummary:
    """Summarise a run's log for the side-by-side comparison."""
    log = result.log
    out = m.outcomes(log, kind)
    closed_days = [m.days(c.closed_at - c.filed_at) for c in log.cases if c.closed_at is not None]
    cfd = m.cumulative_flow(log, points=points, max_open_bands=1000)
    open_bands = [b for b in cfd.bands if b not in m.OUTCOMES]
    series = [sum(cfd.counts[b][i] for b in open_bands) for i in range(len(cfd.times))]
    held = m.case_days_by_office(log)
    return RunSummary(
        label=result.label, regime=result.regime, filed=len(log.cases), closed=out.closed,
        approved=out.counts[m.APPROVED], refused=out.counts[m.REFUSED], withdrawn=out.counts[m.WITHDRAWN],
        open_at_end=len(m.open_cases(log)), peak_open=max(series, default=0),
        median_days=m.percentile(closed_days, 50), p90_days=m.percentile(closed_days, 90),
        little=m.littles_law(log), funnel=m.funnel(log, kind), open_series=series,
        bottleneck=f"{held[0][0]} ({held[0][1]:.0f} case-days)" if held else "",
        names={o: outcome_label(kind, o) for o in m.OUTCOMES},
    )


@dataclass
class Comparison:
    """The same cohort under two regimes."""

    runner_label: str
    seed: int
    results: list[RunResult]
    summaries: list[RunSummary]
    assumptions: dict[str, list[Assumption]]

    def table(self) -> list[tuple[str, ...]]:
        """Return rows of (what, first regime, second regime)."""
        columns = [s.rows() for s in self.summaries]
        return [(label, *(col[i][1] for col in columns)) for i, (label, _v) in enumerate(columns[0])]

    def text(self) -> str:
        """Return the comparison as plain text for the command line."""
        head = ("", *(f"{s.regime}" for s in self.summaries))
        rows = [head, *self.table()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = [f"{self.runner_label}, seed {self.seed}"]
        lines += ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)) for r in rows]
        lines.append("Queue growth (open cases over the run):")
        for s in self.summaries:
            lines.append(f"  {s.regime}: {' '.join(str(n) for n in s.open_series)}")
        for regime, items in self.assumptions.items():
            lines.append(f"Assumptions under {regime}:")
            lines += [f"  - {a.topic}: {a.text} [{a.source}]" for a in items]
        return "\n".join(lines)


def compare(runner: Runner, *, regimes: tuple[str, str], seed: int, size: int | None = None) -> Comparison:
    """Run one cohort (drawn from ``seed``) under each of two regimes and summarise both."""
    cohort = runner.cohort(seed=seed, size=size)
    results = [runner.run(cohort=cohort, regime=r, seed=seed) for r in regimes]
    return Comparison(
        runner_label=runner.label, seed=seed, results=results,
        summaries=[summarize(r, runner.kind) for r in results],
        assumptions={r: runner.assumptions(r) for r in regimes},
    )
