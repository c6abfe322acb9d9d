"""Move many cases through the same step at once, with the same checks as one case at a time.

Every case is checked by ``prepare_step`` (office, state, input, guards); the ones that pass move in
one UPDATE per group of identical changes, their events and deadlines are written with one bulk INSERT
each, all in one transaction. The deadline sweep and the autopilot use this.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL

from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, EventKind
from cases.procedures import get_procedure
from cases.services.engine import _refresh_next, dated, deadlines_for, prepare_step, step_event_values

# Above this many distinct combinations of written values, one UPDATE per combination would cost
# more than one bulk_update (a CASE per column) of all the rows.
MAX_UPDATE_GROUPS = 100


@dataclass
class BulkResult:
    """What a bulk step did: the cases it moved and, for the others, why not."""

    moved: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def _prime_offices(cases: list[Case]) -> None:
    """Fill each case's office cache with one query per exercise instead of one per case."""
    by_exercise = {exercise_id: Case.offices_by_kind(exercise_id) for exercise_id in {c.exercise_id for c in cases}}
    for case in cases:
        case.prime_offices(by_exercise[case.exercise_id])


def _attach_related(model: type[Case], cases: list[Case]) -> None:
    """Load each forward key's rows once (one query per key) and cache them on every case.

    Thousands of cases share a few exercises, offices and people: each of those is built once and
    shared, as ``prefetch_related`` would, without its per-instance bookkeeping.
    """
    for f in model._meta.concrete_fields:
        if not isinstance(f, models.ForeignKey) or f.remote_field.parent_link:
            continue
        get_id = attrgetter(f.attname)
        ids = {get_id(c) for c in cases} - {None}
        if not ids:
            continue
        rows = f.related_model._base_manager.in_bulk(ids)
        for case in cases:
            obj = rows.get(get_id(case))
            if obj is not None:
                case._state.fields_cache[f.name] = obj


def pks(ids: list[int]) -> Any:
    """Return the right-hand side of a ``pk__in`` filter for many ids.

    On PostgreSQL, one array parameter expanded by ``unnest`` instead of one placeholder per id: the
    driver parses a statement with ten thousand placeholders slowly, the server plans it slowly too.
    """
    if connection.vendor == "postgresql" and len(ids) > 100:
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return ids


def _key(value: Any) -> Any:
    """Return a hashable stand-in for a field value (type included: 1, 1.0 and True stay apart)."""
    try:
        hash(value)
    except TypeError:
        return ("repr", type(value), repr(value))
    return (type(value), value)


def case_bulk_transition(
    *,
    kind: str,
    case_ids: Iterable[int],
    transition: str,
    actor: Any,
    note: str = "",
    data: dict[str, Any] | None = None,
    data_by_case: Mapping[int, dict[str, Any]] | None = None,
    system: bool = False,
    at: Mapping[int, dt.datetime] | None = None,
    event_kind: str = EventKind.TRANSITION,
    notes: Mapping[int, str] | None = None,
    event_data: Mapping[int, dict[str, Any]] | None = None,
) -> BulkResult:
    """Take ``transition`` on every case of procedure ``kind`` in ``case_ids`` that allows it.

    Cases that may not take the step (wrong state, office, input or guard) are left as they are and
    reported in ``refused``. If another writer moves one of the chosen cases meanwhile, the whole call
    is rolled back with a conflict message, as the single-case service does for one case.
    ``data`` is the step input for every case; ``data_by_case`` gives a case its own input, merged
    over ``data`` and checked for that case like ``data`` is (a case whose own input is incomplete is
    refused with the message the single-case service would give; the others move).
    For the system only (the deadline sweep), ``at`` dates each case's step (never after the clock),
    and ``event_kind``, ``notes`` and ``event_data`` shape each case's event.
    """
    data = dict(data or {})
    data_by_case = data_by_case or {}
    notes = notes or {}
    event_data = event_data or {}
    model = get_procedure(kind).model
    ids = list(dict.fromkeys(case_ids))
    result = BulkResult()
    if not ids:
        return result
    with transaction.atomic():
        cases = list(
            model._default_manager.select_for_update(of=("self", "case_ptr")).filter(pk__in=pks(ids)).order_by("pk")
        )
        missing = set(ids) - {c.pk for c in cases}
        for pk in missing:
            result.refused[pk] = "This case does not exist or is not of this procedure."
        _attach_related(model, cases)
        _prime_offices(cases)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        # One C-level call reads every field of a case; comparing the tuples before and after the
        # step finds what it changed.
        snapshot = attrgetter(*(f.attname for f in fields))
        changed: set[int] = set()
        moved: list[Case] = []
        sources: dict[int, str] = {}
        events: list[dict[str, Any]] = []
        deadlines: list[Deadline] = []
        for case in cases:
            case_data = {**data, **data_by_case[case.pk]} if case.pk in data_by_case else data
            with dated(case, at.get(case.pk) if at else None, system=system) as now:
                try:
                    step = prepare_step(case, transition, actor=actor, data=case_data, system=system)
                except ApplicationError as exc:
                    result.refused[case.pk] = exc.message
                    continue
                before = snapshot(case)
                source = case.state
                try:
                    getattr(case, transition)(**step.kwargs)
                except ApplicationError as exc:  # a step body may refuse this case's input; it is not written
                    result.refused[case.pk] = exc.message
                    continue
                _refresh_next(case, now)
            after = snapshot(case)
            if after != before:
                changed.update(i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a)
            sources[case.pk] = source
            moved.append(case)
            event = step_event_values(case, step, source=source, actor=actor, now=now,
                                      note=notes.get(case.pk, note), system=system)
            if system:
                event["kind"] = event_kind
            if case.pk in event_data:
                event["data"] = {**event["data"], **event_data[case.pk]}
            events.append(event)
            deadlines.extend(deadlines_for(case, now))
        result.moved = [c.pk for c in moved]
        if moved:
            written = [fields[i] for i in sorted(changed)]
            _write_cases(model, moved, sources, written)
        events.sort(key=lambda e: e["sim_time"])  # the log reads in simulated order when steps are dated apart
        insert_rows(CaseEvent, events)
        Deadline.objects.bulk_create(deadlines, batch_size=2000)
    return result


