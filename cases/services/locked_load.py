"""Load one case locked, with its forward keys joined, its SQL compiled once per connection and model.

The single-case step starts with ``select_for_update(of=("self", "case_ptr")).select_related(...).get(pk=...)``.
Compiling that query (two tables, every forward key joined) costs more than running it; it is the same
SQL for every case, only the key differs. Here it is compiled once per connection and model, and each
call executes the stored SQL and builds the instances exactly as the queryset's own iterator does
(``from_db`` for the case, Django's related populators for the joined rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models.query import MAX_GET_RESULTS, get_related_populators

from cases.models import Case

_PROBE = 2**40 + 11  # stands for the key while compiling; found again among the parameters


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    at: int  # position of the key among the parameters
    compiler: Any
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]


def _forward_keys(model: type[Case]) -> list[str]:
    return [
        f.name for f in model._meta.concrete_fields
        if f.is_relation and f.many_to_one and not f.remote_field.parent_link
    ]


def _queryset(model: type[Case], pk: Any) -> Any:
    return (
        model._default_manager.select_for_update(of=("self", "case_ptr"))
        .select_related(*_forward_keys(model))
        .filter(pk=pk)
    )


def _compile(model: type[Case], db: str) -> _Compiled:
    qs = _queryset(model, _PROBE)
    # As QuerySet.get() does: a limit, where the database takes one with FOR UPDATE.
    if connections[db].features.supports_select_for_update_with_limit:
        qs.query.set_limits(high=MAX_GET_RESULTS)
    compiler = qs.query.get_compiler(using=db)
    sql, params = compiler.as_sql()
    positions = [i for i, p in enumerate(params) if p == _PROBE]
    if len(positions) != 1:
        raise ValueError("the locking query should take the key once")
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Compiled(
        sql=sql, params=tuple(params), at=positions[0], compiler=compiler,
        init_list=[f[0].target.attname for f in select[start:end]], start=start, end=end,
        populators=get_related_populators(klass_info, select, db),
    )


def load_locked_case(model: type[Case], pk: Any) -> Case:
    """Return the case ``pk`` as ``model``, locked, its forward keys joined; raise ``model.DoesNotExist`` if none.

    The same query, rows, locks and instances as ``_queryset(model, pk).get()``.
    """
    db = router.db_for_write(model)
    conn = connections[db]
    cache: dict[type, _Compiled] = conn.__dict__.setdefault("_border_desk_locked_load", {})
    compiled = cache.get(model)
    if compiled is None:
        compiled = cache[model] = _compile(model, db)
    key = model._meta.pk.get_prep_value(pk)
    params = list(compiled.params)
    params[compiled.at] = key
    with conn.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        fetched = cursor.fetchall()
    found = []
    for row in compiled.compiler.results_iter([fetched]):
        obj = model.from_db(db, compiled.init_list, row[compiled.start:compiled.end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        found.append(obj)
    if not found:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    if len(found) > 1:
        raise model.MultipleObjectsReturned(f"get() returned more than one {model._meta.object_name}")
    return found[0]
