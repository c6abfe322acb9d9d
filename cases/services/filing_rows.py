"""The rows of many new cases written raw: the shared base rows (their new keys read back) and the procedure's own.

:func:`cases.services.bulk_open.case_bulk_open` files thousands of cases at once. Django's
``bulk_create`` (base rows) and the manager's ``_insert`` (the procedure's rows) prepare every field
of every instance one call at a time; here each column's distinct values are prepared once and the
rows go in through :func:`cases.services.sql_rows.insert_columns`, the base rows with ``RETURNING``
their keys. The values are the instances' own (what
``Model.save`` would write for fields without ``auto_now``/``auto_now_add``); :func:`writable_raw`
says whether a model's fields allow it, else the caller keeps Django's path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models

from cases.services.sql_rows import insert_columns, prepared_column


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


def _columns(fields: Sequence[models.Field], objs: Sequence[models.Model], conn: Any) -> list[list[Any]]:
    return [prepared_column(f, [getattr(o, f.attname) for o in objs], conn) for f in fields]


def insert_objs(model: type[models.Model], fields: Sequence[models.Field], objs: Sequence[models.Model], *,
                using: str, returning: models.Field | None = None) -> list[Any]:
    """Insert one row of ``model``'s own table per instance (the columns ``fields``); return ``returning``'s values.

    The returned values (the new keys) are in the instances' order: each chunk's keys come from one
    statement whose rows take increasing keys in row order, so they are read back sorted.
    """
    if not objs:
        return []
    conn = connections[using]
    return insert_columns(model, list(fields), _columns(fields, objs, conn), conn, returning=returning)
