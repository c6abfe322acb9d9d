"""Move many cases through the same step at once, with the same checks as one case at a time.

Every case is checked as ``prepare_step`` checks it (office, state, input, guards); the ones that pass move in
one UPDATE per group of identical changes (or one statement giving each row its own values, when they
vary), their events and deadlines are written with one bulk INSERT each, all in one transaction. The
deadline sweep and the autopilot use this; the row writers are in :mod:`cases.services.sql_rows`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter, ne
from typing import Any

from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django_fsm import TransitionNotAllowed

from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, EventKind, Office
from cases.models.case import office_share
from cases.procedures import get_procedure
from cases.services.sql_rows import collector_paused, insert_rows, rows_by_ids, update_rows, update_same, value_key
from cases.services.steps import (
    StepPlan,
    _refresh_next,
    check_step,
    dated,
    deadline_values,
    guard_refusal,
    plan_step,
    step_event_values,
)

# Above this many distinct combinations of written values, one UPDATE per combination costs more than
# one statement writing each row its own values.
MAX_UPDATE_GROUPS = 3


@dataclass
class BulkResult:
    """What a bulk step did: the cases it moved and, for the others, why not."""

    moved: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def rows_where(model: type[models.Model], key: str, keys: list[Any]) -> list[list[Any]]:
    """Return every concrete field of the rows of ``model`` whose column ``key`` is in ``keys``, by primary key.

    One query with the keys as one parameter, compiled once per model and column (:func:`rows_by_ids`).
    """
    names = _attnames(model)
    return rows_by_ids(("rows-where", model, key),
                       lambda p: model._base_manager.filter(**{f"{key}__in": p}).order_by("pk").values_list(*names),
                       keys)


def instances_where(model: type[models.Model], key: str, keys: list[Any]) -> list[Any]:
    """Return the rows :func:`rows_where` reads, as the instances ``Model.from_db`` would build."""
    return instances_from_rows(model, _attnames(model), rows_where(model, key, keys))


def _prime_offices(cases: list[Case]) -> None:
    """Fill each case's office cache with one query per exercise instead of one per case.

    ``Case.prime_offices`` for every case, each class's share of the exercise's offices worked out once.
    """
    if not cases:
        return  # every case primed already (the planner's): nothing to read
    exercise_ids = sorted({c.exercise_id for c in cases})
    loaded: dict[int, list[Office]] = defaultdict(list)
    for office in instances_where(Office, "exercise_id", exercise_ids):
        loaded[office.exercise_id].append(office)
    by_exercise = {pk: Case.offices_by_kind(pk, loaded[pk]) for pk in exercise_ids}
    shares: dict[tuple[int, type], dict[str, Any]] = {}
    for case in cases:
        key = (case.exercise_id, type(case))
        share = shares.get(key)
        if share is None:
            share = shares[key] = office_share(key[1], by_exercise[key[0]])
        case.prime_offices(by_exercise[key[0]], share=share)


def attach_related(model: type[models.Model], cases: list[Any], *, skip: Iterable[str] = ()) -> None:
    """Load each forward key's rows once (a compiled query per related model) and cache them on the cases lacking them.

    Thousands of cases share a few exercises, offices and people: each of those is built once and
    shared, as ``select_related`` would join it in, without its per-row work; the queries are compiled
    once per process (:func:`cases.services.sql_rows.rows_by_ids`), so a call for a few cases costs
    little more than its round trips. Keys a case already holds (joined in by its caller) and the keys
    named in ``skip`` are left as they are; a key naming no row is left to load (and fail) as usual.
    """
    caches = [c._state.fields_cache for c in cases]
    wanted: dict[tuple[type, str], list[tuple[str, list[Any]]]] = defaultdict(list)
    skipped = set(skip)
    for f in model._meta.concrete_fields:
        if not isinstance(f, models.ForeignKey) or f.remote_field.parent_link or f.name in skipped:
            continue
        name, attname = f.name, f.attname
        lacking = [
            (cache, c.__dict__[attname] if attname in c.__dict__ else getattr(c, attname))
            for c, cache in zip(cases, caches, strict=True) if name not in cache
        ]
        lacking = [(cache, key) for cache, key in lacking if key is not None]
        if lacking:
            wanted[(f.related_model, f.target_field.attname)].append((name, lacking))
    for (related, key), uses in wanted.items():
        rows = _related_rows(related, key, sorted({k for _n, lacking in uses for _c, k in lacking}))
        for name, lacking in uses:
            for cache, k in lacking:
                obj = rows.get(k)
                if obj is not None:
                    cache[name] = obj


def _related_rows(model: type[models.Model], key: str, keys: list[Any]) -> dict[Any, Any]:
    """Return the rows of ``model`` whose column ``key`` is in ``keys``, as instances by that column's value."""
    return {obj.__dict__[key]: obj for obj in instances_where(model, key, keys)}


