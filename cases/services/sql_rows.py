"""Many rows into or within one table at once, without the ORM's work per instance.

The bulk step (:mod:`cases.services.bulk`) writes thousands of cases and events in a call. Django's
``bulk_create`` and ``bulk_update`` build or read a model instance per row, and ``bulk_update`` sends a
CASE per column; these write plain values instead. On SQLite a statement carries as many rows as
its variable limit allows (multi-row VALUES lists); on PostgreSQL one statement carries every row as
one array per column expanded by UNNEST, as Django's own ``bulk_create`` does there.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import chain
from operator import itemgetter
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models
from django.db.models.expressions import RawSQL

CHUNK = 5000
FEW = 4  # PostgreSQL: up to this many rows go in as a plain VALUES list


def pks(ids: list[int]) -> Any:
    """Return the right-hand side of a ``pk__in`` filter for many ids.

    On PostgreSQL, one array parameter expanded by ``unnest`` instead of one placeholder per id: the
    driver parses a statement with ten thousand placeholders slowly, the server plans it slowly too.
    """
    if connection.vendor == "postgresql" and len(ids) > 100:
        return RawSQL("SELECT unnest(%s::bigint[])", (pg_array(list(ids)),))
    return ids


def _quoted(text: str) -> str:
    """Return ``text`` as one element of a PostgreSQL array literal (double-quoted, ``"`` and ``\\`` escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _json_element(value: Any) -> str:
    text = (value.dumps or json.dumps)(value.obj)
    return _quoted(text.decode() if isinstance(text, bytes) else text)


def _element_formats() -> dict[type, Callable[[Any], str]]:
    from psycopg.types.json import Json, Jsonb

    def iso(value: Any) -> str:
        return '"' + value.isoformat() + '"'

    return {
        int: str, Decimal: str, bool: lambda v: "t" if v else "f", str: _quoted, type(None): lambda _v: "NULL",
        dt.datetime: iso, dt.date: iso, dt.time: iso, Json: _json_element, Jsonb: _json_element,
    }


_ELEMENT_FORMATS: dict[type, Callable[[Any], str]] = {}


def pg_array(values: list[Any]) -> Any:
    """Return one column's prepared values as the text of a PostgreSQL array literal, for a ``%s::type[]`` parameter.

    psycopg turns a Python list into an array literal element by element, in Python, with a regular
    expression per element (arrays have no C adapter): a bulk write's columns spent more time there
    than the server spent writing them. Here each distinct value is formatted once and the literal
    joined at C speed; the server reads it as it would read psycopg's (the same text format: NULL,
    ``t``/``f``, ISO dates, double-quoted strings with ``"`` and ``\\`` escaped). A column holding a
    type not known here is given back as it is, for psycopg to adapt.
    """
    types = set(map(type, values))
    if types <= {int}:
        return "{" + ",".join(map(str, values)) + "}"
    if not _ELEMENT_FORMATS:
        _ELEMENT_FORMATS.update(_element_formats())
    formats = {t: _ELEMENT_FORMATS.get(t) for t in types}
    if None in formats.values():
        return values
    if len(types - {type(None)}) == 1:
        # One type (and NULLs): equal values format alike, each distinct one formatted once.
        try:
            done = {v: formats[type(v)](v) for v in dict.fromkeys(values)}  # type: ignore[misc]
        except TypeError:  # unhashable values
            pass
        else:
            return "{" + ",".join(map(done.__getitem__, values)) + "}"
    return "{" + ",".join([formats[type(v)](v) for v in values]) + "}"  # type: ignore[misc]


def value_key(value: Any) -> Any:
    """Return a hashable stand-in for a field value (type included: 1, 1.0 and True stay apart)."""
    try:
        hash(value)
    except TypeError:
        return ("repr", type(value), repr(value))
    return (type(value), value)


def _db() -> Any:
    """Return this thread's connection itself, not the ``django.db.connection`` proxy.

    Every attribute read through the proxy looks the connection up again; converting ten thousand
    rows reads it tens of thousands of times.
    """
    return connections[connection.alias]


_INT_PROBE = 2**40 + 7
SQLITE_MAX_VARIABLES = 32_766  # SQLite's default limit since 3.32; a build may allow more, or fewer


def sqlite_variables(conn: Any) -> int:
    """Return how many bound variables one SQLite statement may hold on this connection (at most 32,766)."""
    import sqlite3

    conn.ensure_connection()
    return min(conn.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER), SQLITE_MAX_VARIABLES)


