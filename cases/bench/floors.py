"""Honest floors: the same rows a measured run wrote, written the fastest way the database allows.

A floor is what the database needs to take the rows at all: one raw UPDATE of the changed columns
with the ids as one array (PostgreSQL ``= ANY(array)``, SQLite ``IN (SELECT value FROM json_each(?))``),
and raw multi-row INSERTs (PostgreSQL: one ``INSERT ... SELECT * FROM UNNEST(arrays)`` per chunk;
SQLite: multi-row ``VALUES`` lists, as many rows per statement as its variable limit allows), each
column's values prepared for the database the fastest way (each distinct value once). The rows
come from the measured run itself (:func:`case_columns`, :func:`rows_of`), so both sides write the same
columns and values; only the case ids differ.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, connections, models

from cases.services.sql_rows import insert_columns, prepared_column, update_same


def update_by_ids(model: type[models.Model], values: dict[str, Any], ids: list[int]) -> int:
    """Set the columns ``values`` ({attname: value}) of the rows of ``model``'s own table whose key is in ``ids``.

    The services' raw UPDATE with the ids as one array (:func:`cases.services.sql_rows.update_same`).
    """
    return update_same(model, values, ids) if values and ids else 0


def raw_insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` ({attname: value}, every row the same keys) into ``model``'s own table, raw and multi-row.

    Each column's values prepared for the database once per distinct value, then the services' one raw
    multi-row writer (:func:`cases.services.sql_rows.insert_columns`): the fastest way known here.
    """
    if not rows:
        return
    names = list(rows[0])
    fields = [next(f for f in model._meta.local_concrete_fields if f.attname == n) for n in names]
    conn = connections[connection.alias]
    columns = [prepared_column(f, [row[n] for row in rows], conn) for f, n in zip(fields, names, strict=True)]
    insert_columns(model, fields, columns, conn)


def rows_of(model: type[models.Model], **filters: Any) -> list[dict[str, Any]]:
    """Return the rows of ``model``'s own table matching ``filters`` ({attname: value}, no key), by key."""
    names = [f.attname for f in model._meta.local_concrete_fields if not f.primary_key]
    return list(model._base_manager.filter(**filters).order_by("pk").values(*names))


def case_columns(model: type[models.Model], before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Return the columns ({attname: new value}) of one row that changed between two readings."""
    return {k: v for k, v in after.items() if before.get(k) != v}


def remap(rows: list[dict[str, Any]], key: str, mapping: dict[int, int]) -> list[dict[str, Any]]:
    """Return ``rows`` with the column ``key`` moved from old to new ids (the floor's own cases)."""
    return [{**row, key: mapping[row[key]]} for row in rows]