def _reader(names: list[str]) -> Callable[[Case], tuple[Any, ...]]:
    """Return a function reading the fields ``names`` of a case as one tuple.

    A loaded case holds every field in its ``__dict__`` (foreign keys and the FSM state included, which
    read through Python descriptors): read there in one C-level call; a case lacking one (a deferred
    field) reads through its attributes, as ``attrgetter`` would.
    """
    from_dict = itemgetter(*names)
    from_attrs = attrgetter(*names)
    one = len(names) == 1

    def read(case: Case) -> tuple[Any, ...]:
        try:
            values = from_dict(case.__dict__)
        except KeyError:
            values = from_attrs(case)
        return (values,) if one else values

    return read


def _input_key(data: dict[str, Any]) -> tuple[Any, ...]:
    """Return a hashable key for a step's input: equal keys, equal input (types kept apart, as value_key does)."""
    if not data:
        return ()
    return tuple(sorted((name, value_key(value)) for name, value in data.items()))


def _attnames(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


_INITIAL = "_ConcurrentTransitionMixin__initial_states"


def _initial_states(model: type[Case]) -> list[str] | None:
    """Return the attnames ConcurrentTransitionMixin remembers on loading, or None to let it do so itself."""
    from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin

    update = getattr(model, "_update_initial_state", None)
    if update is None:
        return []
    if update is not ConcurrentTransitionMixin._update_initial_state:
        return None
    # What the mixin's method does: each FSM field's value as loaded, by attname.
    return [f.attname for f in model._meta.fields if isinstance(f, FSMFieldMixin)]


def _from_row(model: type[Case], names: list[str], row: list[Any], db: str,
              initial: list[str] | None = None) -> Case:
    """Build a loaded instance from its row as ``Model.from_db`` would, without ``Model.__init__``'s work per field.

    The row holds every concrete field, already converted from the database (:func:`rows_by_ids`);
    the instance is what ``from_db`` returns for it: fields set, loaded from ``db``, not adding, and
    ConcurrentTransitionMixin's remembered state set, so a later ``save()`` keeps its state check.
    ``initial`` names the state fields it remembers (None: call its own method to remember them).
    """
    case = model.__new__(model)
    values = case.__dict__
    values.update(zip(names, row, strict=True))
    state = ModelState()
    state.adding = False
    state.db = db
    state.fields_cache = {}
    case._state = state
    if initial is None:
        case._update_initial_state()
    elif initial:
        values[_INITIAL] = {name: values[name] for name in initial}
    return case


def instances_from_rows(model: type[models.Model], names: list[str], rows: list[list[Any]]) -> list[Any]:
    """Build loaded instances of ``model`` from rows of every concrete field (``names``), as ``from_db`` would."""
    db = connection.alias
    initial = _initial_states(model)  # type: ignore[arg-type]
    return [_from_row(model, names, row, db, initial) for row in rows]  # type: ignore[arg-type]


def _load_locked(model: type[Case], ids: list[int]) -> list[Case]:
    """Load and lock these cases as ``model`` (the rows of both tables), forward keys and offices attached.

    One query compiled once per model (the ids are one parameter), its rows made into instances
    directly; the same rows and locks as ``select_for_update(of=("self", "case_ptr"))`` on the model.
    """
    names = _attnames(model)
    rows = rows_by_ids(
        ("bulk-load", model),
        lambda p: model._default_manager.select_for_update(of=("self", "case_ptr")).filter(pk__in=p)
        .order_by("pk").values_list(*names),
        ids,
    )
    db = connection.alias
    initial = _initial_states(model)
    cases = [_from_row(model, names, row, db, initial) for row in rows]
    attach_related(model, cases)
    _prime_offices(cases)
    return cases


_BASE_COLUMNS = [f.attname for f in Case._meta.concrete_fields]


def _lock_loaded(model: type[Case], given: list[Case]) -> list[Case]:
    """Lock the cases a caller already loaded and keep the instances that are still current.

    One locking query locks both rows of each case, as loading it would (so a single-case step waiting
    for it cannot hold one of them meanwhile), and reads the base row. An instance whose base row
    differs from it, or that is not of ``model``, is loaded again, locked, like a case given by id:
    another writer's step changes the state or at least moves ``state_since``, and an escalation sets
    ``escalated_at``. The procedure's own row is not compared; fields there change only with a step.
    The step is then checked against what the database holds, as when every case is loaded here.
    """
    by_pk = {c.pk: c for c in given}
    # The same SQL for any number of cases (the ids are one parameter): compiled once per model.
    rows = rows_by_ids(
        ("bulk-lock", model),
        lambda ids: model._default_manager.select_for_update(of=("self", "case_ptr")).filter(pk__in=ids)
        .order_by("pk").values_list(*_BASE_COLUMNS),
        list(by_pk),
    )
    current = attrgetter(*_BASE_COLUMNS)
    kept: list[Case] = []
    stale: list[int] = []
    for row in rows:
        case = by_pk[row[0]]
        if type(case) is model and list(current(case)) == row:
            kept.append(case)
        else:
            stale.append(case.pk)
    fresh = _load_locked(model, stale) if stale else []
    attach_related(model, kept)
    _prime_offices([c for c in kept if not c.__dict__.get("_offices_primed")])
    return sorted([*kept, *fresh], key=attrgetter("pk"))


def case_bulk_transition(
    *,
    kind: str,
    case_ids: Iterable[int] = (),
    transition: str,
    actor: Any,
    note: str = "",
    data: dict[str, Any] | None = None,
    cases: Sequence[Case] | None = None,
    data_by_case: Mapping[int, dict[str, Any]] | None = None,
    system: bool = False,
    at: Mapping[int, dt.datetime] | None = None,
    event_kind: str = EventKind.TRANSITION,
    notes: Mapping[int, str] | None = None,
    event_data: Mapping[int, dict[str, Any]] | None = None,
    transitions: Mapping[int, str] | None = None,
) -> BulkResult:
    """Take ``transition`` on every case of procedure ``kind`` in ``case_ids`` that allows it.

    Cases that may not take the step (wrong state, office, input or guard) are left as they are and
    reported in ``refused``. If another writer moves one of the chosen cases meanwhile, the whole call
    is rolled back with a conflict message, as the single-case service does for one case.
    ``data`` is the step input for every case; ``data_by_case`` gives a case its own input, merged
    over ``data`` and checked for that case like ``data`` is (a case whose own input is incomplete is
    refused with the message the single-case service would give; the others move).
    ``cases`` may give the cases already loaded as the procedure's model instead of ``case_ids`` (the
    autopilot's planner holds them): they are locked with one query and used as they are unless another
    writer moved them since, in which case they are loaded again. The instances are the step's to
    change: after a refusal or a conflict, load a case again before using it.
    For the system only (the deadline sweep), ``at`` dates each case's step (never after the clock),
    and ``event_kind``, ``notes`` and ``event_data`` shape each case's event.
    ``transitions`` gives a case its own step instead of ``transition`` (the autopilot takes every step
    due on one procedure's cases in one call); each case is checked for its own step as above.
    """
    data = dict(data or {})
    data_by_case = data_by_case or {}
    notes = notes or {}
    event_data = event_data or {}
    transitions = transitions or {}
    model = get_procedure(kind).model
    given = list({c.pk: c for c in cases}.values()) if cases is not None else None
    ids = [c.pk for c in given] if given is not None else list(dict.fromkeys(case_ids))
    result = BulkResult()
    if not ids:
        return result
    with collector_paused(), transaction.atomic():
        loaded = _lock_loaded(model, given) if given is not None else _load_locked(model, ids)
        missing = set(ids) - {c.pk for c in loaded}
        for pk in missing:
            result.refused[pk] = "This case does not exist or is not of this procedure."
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        # One C-level call reads every field of a case; comparing the tuples before and after the
        # step finds what it changed (each distinct pattern of changes is kept once).
        snapshot = _reader([f.attname for f in fields])
        patterns: set[tuple[bool, ...]] = set()
        moved: list[Case] = []
        sources: dict[int, str] = {}
        events: list[dict[str, Any]] = []
        deadlines: list[dict[str, Any]] = []
        # A step's plan (what it is, its input checked) is the same for every case of one state and
        # variant given the same input: worked out once per such group, each case checked against it.
        plans: dict[tuple[Any, ...], StepPlan] = {}
        for case in loaded:
            pk = case.pk
            case_data = {**data, **data_by_case[pk]} if pk in data_by_case else data
            name = transitions.get(pk, transition)
            key = (case.state, case.variant, name, _input_key(case_data))
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = plan_step(case, name, case_data)
            with dated(case, at.get(pk) if at else None, system=system) as now:
                try:
                    # The guards are checked once, by django-fsm as the step is taken (below).
                    step = check_step(case, plan, actor=actor, system=system, guards=False)
                except ApplicationError as exc:
                    result.refused[pk] = exc.message
                    continue
                before = snapshot(case)
                source = case.state
                try:
                    getattr(case, name)(**step.kwargs)
                except TransitionNotAllowed:  # a guard does not hold: nothing changed; say which, as check_step does
                    result.refused[pk] = guard_refusal(case, step).message
                    continue
                except ApplicationError as exc:  # a step body may refuse this case's input; it is not written
                    result.refused[pk] = exc.message
                    continue
                _refresh_next(case, now)
            after = snapshot(case)
            if after != before:
                patterns.add(tuple(map(ne, before, after)))
            sources[pk] = source
            moved.append(case)
            event = step_event_values(case, step, source=source, actor=actor, now=now,
                                      note=notes.get(pk, note), system=system)
            if system:
                event["kind"] = event_kind
            if pk in event_data:
                event["data"] = {**event["data"], **event_data[pk]}
            events.append(event)
            deadlines.extend(deadline_values(case, now))
        changed = {i for pattern in patterns for i, differs in enumerate(pattern) if differs}
        result.moved = [c.pk for c in moved]
        if moved:
            written = [fields[i] for i in sorted(changed)]
            _write_cases(model, moved, sources, written)
        events.sort(key=lambda e: e["sim_time"])  # the log reads in simulated order when steps are dated apart
        insert_rows(CaseEvent, events)
        insert_rows(Deadline, deadlines)
    return result


def _write_cases(model: type[Case], cases: list[Case], sources: dict[int, str], written: list[models.Field]) -> None:
    """Write the new state and every other changed field of each case.

    A few groups of cases sharing their new values get one UPDATE each; values that vary from case to
    case (steps dated at their own times) are written row by row in one statement (:func:`update_rows`).
    The source state in the WHERE clause is the optimistic lock of ConcurrentTransitionMixin, in bulk:
    if any row is no longer where it was read, the whole call is rolled back.
    """
    conflict = "Some of these cases were moved by someone else meanwhile; nothing was done."
    base_names = {f.attname for f in Case._meta.concrete_fields}
    state = Case._meta.get_field("state")
    base = [state, *(f for f in written if f.attname in base_names and f.attname != "state")]
    own = [f for f in written if f.attname not in base_names]
    get_base = _reader([f.attname for f in base])
    base_groups: dict[tuple[Any, ...], list[Case]] = defaultdict(list)
    for case in cases:
        base_groups[(sources[case.pk], *map(value_key, get_base(case)))].append(case)
    if len(base_groups) <= MAX_UPDATE_GROUPS:
        for key, group in base_groups.items():
            ids = [c.pk for c in group]
            changes = {f.attname: getattr(group[0], f.attname) for f in base}
            if update_same(Case, changes, ids, guard=("state", key[0])) != len(ids):
                raise ApplicationError(conflict)
    elif update_rows(Case, base, [(c.pk, sources[c.pk], *get_base(c)) for c in cases], guard=state) != len(cases):
        raise ApplicationError(conflict)
    if not own:
        return
    get_own = _reader([f.attname for f in own])
    own_groups: dict[tuple[Any, ...], list[Case]] = defaultdict(list)
    for case in cases:
        own_groups[tuple(map(value_key, get_own(case)))].append(case)
    if len(own_groups) <= MAX_UPDATE_GROUPS:
        for group in own_groups.values():
            update_same(model, {f.attname: getattr(group[0], f.attname) for f in own}, [c.pk for c in group])
    else:
        update_rows(model, own, [(c.pk, *get_own(c)) for c in cases])
