"""The live figures of an exercise: its :class:`~cases.analytics.summary.LogSummary`, kept in this process and
brought up to date from the events written since it was last read.

The event log is append-only, so what changed since the last reading is the events with a higher id
(one range read on the ``(exercise, id)`` index); each case they belong to is read again, row and
events, and replaces its old share of the summary. A page therefore reads what the writes since the
last page touched, not the whole log: the first page of an exercise in a process reads it whole, the
next ones only what is new.

Ids and commits: on SQLite writers take turns, so ids commit in order and everything up to the highest
id read is final. On PostgreSQL a transaction holding a lower id can commit after one holding a higher
id. There the summary keeps a *safe* id, below which every event is final, and reads everything above
it each time (those it has applied already are skipped). The safe id moves up to the highest id of a
reading once every transaction that was running during that reading has ended (the snapshot's xmin
has passed the xmax seen just after it), so an event that commits late is still read.

Starting again: the summary is read whole again when the exercise's events were removed (the last one
it read is gone: a reset; the admin deletes no case, whose events it may not delete), when an office was
renamed, added or removed, or on :func:`forget`. Summaries of at most ``KEPT`` exercises stay in memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import connection

from cases.analytics.log import case_rows, event_rows
from cases.analytics.summary import LogSummary, case_share
from cases.models import Case, CaseEvent, Exercise, Office

T = TypeVar("T")
KEPT = 8  # exercises whose summaries a process keeps
CHUNK = 2000  # cases read again per query


@dataclass
class _Entry:
    summary: LogSummary
    offices: tuple[tuple[int, str], ...]
    safe_id: int = 0  # every event of the exercise with this id or lower has been applied
    last_id: int = 0  # the highest id applied
    last_case: int = 0  # the case of that event
    seen: set[int] = field(default_factory=set)  # applied ids above ``safe_id``
    pending: list[tuple[int, int]] = field(default_factory=list)  # (xmax after a reading, highest id it read)
    lock: threading.Lock = field(default_factory=threading.Lock)


_entries: OrderedDict[tuple[int, str], _Entry] = OrderedDict()
_entries_lock = threading.Lock()


def _key(exercise: Exercise) -> tuple[int, str]:
    return exercise.pk, exercise.created_at.isoformat()


def forget(exercise: Exercise) -> None:
    """Drop this process's summary of the exercise: the next page reads the log whole."""
    with _entries_lock:
        _entries.pop(_key(exercise), None)


def forget_all() -> None:
    """Drop every summary this process holds."""
    with _entries_lock:
        _entries.clear()


def _offices(exercise: Exercise) -> tuple[tuple[int, str], ...]:
    return tuple(Office.objects.filter(exercise=exercise).order_by("id").values_list("id", "name"))


def _snapshot() -> tuple[int, int] | None:
    """Return PostgreSQL's (xmin, xmax) of a snapshot taken now, or None on a database whose ids commit in order."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint "
                       "FROM pg_current_snapshot() AS s")
        xmin, xmax = cursor.fetchone()
    return int(xmin), int(xmax)


def _shares(exercise: Exercise, case_ids: list[int]) -> list:
    """Return the current share of each case (its row and all its events), a chunk of cases per two queries."""
    out = []
    for i in range(0, len(case_ids), CHUNK):
        chunk = case_ids[i:i + CHUNK]
        rows = case_rows(Case.objects.filter(exercise=exercise, pk__in=chunk))
        kinds = {c.id: (c.kind, c.reference) for c in rows}
        by_case: dict[int, list] = {c.id: [] for c in rows}
        # By case only (the cases are the exercise's): the (case, sim_time) index, not a scan of the exercise's.
        for e in event_rows(CaseEvent.objects.filter(case_id__in=list(kinds)).order_by(), kinds):
            by_case[e.case_id].append(e)
        for c in rows:
            by_case[c.id].sort(key=lambda e: (e.sim_time, e.id))
            out.append(case_share(c, by_case[c.id]))
    return out


def _advance(exercise: Exercise, entry: _Entry) -> None:
    """Apply the events written since the last reading (see the module's docstring)."""
    before = _snapshot()
    new = [(pk, case_id) for pk, case_id in CaseEvent.objects.filter(exercise=exercise, pk__gt=entry.safe_id)
           .order_by().values_list("id", "case_id") if pk not in entry.seen]
    touched = sorted({case_id for _pk, case_id in new})
    if not entry.last_id and not entry.summary.shares:  # the first reading: every case, those with no event yet too
        touched = list(Case.objects.filter(exercise=exercise).order_by("id").values_list("id", flat=True))
    present = _shares(exercise, touched)
    entry.summary.put_cases(present)
    for case_id in set(touched) - {s.row.id for s in present}:
        entry.summary.drop_case(case_id)
    top = max([entry.safe_id, *entry.seen, *(pk for pk, _c in new)])
    if top > entry.last_id:
        entry.last_id = top
        entry.last_case = next((c for pk, c in new if pk == top), entry.last_case)
    if before is None:
        entry.safe_id, entry.seen = top, set()
        return
    entry.seen.update(pk for pk, _c in new)
    xmin = before[0]
    while entry.pending and entry.pending[0][0] <= xmin:
        entry.safe_id = max(entry.safe_id, entry.pending.pop(0)[1])
    entry.seen = {pk for pk in entry.seen if pk > entry.safe_id}
    after = _snapshot()
    assert after is not None
    entry.pending.append((after[1], top))


def _stale(exercise: Exercise, entry: _Entry, offices: tuple[tuple[int, str], ...]) -> bool:
    if offices != entry.offices:
        return True
    return bool(entry.last_id) and not CaseEvent.objects.filter(pk=entry.last_id, exercise=exercise,
                                                                 case_id=entry.last_case).exists()


def live_read(exercise: Exercise, read: Callable[[LogSummary], T]) -> T:
    """Return ``read(summary)`` for the exercise's summary as its log is now, at its clock.

    Only what changed since the last reading is read from the database; the summary is held for this
    process's other threads while ``read`` runs.
    """
    key = _key(exercise)
    offices = _offices(exercise)
    with _entries_lock:
        entry = _entries.get(key)
        if entry is None:
            entry = _entries[key] = _Entry(LogSummary(now=exercise.clock, building=True), offices)
            while len(_entries) > KEPT:
                _entries.popitem(last=False)
        _entries.move_to_end(key)
    with entry.lock:
        if _stale(exercise, entry, offices):
            entry.summary, entry.offices = LogSummary(now=exercise.clock, building=True), offices
            entry.safe_id, entry.last_id, entry.last_case, entry.seen, entry.pending = 0, 0, 0, set(), []
        _advance(exercise, entry)
        summary = entry.summary
        summary.now, summary.exercise_name, summary.exercise_id, summary.regime = (
            exercise.clock, exercise.name, exercise.pk, exercise.regime)
        return read(summary)