def _converter(field: models.Field, conn: Any = None) -> Callable[[Any], Any]:
    """Return a function preparing ``field``'s values for the database, converting each distinct value once.

    A value is looked up by itself (one hash), its type kept beside the converted value: equal values
    of another type (1 and True) are converted on their own. Unhashable values (a JSON dict) are
    converted every time, except the empty dict most events carry.
    """
    conn = conn or _db()
    cache: dict[Any, tuple[type, Any]] = {}
    prep = field.get_db_prep_save
    empty: list[Any] = []

    def convert(value: Any) -> Any:
        try:
            hit = cache.get(value)
        except TypeError:
            if type(value) is dict and not value:
                if not empty:
                    empty.append(prep(value, conn))
                return empty[0]
            return prep(value, conn)
        if hit is None or hit[0] is not type(value):
            hit = (type(value), prep(value, conn))
            cache.setdefault(value, hit)
        return hit[1]

    return convert


def _ints_pass(field: models.Field, conn: Any) -> bool:
    """Return whether ``field`` prepares a plain int as that same int (keys and counts: no conversion needed)."""
    try:
        out = field.get_db_prep_save(_INT_PROBE, conn)
    except Exception:
        return False
    return type(out) is int and out == _INT_PROBE


def prepared_column(field: models.Field, values: list[Any], conn: Any) -> list[Any]:
    """Return one column's values prepared for the database, as :func:`_converter` would prepare each.

    Most columns of a bulk write hold a few distinct values of one type (a state, an office, a time):
    each distinct value is converted once and the column mapped through the results at C speed. A
    column of plain ints on a field that keeps them as they are (keys) is taken as it is.
    """
    types = set(map(type, values))
    if types == {int} and _ints_pass(field, conn):
        return values
    if len(types) == 1:
        try:
            distinct = dict.fromkeys(values)
        except TypeError:
            distinct = None
        if distinct is not None:
            # One type only: equal values are the same value to the database (no 1 / True mix-up).
            prep = field.get_db_prep_save
            done = {value: prep(value, conn) for value in distinct}
            return list(map(done.__getitem__, values))
    return list(map(_converter(field, conn), values))


def _ids_sql() -> str:
    """The SQL a list of ids given as one parameter reads as (PostgreSQL: an array; SQLite: JSON)."""
    return "SELECT unnest(%s::bigint[])" if connection.vendor == "postgresql" else "SELECT value FROM json_each(%s)"


def ids_param(ids: list[int]) -> RawSQL:
    """Return ``ids`` as one parameter, the same SQL whatever their number (PostgreSQL: an array; SQLite: JSON)."""
    return RawSQL(_ids_sql(), (ids_value(ids),))


def ids_value(ids: list[int]) -> Any:
    """Return ``ids`` as the one parameter :func:`ids_param` and :func:`ids_placeholder` take."""
    return pg_array(list(ids)) if connection.vendor == "postgresql" else json.dumps(list(ids))