def _write_cases(model: type[Case], cases: list[Case], sources: dict[int, str], written: list[models.Field]) -> None:
    """Write the new state and every other changed field, one UPDATE per group of identical values.

    The source state in the WHERE clause is the optimistic lock of ConcurrentTransitionMixin, in bulk:
    if any row is no longer where it was read, the whole call is rolled back.
    """
    conflict = "Some of these cases were moved by someone else meanwhile; nothing was done."
    base_names = {f.attname for f in Case._meta.concrete_fields}
    base = [f for f in written if f.attname in base_names and f.attname != "state"]
    own = [f for f in written if f.attname not in base_names]
    get_base = attrgetter("state", *(f.attname for f in base))
    base_groups: dict[tuple[Any, ...], list[Case]] = defaultdict(list)
    for case in cases:
        values = get_base(case)
        base_groups[(sources[case.pk], *(_key(v) for v in values))].append(case)
    if len(base_groups) <= MAX_UPDATE_GROUPS:
        for key, group in base_groups.items():
            first = group[0]
            ids = [c.pk for c in group]
            changes = {"state": first.state, **{f.attname: getattr(first, f.attname) for f in base}}
            if Case.objects.filter(pk__in=pks(ids), state=key[0]).update(**changes) != len(ids):
                raise ApplicationError(conflict)
    else:
        by_move: dict[tuple[str, str], list[int]] = defaultdict(list)
        for case in cases:
            by_move[(sources[case.pk], case.state)].append(case.pk)
        for (source, target), ids in by_move.items():
            if Case.objects.filter(pk__in=pks(ids), state=source).update(state=target) != len(ids):
                raise ApplicationError(conflict)
        Case._base_manager.bulk_update(cases, [f.name for f in base], batch_size=500)
    if not own:
        return
    get_own = attrgetter(*(f.attname for f in own)) if len(own) > 1 else (lambda c: (getattr(c, own[0].attname),))
    own_groups: dict[tuple[Any, ...], list[Case]] = defaultdict(list)
    for case in cases:
        own_groups[tuple(_key(v) for v in get_own(case))].append(case)
    if len(own_groups) <= MAX_UPDATE_GROUPS:
        for group in own_groups.values():
            first = group[0]
            model._base_manager.filter(pk__in=pks([c.pk for c in group])).update(
                **{f.attname: getattr(first, f.attname) for f in own}
            )
    else:
        model._base_manager.bulk_update(cases, [f.name for f in own], batch_size=500)


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows given as {attname: value} into ``model``'s table with one prepared INSERT.

    Does what ``bulk_create`` does for a model with an automatic key and no auto_now fields, without
    building a model instance per row; each distinct value of a column is converted for the database
    once. Columns a row leaves out take the field's default, computed once for the call.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if not isinstance(model._meta.pk, models.AutoField) or any(
        getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields
    ):
        model._base_manager.bulk_create([model(**row) for row in rows], batch_size=2000)
        return
    defaults = {f.attname: f.get_default() for f in fields if any(f.attname not in row for row in rows)}
    converters = []
    for f in fields:
        cache: dict[Any, Any] = {}

        def convert(value: Any, f: models.Field = f, cache: dict[Any, Any] = cache) -> Any:
            key = _key(value)
            if key[0] == "repr":  # unhashable (a JSON dict): convert every time
                return f.get_db_prep_save(value, connection)
            if key not in cache:
                cache[key] = f.get_db_prep_save(value, connection)
            return cache[key]

        converters.append((f.attname, convert))
    params = [
        [convert(row[name] if name in row else defaults[name]) for name, convert in converters]
        for row in rows
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # SQLite is in-process: one prepared statement stepped per row is the fastest way in.
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
            for i in range(0, len(params), 5000):
                cursor.executemany(sql, params[i:i + 5000])
            return
        # PostgreSQL: one array per column, expanded by UNNEST (as Django's bulk_create does there), so a
        # statement carries thousands of rows in a handful of parameters.
        types = [f.rel_db_type(connection) if f.is_relation else f.db_type(connection) for f in fields]
        unnest = ", ".join(f"%s::{t}[]" for t in types)
        for i in range(0, len(params), 5000):
            columns_of_chunk = [list(col) for col in zip(*params[i:i + 5000], strict=True)]
            cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT * FROM UNNEST({unnest})",
                           columns_of_chunk)
