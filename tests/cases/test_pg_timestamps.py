"""PostgreSQL reads timestamptz with psycopg's C loader, giving exactly what Django's own loader gives.

cases/pg_timestamps.py registers it on each new connection whose zone is UTC on both sides; elsewhere
Django's loader stays. Run on PostgreSQL by tests/integration/test_bulk_on_postgres.py.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader, register_tzloader
from psycopg.pq import Format

from cases.pg_timestamps import use_c_timestamptz_loader

VALUES = [
    "1961-01-01 09:00:00+00", "1962-03-05 23:59:59.999999+08", "1955-06-30 12:34:56.5-05:30",
    "1899-12-31 23:59:59+00", "0001-01-01 00:00:00.5+00", "9999-12-31 23:59:59.999999+00",
    "1970-01-01 00:00:00.000001+00", "1964-06-09 08:00:00+09",
]
QUERY = ("SELECT v, ARRAY[v, NULL, v - interval '1 microsecond'] FROM unnest(%s::timestamptz[]) AS v "
         "UNION ALL SELECT NULL, NULL")


def _oid() -> int:
    return psycopg.postgres.types["timestamptz"].oid


def _on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's loaders")
    if psycopg.pq.__impl__ == "python":
        pytest.skip("psycopg without its C implementation keeps Django's loader")


def _rows(django_loader: bool) -> list[Any]:
    with connection.cursor() as cursor:
        if django_loader:
            register_tzloader(connection.timezone, cursor.cursor)  # as Django's create_cursor would
        cursor.execute(QUERY, ["{" + ",".join(f'"{v}"' for v in VALUES) + "}"])
        return cursor.fetchall()


def _zones(rows: list[Any]) -> list[Any]:
    return [getattr(v, "tzinfo", None) for row in rows for cell in row
            for v in (cell if isinstance(cell, list) else [cell])]


@pytest.mark.django_db
def test_a_connection_reads_timestamptz_with_the_c_loader() -> None:
    _on_postgresql()
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(_oid(), Format.TEXT)
    assert not issubclass(loader, BaseTzLoader), loader
    assert loader.timezone is dt.UTC  # Django's create_cursor reads it and adds no loader of its own
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.cursor.adapters.get_loader(_oid(), Format.TEXT) is loader


@pytest.mark.django_db
def test_the_c_loader_reads_what_djangos_loader_reads() -> None:
    _on_postgresql()
    fast, django = _rows(False), _rows(True)
    assert fast == django and len(fast) == len(VALUES) + 1
    # The same tzinfo object, not only equal instants: the values print and compare as Django's do.
    assert [z is None for z in _zones(fast)] == [z is None for z in _zones(django)]
    assert all(z is dt.UTC for z in _zones(fast) if z is not None)
    assert fast[1][0] == dt.datetime(1962, 3, 5, 15, 59, 59, 999999, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_another_zone_keeps_djangos_loader() -> None:
    _on_postgresql()
    shanghai = SimpleNamespace(vendor="postgresql", timezone=zoneinfo.ZoneInfo("Asia/Shanghai"),
                               connection=connection.connection)
    assert use_c_timestamptz_loader(None, shanghai) is False  # type: ignore[arg-type]
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Shanghai'")
        try:
            assert use_c_timestamptz_loader(None, connection) is False
        finally:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert use_c_timestamptz_loader(None, connection) is True


def test_sqlite_is_left_alone() -> None:
    assert use_c_timestamptz_loader(None, SimpleNamespace(vendor="sqlite")) is False  # type: ignore[arg-type]