class _Probe:
    """Stands for one parameter of a query while it is compiled; found again among the compiled parameters."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def placeholder(index: int, template: str = "%s") -> RawSQL:
    """Return what stands for parameter ``index`` of :func:`rows_by_params` in a query (``template`` holds its %s)."""
    return RawSQL(template, (_Probe(index),))


def ids_placeholder(index: int) -> RawSQL:
    """Return parameter ``index`` of :func:`rows_by_params` as a list of ids (give its value by :func:`ids_value`)."""
    return placeholder(index, _ids_sql())


_PREPARED: dict[tuple[Any, ...], tuple[str, list[Any], list[tuple[int, int]], list[Any]]] = {}


def rows_by_params(key: tuple[Any, ...], build: Callable[[], Any], *values: Any) -> list[list[Any]]:
    """Run the ``values_list`` query ``build()`` with ``values``, its SQL compiled once per ``key``.

    ``build`` puts ``placeholder(i)`` (or :func:`ids_placeholder`) where ``values[i]`` goes, once each
    (a filter's right-hand side); each value is given as the database takes it (a key, a string,
    :func:`ids_value`, or a field's ``get_db_prep_value``, as the lookup would prepare it). The rest of
    the query's parameters are fixed by ``build``. The SQL is compiled once per process and connection
    kind; each call executes it and applies the query's own converters (a fixed cost of one round trip
    instead of building and compiling the query again).
    """
    full = (connection.vendor, connection.alias, *key)
    if full not in _PREPARED:
        qs = build()
        compiler = qs.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = [(at, p.index) for at, p in enumerate(params) if isinstance(p, _Probe)]
        if sorted(i for _at, i in slots) != list(range(len(values))):
            raise ValueError("rows_by_params needs each placeholder used exactly once")
        converters = compiler.get_converters([col for col, _sql, _alias in compiler.select])
        _PREPARED[full] = (sql, list(params), slots, list(converters.items()))
    sql, fixed, slots, converters = _PREPARED[full]
    params = list(fixed)
    for at, index in slots:
        params[at] = values[index]
    conn = _db()
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if not fetched:
        return []
    if not converters:
        return [list(r) for r in fetched]
    columns = list(zip(*fetched, strict=True))
    for pos, (funcs, expression) in converters:
        columns[pos] = _converted(columns[pos], funcs, expression, conn)
    return list(map(list, zip(*columns, strict=True)))


def rows_by_ids(key: tuple[Any, ...], build: Callable[[Any], Any], ids: list[int]) -> list[list[Any]]:
    """Run the ``values_list`` query ``build(ids_param)`` for ``ids``, its SQL compiled once per ``key``.

    The query's only parameter is the ids (:func:`ids_placeholder`), so its SQL is the same for any
    number of them (:func:`rows_by_params`).
    """
    return rows_by_params(("by-ids", *key), lambda: build(ids_placeholder(0)), ids_value(ids))


def query_rows(qs: Any) -> list[list[Any]]:
    """Run the ``values_list`` queryset ``qs`` and return its rows as lists, converted as the queryset would.

    The same SQL and the same values as iterating ``qs``; the converters run once per distinct value of
    a column instead of once per row and field.
    """
    compiler = qs.query.get_compiler(using=qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter that can match nothing (``pk__in=[]``): no query, as the queryset does
        return []
    converters = list(compiler.get_converters([col for col, _sql, _alias in compiler.select]).items())
    conn = _db()
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if not fetched:
        return []
    columns = list(zip(*fetched, strict=True))
    for pos, (funcs, expression) in converters:
        columns[pos] = _converted(columns[pos], funcs, expression, conn)
    return list(map(list, zip(*columns, strict=True)))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk write builds its many objects.

    A step on thousands of cases makes hundreds of thousands of small objects that live until it
    ends; the collector would scan the whole heap again and again meanwhile, for nothing (none of
    them is garbage yet). Reference counting still frees everything as usual; the collector runs
    again as soon as the write is done (nested pauses leave that to the outermost).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _converted(raw: tuple[Any, ...], funcs: list[Any], expression: Any, conn: Any) -> list[Any]:
    """Return one fetched column through the query's converters, as the query itself would give it.

    Many rows share a value (the same time, the same flag): each distinct one is converted once,
    except JSON, whose converted values are mutable and must not be shared between rows.
    """
    def convert(value: Any) -> Any:
        for func in funcs:
            value = func(value, expression, conn)
        return value

    if expression.output_field.get_internal_type() != "JSONField":
        try:
            done = {value: convert(value) for value in dict.fromkeys(raw)}
        except TypeError:  # an unhashable value from the driver: each converted on its own
            pass
        else:
            return list(map(done.__getitem__, raw))
    return list(map(convert, raw))


def update_same(model: type[models.Model], values: dict[str, Any], ids: list[int], *,
                guard: tuple[str, Any] | None = None, copies: dict[str, str] | None = None) -> int:
    """Set the columns ``values`` ({attname: value}) of ``model``'s table to the same values for ``ids``.

    One raw UPDATE with the ids as one parameter; ``guard`` (attname, value) writes a row only while
    that column still holds that value (the optimistic lock of a state change); ``copies``
    ({attname: attname}) sets a column to another column of the same row (as ``F()`` would). Return
    the rows written.
    """
    if not ids:
        return 0
    quote = connection.ops.quote_name
    opts = model._meta
    fields = [opts.get_field(name) for name in values]
    sets = ", ".join([
        *(f"{quote(f.column)} = %s" for f in fields),
        *(f"{quote(opts.get_field(a).column)} = {quote(opts.get_field(b).column)}" for a, b in (copies or {}).items()),
    ])
    params = [f.get_db_prep_save(values[name], connection) for f, name in zip(fields, values, strict=True)]
    if connection.vendor == "postgresql":
        where = f"{quote(opts.pk.column)} = ANY(%s::bigint[])"
    else:
        where = f"{quote(opts.pk.column)} IN (SELECT value FROM json_each(%s))"
    params.append(ids_value(ids))
    if guard is not None:
        g = opts.get_field(guard[0])
        where += f" AND {quote(g.column)} = %s"
        params.append(g.get_db_prep_save(guard[1], connection))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(opts.db_table)} SET {sets} WHERE {where}", params)
        return int(cursor.rowcount)


def _array_type(field: models.Field, conn: Any = None) -> str:
    conn = conn or connection
    return f"{field.rel_db_type(conn) if field.is_relation else field.db_type(conn)}[]"


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
    conn = _db()
    columns_values = []
    for f in fields:
        try:
            values = list(map(itemgetter(f.attname), rows))
        except KeyError:  # some rows leave it out: the field's default, computed once for the call
            default = f.get_default()
            values = [row.get(f.attname, default) for row in rows]
        columns_values.append(prepared_column(f, values, conn))
    insert_columns(model, fields, columns_values, conn)


def insert_columns(model: type[models.Model], fields: list[models.Field], columns: list[list[Any]], conn: Any, *,
                   returning: models.Field | None = None) -> list[Any]:
    """Insert rows given as prepared columns (one list per field, :func:`prepared_column`) into ``model``'s table.

    The one raw multi-row writer: SQLite gets as many rows per statement as its variable limit allows
    (about twice as fast as one row statement stepped per row); PostgreSQL one array per column
    expanded by UNNEST per chunk, or plain VALUES for a few rows (the same SQL every time, which
    psycopg prepares once; a step's own event). ``returning`` reads that column of the new rows back
    (their keys), in row order: each statement's rows take increasing keys in row order, so each
    statement's values are read back sorted.
    """
    if not columns or not columns[0]:
        return []
    count = len(columns[0])
    quote = conn.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    tail = f" RETURNING {quote(returning.column)}" if returning is not None else ""
    one = f"({', '.join(['%s'] * len(fields))})"
    got: list[Any] = []

    def read_back(cursor: Any) -> None:
        if returning is not None:
            got.extend(sorted(row[0] for row in cursor.fetchall()))

    with conn.cursor() as cursor:
        if conn.vendor != "postgresql" or count <= FEW:
            rows = list(zip(*columns, strict=True))
            per = max(1, sqlite_variables(conn) // len(fields)) if conn.vendor != "postgresql" else count
            for i in range(0, count, per):
                chunk = rows[i:i + per]
                cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}{tail}",
                               list(chain.from_iterable(chunk)))
                read_back(cursor)
            return got
        unnest = ", ".join(f"%s::{_array_type(f, conn)}" for f in fields)
        for i in range(0, count, CHUNK):
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST({unnest}){tail}",
                           [pg_array(column[i:i + CHUNK]) for column in columns])
            read_back(cursor)
    return got


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
    conn = _db()
    # Column by column, each distinct value prepared once (as insert_rows does), then the rows again.
    columns = [prepared_column(f, list(values), conn) for f, values in zip(keyed, zip(*rows, strict=True), strict=True)]
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
            ordered = list(zip(*columns[n:], *columns[:n], strict=True))
            for i in range(0, len(ordered), CHUNK):
                cursor.executemany(sql, ordered[i:i + CHUNK])
                written += cursor.rowcount
            return written
        names = [f"v{i}" for i in range(len(keyed))]
        sets = ", ".join(f"{quote(f.column)} = v.{name}" for f, name in zip(fields, names[-len(fields):], strict=True))
        where = f"t.{quote(pk.column)} = v.v0" + (f" AND t.{quote(guard.column)} = v.v1" if guard is not None else "")
        unnest = ", ".join(f"%s::{_array_type(f)}" for f in keyed)
        sql = f"UPDATE {table} AS t SET {sets} FROM UNNEST({unnest}) AS v({', '.join(names)}) WHERE {where}"
        for i in range(0, len(rows), CHUNK):
            cursor.execute(sql, [pg_array(column[i:i + CHUNK]) for column in columns])
            written += cursor.rowcount
    return written
