"""Hand-built event logs with answers worked out on paper, for the analytics tests."""

from __future__ import annotations

import datetime as dt

from cases.analytics.log import CaseRow, EventRow, Log

T0 = dt.datetime(1961, 1, 1, tzinfo=dt.UTC)


def d(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


class LogBuilder:
    """Build a log case by case: ``case(...)`` then the path as (day, target state, office)."""

    def __init__(self) -> None:
        self.cases: list[CaseRow] = []
        self.events: list[EventRow] = []

    def case(self, ref: str, kind: str, path: list[tuple[float, str, str]], *, closed: bool = False,
             next_office: str = "", next_rules: str = "") -> None:
        cid = len(self.cases) + 1
        prev = ""
        for day, state, office in path:
            self.events.append(EventRow(
                id=len(self.events) + 1, case_id=cid, case_kind=kind, reference=ref,
                kind="filed" if not prev else "transition", activity=f"to {state}",
                transition="" if not prev else state,
                source_state=prev, target_state=state, office=office, sim_time=d(day),
            ))
            prev = state
        self.cases.append(CaseRow(
            id=cid, kind=kind, reference=ref, state=path[-1][1], filed_at=d(path[0][0]), state_since=d(path[-1][0]),
            closed_at=d(path[-1][0]) if closed else None, next_office="" if closed else next_office,
            next_rules="" if closed else next_rules,
        ))

    def log(self, now: float) -> Log:
        return Log(cases=self.cases, events=self.events, now=d(now), exercise_name="hand-built")


def five_marriages() -> Log:
    """Five marriage cases over 20 simulated days; the worked answers are in test_analytics_metrics."""
    b = LogBuilder()
    b.case("A", "marriage", [(0, "filed", "W"), (2, "examination", "W"), (6, "refused", "W")], closed=True)
    b.case("B", "marriage", [(1, "filed", "W"), (5, "examination", "W"), (15, "china_approved", "W")],
           next_office="W", next_rules="MAR-4,MAR-5")
    b.case("C", "marriage", [(10, "filed", "W")], next_office="W", next_rules="MAR-2,MAR-3")
    b.case("D", "marriage", [(3, "filed", "W"), (4, "dissuasion", "W"), (8, "withdrawn", "W")], closed=True)
    b.case("E", "marriage", [(12, "filed", "W")], next_office="W", next_rules="MAR-2,MAR-3")
    return b.log(now=20)


def stuck_year() -> Log:
    """A simulated year in which four marriage cases wait 316-365 days at the Centre and nobody gets through.

    Two other cases pass the work unit on the day they are filed (stays of 0 days) and close, one approved,
    one refused; a fifth case was filed the day before the end and waits at the work unit.

    Worked answers: the four ages are 365, 350, 335 and 316 days, median (350 + 335) / 2 = 342.5, case-days
    1,366; "centre_review" has no finished stay. "filed" has 6 finished stays of 0 days (S1-S4, A, R) and
    one case (N) waiting 1 day.
    """
    b = LogBuilder()
    for ref, day in (("S1", 0), ("S2", 15), ("S3", 30), ("S4", 49)):
        b.case(ref, "marriage", [(day, "filed", "W"), (day, "centre_review", "W")], next_office="Centre",
               next_rules="MAR-0,MAR-4")
    b.case("A", "marriage", [(100, "filed", "W"), (100, "examination", "W"), (100, "registered", "Civil")],
           closed=True)
    b.case("R", "marriage", [(200, "filed", "W"), (200, "refused", "W")], closed=True)
    b.case("N", "marriage", [(364, "filed", "W")], next_office="W", next_rules="MAR-2,MAR-3")
    return b.log(now=365)
