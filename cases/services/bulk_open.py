"""File many new cases of one procedure at once, with the same checks and records as one at a time.

Large scenario loads (a province's year of border crossers) would spend most of their time in one
INSERT per row; this writes the shared base rows, the procedure's own rows, the filing events and the
first deadlines with one bulk INSERT each per batch, all in one transaction, numbering the cases in
sequence the way :func:`cases.services.steps.case_open` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, router, transaction

from cases.engine import acting_office
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, EventKind, Exercise
from cases.rules.in_force import filing_fields
from cases.services.filing_rows import insert_objs, writable_raw
from cases.services.sql_rows import insert_rows
from cases.services.steps import _refresh_next, deadline_values, filing_check, next_number

BATCH = 2000


def case_bulk_open(
    *,
    cases: Sequence[Case],
    actor: Any,
    office_kind: str,
    rules: tuple[str, ...],
    note: str = "",
) -> list[Case]:
    """File ``cases`` (unsaved instances of one procedure, one exercise, in their initial state) at once.

    ``actor`` None means the system (a scenario, a benchmark) files them; a user must hold the
    filing office for every case. Nothing is written unless every case can be filed.
    """
    if not cases:
        return []
    model = type(cases[0])
    if any(type(c) is not model for c in cases) or len({c.exercise_id for c in cases}) != 1:
        raise ApplicationError("File cases of one procedure in one exercise at a time.")
    exercise = Exercise.objects.get(pk=cases[0].exercise_id)
    if exercise.paused:
        raise ApplicationError("The exercise is paused by the teacher; nothing can be filed now.")
    offices = Case.offices_by_kind(exercise.pk)
    fields = filing_fields(model.PROCEDURE_KIND)
    now = exercise.clock
    checked: dict[int | None, bool] = {}
    checked_dates: set[tuple[str, tuple[Any, ...]]] = set()  # (regime, fields) already checked: the check is per kind
    for case in cases:
        case.exercise = exercise
        case.kind = model.PROCEDURE_KIND
        case.regime = case.regime or exercise.regime
        case.prime_offices(offices)
        office = case.office_for(office_kind)
        if office is None:
            raise ApplicationError(f"This exercise has no office of the kind needed: {office_kind}.")
        if actor is not None and office.pk not in checked:
            checked[office.pk] = acting_office(actor, case, office_kind) is not None
        if actor is not None and not checked[office.pk]:
            raise ApplicationError(f"Only {office} may file these cases, and you do not hold that office.")
        key = (case.regime, tuple(getattr(case, f, "") for f in fields))
        if key not in checked_dates:
            filing_check(exercise, case)
            checked_dates.add(key)
        case.filed_at = now
        _refresh_next(case, now)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                _insert(model, cases, exercise, actor=actor, office_kind=office_kind, rules=rules, note=note)
            return list(cases)
        except IntegrityError:  # another filing took one of the numbers meanwhile: number again
            for case in cases:
                case.pk = case.id = None
                case.case_ptr_id = None  # type: ignore[attr-defined]
            continue
    raise ApplicationError("Could not number the new cases; please try again.")


def _insert(model: type[Case], cases: Sequence[Case], exercise: Exercise, *, actor: Any, office_kind: str,
            rules: tuple[str, ...], note: str) -> None:
    stem, first = next_number(exercise, model.REFERENCE_PREFIX)  # type: ignore[attr-defined]
    for i, case in enumerate(cases):
        case.reference = f"{stem}{first + i:04d}"
    db = router.db_for_write(model)
    raw = writable_raw(Case) and writable_raw(model)
    base_fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    own_fields = list(model._meta.local_concrete_fields)
    now = exercise.clock
    actor_id = actor.pk if actor is not None else None
    labels: dict[str, str] = {}  # the state's label, looked up once per state
    for start in range(0, len(cases), BATCH):
        chunk = cases[start:start + BATCH]
        if raw:
            # The base rows and then the procedure's rows, raw (cases/services/filing_rows.py): the same
            # columns and values Django's bulk_create and per-row child insert write.
            keys = insert_objs(Case, base_fields, chunk, using=db, returning=Case._meta.pk)
        else:
            parents = [Case(**{f.attname: getattr(c, f.attname) for f in base_fields}) for c in chunk]
            Case.objects.bulk_create(parents)  # returns the new keys on SQLite and PostgreSQL
            keys = [parent.pk for parent in parents]
        for case, key in zip(chunk, keys, strict=True):
            case.pk = case.id = key
            case.case_ptr_id = key  # type: ignore[attr-defined]
            case._state.adding = False
            case._state.db = db
        if raw:
            insert_objs(model, own_fields, chunk, using=db)
        else:
            # Django's bulk_create does not write multi-table children; its own per-row save path inserts
            # the child row with ``_insert``: the same call, for a batch of rows.
            model._base_manager._insert(chunk, fields=own_fields, using=db)  # type: ignore[attr-defined]
        events = []
        for c in chunk:
            state = c.state
            if state not in labels:
                labels[state] = c.state_label()
            office = c.office_for(office_kind)
            office_id = office.pk if office is not None else None
            events.append({
                "case_id": c.pk, "exercise_id": exercise.pk, "kind": EventKind.FILED,
                "label": f"Filed: {labels[state]}", "target_state": state, "actor_id": actor_id, "office_id": office_id,
                "sim_time": now, "rules": ",".join(rules), "note": note,
            })
        insert_rows(CaseEvent, events)
        insert_rows(Deadline, [d for c in chunk for d in deadline_values(c, now)])
