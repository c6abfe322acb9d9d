"""Many rows into or within one table at once, without the ORM's work per instance.

The bulk step (:mod:`cases.services.bulk`) writes thousands of cases and events in a call. Django's
``bulk_create`` and ``bulk_update`` build or read a model instance per row, and ``bulk_update`` sends a
CASE per column; these write plain values instead. On SQLite (in-process) one prepared statement is
stepped per row, the fastest way in; on PostgreSQL one statement carries every row as one array per
column expanded by UNNEST, as Django's own ``bulk_create`` does there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, models
from django.db.models.expressions import RawSQL

CHUNK = 5000


def pks(ids: list[int]) -> Any:
    """Return the right-hand side of a ``pk__in`` filter for many ids.

    On PostgreSQL, one array parameter expanded by ``unnest`` instead of one placeholder per id: the
    driver parses a statement with ten thousand placeholders slowly, the server plans it slowly too.
    """
    if connection.vendor == "postgresql" and len(ids) > 100:
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return ids


def value_key(value: Any) -> Any:
    """Return a hashable stand-in for a field value (type included: 1, 1.0 and True stay apart)."""
    try:
        hash(value)
    except TypeError:
        return ("repr", type(value), repr(value))
    return (type(value), value)


def _converter(field: models.Field) -> Callable[[Any], Any]:
    """Return a function preparing ``field``'s values for the database, converting each distinct value once."""
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        key = value_key(value)
        if key[0] == "repr":  # unhashable (a JSON dict): convert every time
            return field.get_db_prep_save(value, connection)
        if key not in cache:
            cache[key] = field.get_db_prep_save(value, connection)
        return cache[key]

    return convert


def _array_type(field: models.Field) -> str:
    return f"{field.rel_db_type(connection) if field.is_relation else field.db_type(connection)}[]"


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows given as {attname: value} into ``model``'s table.

    Does what ``bulk_create`` does for a model with an automatic key and no auto_now fields, without
    building a model instance per row. Columns a row leaves out take the field's default, computed
    once for the call.
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
    converters = [(f.attname, _converter(f)) for f in fields]
    params = [
        [convert(row[name] if name in row else defaults[name]) for name, convert in converters]
        for row in rows
    ]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
            for i in range(0, len(params), CHUNK):
                cursor.executemany(sql, params[i:i + CHUNK])
            return
        unnest = ", ".join(f"%s::{_array_type(f)}" for f in fields)
        for i in range(0, len(params), CHUNK):
            arrays = [list(column) for column in zip(*params[i:i + CHUNK], strict=True)]
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({unnest})", arrays)


def update_rows(
    model: type[models.Model],
    fields: list[models.Field],
    rows: list[tuple[Any, ...]],
    *,
    guard: models.Field | None = None,
) -> int:
    """Set ``fields`` of each row, found by primary key, to that row's own values; return the rows written.

    ``model`` is the model whose table holds ``fields`` (a parent's, for inherited fields). ``rows``
    are ``(pk, *values)``, or with ``guard`` ``(pk, expected, *values)``: the row is written only while
    ``guard`` still holds ``expected`` (the optimistic lock of a state change), so a count short of
    ``len(rows)`` means another writer got there first.
    """
    if not rows:
        return 0
    pk = model._meta.pk
    keyed = [pk, *([guard] if guard is not None else []), *fields]
    converters = [_converter(f) for f in keyed]
    params = [[convert(v) for convert, v in zip(converters, row, strict=True)] for row in rows]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            where = f"{quote(pk.column)} = %s" + (f" AND {quote(guard.column)} = %s" if guard is not None else "")
            sql = f"UPDATE {table} SET {sets} WHERE {where}"
            # The values come first in the statement, the key (and guard) last.
            n = 1 + (guard is not None)
            ordered = [[*row[n:], *row[:n]] for row in params]
            for i in range(0, len(ordered), CHUNK):
                cursor.executemany(sql, ordered[i:i + CHUNK])
                written += cursor.rowcount
            return written
        names = [f"v{i}" for i in range(len(keyed))]
        sets = ", ".join(f"{quote(f.column)} = v.{name}" for f, name in zip(fields, names[-len(fields):], strict=True))
        where = f"t.{quote(pk.column)} = v.v0" + (f" AND t.{quote(guard.column)} = v.v1" if guard is not None else "")
        unnest = ", ".join(f"%s::{_array_type(f)}" for f in keyed)
        sql = f"UPDATE {table} AS t SET {sets} FROM UNNEST({unnest}) AS v({', '.join(names)}) WHERE {where}"
        for i in range(0, len(params), CHUNK):
            cursor.execute(sql, [list(column) for column in zip(*params[i:i + CHUNK], strict=True)])
            written += cursor.rowcount
    return written
