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
from typing import Any

from django.db import models, transaction

from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, EventKind, Exercise, Office
from cases.procedures import get_procedure
from cases.services.engine import _refresh_next, deadlines_for, prepare_step, step_event


@dataclass
class BulkResult:
    """What a bulk step did: the cases it moved and, for the others, why not."""

    moved: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def _prime_offices(cases: list[Case]) -> None:
    """Fill each case's office cache with one query per exercise instead of one per case."""
    by_exercise: dict[int, dict[str, Office]] = {}
    for exercise_id in {c.exercise_id for c in cases}:
        offices: dict[str, Office] = {}
        for office in Office.objects.filter(exercise_id=exercise_id).order_by("-id"):
            offices[office.kind] = office  # the lowest id wins, as in Case.office_for
        by_exercise[exercise_id] = offices
    for case in cases:
        cache = case.__dict__.setdefault("_office_cache", {})
        for kind, office in by_exercise[case.exercise_id].items():
            if kind not in case.OFFICE_FIELDS:
                cache.setdefault(kind, office)


def case_bulk_transition(
    *,
    kind: str,
    case_ids: Iterable[int],
    transition: str,
    actor: Any,
    note: str = "",
    data: dict[str, Any] | None = None,
    system: bool = False,
    at: Mapping[int, dt.datetime] | None = None,
    event_kind: str = EventKind.TRANSITION,
    notes: Mapping[int, str] | None = None,
    event_data: Mapping[int, dict[str, Any]] | None = None,
    data_by_case: Mapping[int, dict[str, Any]] | None = None,
) -> BulkResult:
    """Take ``transition`` on every case of procedure ``kind`` in ``case_ids`` that allows it.

    Cases that may not take the step (wrong state, office, input or guard) are left as they are and
    reported in ``refused``. If another writer moves one of the chosen cases meanwhile, the whole call
    is rolled back with a conflict message, as the single-case service does for one case.
    For the system only (the deadline sweep), ``at`` dates each case's step (never after the clock),
    and ``event_kind``, ``notes`` and ``event_data`` shape each case's event.
    """
    data = dict(data or {})
    model = get_procedure(kind).model
    ids = list(dict.fromkeys(case_ids))
    result = BulkResult()
    if not ids:
        return result
    fk_names = [
        f.name for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and not f.remote_field.parent_link
    ]
    with transaction.atomic():
        # Forward keys are prefetched, not joined: thousands of cases share a few offices and people,
        # and a prefetch builds each of those once.
        cases = list(
            model._default_manager.select_for_update(of=("self", "case_ptr"))
            .prefetch_related(*fk_names)
            .filter(pk__in=ids)
            .order_by("pk")
        )
        missing = set(ids) - {c.pk for c in cases}
        for pk in missing:
            result.refused[pk] = "This case does not exist or is not of this procedure."
        exercises = {e.pk: e for e in Exercise.objects.filter(pk__in={c.exercise_id for c in cases})}
        _prime_offices(cases)
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        state_groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        changed_fields: set[str] = set()
        moved: list[Case] = []
        events: list[CaseEvent] = []
        deadlines: list[Deadline] = []
        for case in cases:
            case.exercise = exercises[case.exercise_id]
            try:
                own = data if not data_by_case or case.pk not in data_by_case else {**data, **data_by_case[case.pk]}
                step = prepare_step(case, transition, actor=actor, data=own, system=system)
            except ApplicationError as exc:
                result.refused[case.pk] = exc.message
                continue
            before = case.__dict__.copy()
            source = case.state
            try:
                getattr(case, transition)(**step.kwargs)
            except ApplicationError as exc:  # a step body may refuse this case's input; it stays as it was
                result.refused[case.pk] = exc.message
                continue
            now = case.exercise.clock
            if system and at is not None and case.pk in at and at[case.pk] < now:
                now = at[case.pk]
            _refresh_next(case, now)
            changed_fields.update(a for a in fields if before.get(a) != case.__dict__[a])
            state_groups[(source, case.state)].append(case.pk)
            event = step_event(case, step, source=source, actor=actor, now=now,
                               note=(notes or {}).get(case.pk, note), system=system)
            if system:
                event.kind = event_kind
            if event_data and case.pk in event_data:
                event.data = {**event.data, **event_data[case.pk]}
            events.append(event)
            deadlines.extend(deadlines_for(case, now))
            moved.append(case)
        result.moved = [c.pk for c in moved]
        # The state in the WHERE clause is the optimistic lock of ConcurrentTransitionMixin, in bulk.
        for (source, target), pks in state_groups.items():
            if Case.objects.filter(pk__in=pks, state=source).update(state=target) != len(pks):
                raise ApplicationError("Some of these cases were moved by someone else meanwhile; nothing was done.")
        changed_fields.discard("state")
        _write_fields(model, moved, [fields[a] for a in sorted(changed_fields)])
        events.sort(key=lambda e: e.sim_time)  # the log reads in simulated order when steps are dated apart
        CaseEvent.objects.bulk_create(events, batch_size=2000)
        Deadline.objects.bulk_create(deadlines, batch_size=2000)
    return result


def _write_fields(model: type[Case], cases: list[Case], fields: list[models.Field]) -> None:
    """Write the other changed fields: one UPDATE per table where all cases share a value, else bulk_update."""
    if not cases or not fields:
        return
    pks = [c.pk for c in cases]
    base_fields = {f.attname for f in Case._meta.concrete_fields}
    uniform: dict[str, Any] = {}
    varying: list[str] = []
    for f in fields:
        values = {repr(getattr(c, f.attname)) for c in cases}
        if len(values) == 1:
            uniform[f.attname] = getattr(cases[0], f.attname)
        else:
            varying.append(f.name)
    base = {k: v for k, v in uniform.items() if k in base_fields}
    own = {k: v for k, v in uniform.items() if k not in base_fields}
    if base:
        Case.objects.filter(pk__in=pks).update(**base)
    if own:
        model._base_manager.filter(pk__in=pks).update(**own)
    if varying:
        model._base_manager.bulk_update(cases, varying, batch_size=500)
