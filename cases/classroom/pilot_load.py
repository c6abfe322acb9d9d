"""Load many open cases for the autopilot's planner: rows read once, instances built without ``Model.__init__``.

The planner looks at thousands of cases per time move. ``QuerySet`` iteration builds each instance
through ``Model.__init__`` (a descriptor per field) and ``select_related`` once more per joined row;
here each case is one row of a compiled ``values_list`` (converted by the database backend as any
query's values are) made into the instance ``Model.from_db`` would return, and each forward key's
rows are read once and shared. The instances are the same as loading them one by one: every concrete
field set, loaded from the database, not adding, ConcurrentTransitionMixin's remembered state taken.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models.base import ModelState

from cases.models import Case
from cases.procedures import get_procedure
from cases.services.bulk import instances_from_rows
from cases.services.sql_rows import rows_by_ids

LOAD_CHUNK = 2000
# Keys the planner gives every case itself (one shared exercise, the office from its own map).
_SHARED_KEYS = ("exercise", "next_office")


def _attnames(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def build(model: type[models.Model], names: list[str], row: list[Any], db: str) -> Any:
    """Return the instance ``model.from_db(db, names, row)`` would, without ``Model.__init__``'s work per field."""
    obj = model.__new__(model)
    obj.__dict__.update(zip(names, row, strict=True))
    state = ModelState()
    state.adding = False
    state.db = db
    obj._state = state
    update_initial = getattr(obj, "_update_initial_state", None)
    if update_initial is not None:
        update_initial()  # ConcurrentTransitionMixin: the state the next save() checks against
    return obj


def _rows(model: type[models.Model], ids: list[Any], names: list[str], key: str = "pk") -> list[list[Any]]:
    """Return the rows (``names``) of ``model`` whose ``key`` is in ``ids``, in pk order: one compiled query."""
    return rows_by_ids(
        ("pilot-load", model, key),
        lambda param: model._base_manager.filter(**{f"{key}__in": param}).order_by("pk").values_list(*names),
        ids,
    )


def _forward_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields
            if f.is_relation and f.many_to_one and not f.remote_field.parent_link and f.name not in _SHARED_KEYS]


def _attach(model: type[models.Model], cases: list[Any], db: str) -> None:
    """Read each forward key's rows once (one query per key) and cache them on the cases, as select_related would."""
    for f in _forward_keys(model):
        ids = sorted({getattr(c, f.attname) for c in cases} - {None})
        related: dict[Any, Any] = {}
        if ids:
            target = f.related_model
            names = _attnames(target)
            key = f.target_field.attname
            at = names.index(key)
            rows = _rows(target, ids, names, key)
            related = {row[at]: obj for row, obj in zip(rows, instances_from_rows(target, names, rows), strict=True)}
        for case in cases:
            case._state.fields_cache[f.name] = related.get(getattr(case, f.attname))


def load_open_cases(pks: Iterable[int], kinds: dict[int, str] | None = None) -> list[Case]:
    """Load the open cases among ``pks`` as their procedures' models, forward keys attached (in pk order per kind).

    ``kinds`` maps a case to its procedure when the caller knows it already (else it is read).
    Closed cases are left out. The exercise and next office are the caller's to set.
    """
    ids = sorted(set(pks))
    if not ids:
        return []  # nothing to read (a re-plan of cases the planner holds already)
    if kinds is None:
        kinds = {}
        kinds.update(rows_by_ids(("pilot-kinds",), lambda param: Case.objects.filter(pk__in=param)
                                 .values_list("pk", "kind"), ids))
    by_kind: dict[str, list[int]] = defaultdict(list)
    for pk in ids:
        if pk in kinds:
            by_kind[kinds[pk]].append(pk)
    db = connection.alias
    loaded: list[Case] = []
    for kind, kind_ids in sorted(by_kind.items()):
        model = get_procedure(kind).model
        names = _attnames(model)
        closed = names.index("closed_at")
        # Built as Model.from_db would (cases/services/bulk.py), the remembered FSM state read from the row.
        cases = instances_from_rows(model, names, [row for row in _rows(model, kind_ids, names) if row[closed] is None])
        _attach(model, cases, db)
        loaded.extend(cases)
    return loaded
