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
