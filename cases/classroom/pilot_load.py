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

from django.db import models

from cases.models import Case
from cases.procedures import get_procedure
from cases.services.bulk import attach_related, instances_from_rows, rows_where
from cases.services.sql_rows import rows_by_ids

LOAD_CHUNK = 2000
# Keys the planner gives every case itself (one shared exercise, the office from its own map).
_SHARED_KEYS = ("exercise", "next_office")


def _attnames(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


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
    loaded: list[Case] = []
    for kind, kind_ids in sorted(by_kind.items()):
        model = get_procedure(kind).model
        names = _attnames(model)
        closed = names.index("closed_at")
        # Built as Model.from_db would (cases/services/bulk.py), the remembered FSM state read from the row.
        open_rows = [row for row in rows_where(model, "pk", kind_ids) if row[closed] is None]
        cases = instances_from_rows(model, names, open_rows)
        attach_related(model, cases, skip=_SHARED_KEYS)
        loaded.extend(cases)
    return loaded
