"""The event log as plain rows: what every metric reads.

:func:`load_log` turns an exercise's ``Case`` and ``CaseEvent`` rows into frozen dataclasses, so the
metrics are pure functions that tests can feed with hand-built logs of known answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cases.models import Case, CaseEvent, Exercise


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case as the analytics see it."""

    id: int
    kind: str
    reference: str
    state: str
    filed_at: dt.datetime
    state_since: dt.datetime
    closed_at: dt.datetime | None = None
    next_office: str = ""
    next_rules: str = ""
    title: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event of the log (a filing, a step, a deadline firing...)."""

    id: int
    case_id: int
    case_kind: str
    reference: str
    kind: str
    activity: str
    transition: str
    source_state: str
    target_state: str
    office: str
    sim_time: dt.datetime
    rules: str = ""


@dataclass
class Log:
    """An exercise's cases and events, and the simulated time the analysis is made at."""

    cases: list[CaseRow]
    events: list[EventRow]
    now: dt.datetime
    exercise_name: str = ""
    exercise_id: int | None = None
    regime: str = ""
    by_id: dict[int, CaseRow] = field(init=False)
    # What the metrics derived from this log once (stays, states reached...): a log is read, never changed.
    memo: dict[str, Any] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.cases}
        self.events = sorted(self.events, key=lambda e: (e.sim_time, e.id))


CASE_COLUMNS = ("id", "kind", "reference", "state", "filed_at", "state_since", "closed_at", "next_office__name",
                "next_rules", "title")
EVENT_COLUMNS = ("id", "case_id", "kind", "label", "transition", "source_state", "target_state", "office__name",
                 "sim_time", "rules")


def case_rows(cases: Any) -> list[CaseRow]:
    """Return the :class:`CaseRow` of each case of a ``Case`` queryset (one query)."""
    return [
        CaseRow(
            id=c["id"], kind=c["kind"], reference=c["reference"], state=c["state"], filed_at=c["filed_at"],
            state_since=c["state_since"], closed_at=c["closed_at"], next_office=c["next_office__name"] or "",
            next_rules=c["next_rules"], title=c["title"],
        )
        for c in cases.values(*CASE_COLUMNS)
    ]


def event_rows(events: Any, kinds: dict[int, tuple[str, str]]) -> list[EventRow]:
    """Return the :class:`EventRow` of each event of a ``CaseEvent`` queryset (one query); ``kinds`` gives each
    case's (kind, reference)."""
    return [
        EventRow(
            id=e["id"], case_id=e["case_id"], case_kind=kinds[e["case_id"]][0], reference=kinds[e["case_id"]][1],
            kind=e["kind"], activity=e["label"], transition=e["transition"], source_state=e["source_state"],
            target_state=e["target_state"], office=e["office__name"] or "", sim_time=e["sim_time"], rules=e["rules"],
        )
        for e in events.values(*EVENT_COLUMNS)
    ]


def load_log(exercise: Exercise) -> Log:
    """Read an exercise's cases and events (two queries) into a :class:`Log` at its clock."""
    cases = case_rows(Case.objects.filter(exercise=exercise))
    events = event_rows(CaseEvent.objects.filter(exercise=exercise), {c.id: (c.kind, c.reference) for c in cases})
    return Log(cases=cases, events=events, now=exercise.clock, exercise_name=exercise.name,
               exercise_id=exercise.pk, regime=exercise.regime)
