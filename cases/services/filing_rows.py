"""The rows of many new cases written raw: the shared base rows (their new keys read back) and the procedure's own.

:func:`cases.services.bulk_open.case_bulk_open` files thousands of cases at once. Django's
``bulk_create`` (base rows) and the manager's ``_insert`` (the procedure's rows) prepare every field
of every instance one call at a time; here each column's distinct values are prepared once and the
rows go in as multi-row INSERTs (PostgreSQL: one ``INSERT ... SELECT * FROM UNNEST(arrays)`` per
chunk), the base rows with ``RETURNING`` their keys. The values are the instances' own (what
``Model.save`` would write for fields without ``auto_now``/``auto_now_add``); :func:`writable_raw`
says whether a model's fields allow it, else the caller keeps Django's path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from django.db import connections, models

PG_CHUNK = 5000


def writable_raw(model: type[models.Model]) -> bool:
    """Return whether each concrete field of ``model`` saves the instance's value as it is.

    ``auto_now`` dates and fields with a ``pre_save`` of their own keep Django's path.
    """
    for f in model._meta.concrete_fields:
        pre_save = type(f).pre_save
        if pre_save is models.Field.pre_save:
            continue
        if isinstance(f, models.DateField) and not f.auto_now and not f.auto_now_add and pre_save in (
            models.DateField.pre_save, models.DateTimeField.pre_save):
            continue
        return False
    return True


def _column(field: models.Field, values: list[Any], conn: Any) -> list[Any]:
    """Return one column's values as ``field.get_db_prep_save`` prepares them, each distinct value once."""
    prep = field.get_db_prep_save
    try:
        done: dict[Any, Any] = {}
        out = []
        for value in values:
            key = (type(value), value)
            hit = done.get(key, done)
            if hit is done:
                hit = done[key] = prep(value, conn)
            out.append(hit)
        return out
    except TypeError:  # an unhashable value (JSON): each prepared on its own
        return [prep(value, conn) for value in values]


def _columns(fields: Sequence[models.Field], objs: Sequence[models.Model], conn: Any) -> list[list[Any]]:
    return [_column(f, [getattr(o, f.attname) for o in objs], conn) for f in fields]


def _sqlite_rows_per_statement(conn: Any, width: int) -> int:
    conn.ensure_connection()
    limit = conn.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(limit, 32_000) // max(width, 1))


def _array_type(field: models.Field, conn: Any) -> str:
    return f"{field.rel_db_type(conn) if field.is_relation else field.db_type(conn)}[]"


def insert_objs(model: type[models.Model], fields: Sequence[models.Field], objs: Sequence[models.Model], *,
                using: str, returning: models.Field | None = None) -> list[Any]:
    """Insert one row of ``model``'s own table per instance (the columns ``fields``); return ``returning``'s values.

    The returned values (the new keys) are in the instances' order: each chunk's keys come from one
    statement whose rows take increasing keys in row order, so they are read back sorted.
    """
    if not objs:
        return []
    conn = connections[using]
    quote = conn.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    tail = f" RETURNING {quote(returning.column)}" if returning is not None else ""
    columns = _columns(fields, objs, conn)
    got: list[Any] = []
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            unnest = ", ".join(f"%s::{_array_type(f, conn)}" for f in fields)
            sql = f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST({unnest}){tail}"
            for i in range(0, len(objs), PG_CHUNK):
                cursor.execute(sql, [column[i:i + PG_CHUNK] for column in columns])
                if returning is not None:
                    got.extend(sorted(row[0] for row in cursor.fetchall()))
            return got
        rows = list(zip(*columns, strict=True))
        per = _sqlite_rows_per_statement(conn, len(fields))
        one = f"({', '.join(['%s'] * len(fields))})"
        for i in range(0, len(rows), per):
            chunk = rows[i:i + per]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}{tail}",
                           [v for row in chunk for v in row])
            if returning is not None:
                got.extend(sorted(row[0] for row in cursor.fetchall()))
    return got
