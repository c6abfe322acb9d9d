"""A bulk write's columns go to PostgreSQL as array literals built here, read back as psycopg's own would be.

cases/services/sql_rows.py: pg_array formats each distinct value once instead of letting psycopg adapt a
list element by element. The server must read exactly the values psycopg's adaptation gives it, for
every type a prepared column holds; a type not known there is left for psycopg.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from psycopg.types.json import Jsonb

from cases.services.sql_rows import pg_array

UTC = dt.UTC
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TRICKY = ['', 'plain', 'with "quotes"', 'back\\slash', 'a,b', '{braces}', ' spaced ', 'NULL', 'null',
          "it's", 'line\nbreak', 'Yanbian 延边', '\\"', 'tab\there']

COLUMNS: list[tuple[str, list[Any]]] = [
    ("bigint", [1, 2**40 + 7, -3, 0]),
    ("bigint", [5, None, 5, None]),
    ("boolean", [True, False, None, True]),
    ("text", TRICKY),
    ("varchar(40)", [None, *TRICKY, None]),
    ("timestamptz", [dt.datetime(1961, 1, 1, 9, 0, tzinfo=UTC), None,
                     dt.datetime(1962, 3, 5, 23, 59, 59, 999999, tzinfo=SHANGHAI),
                     dt.datetime(1961, 1, 1, 9, 0, tzinfo=UTC)]),
    ("date", [dt.date(1955, 1, 1), None, dt.date(1970, 12, 31)]),
    ("numeric", [Decimal("1.50"), Decimal("-0.001"), None]),
    ("jsonb", [Jsonb({}), Jsonb({"note": 'said "no"', "path": "a\\b", "n": [1, 2]}), None, Jsonb([]),
               Jsonb("text")]),
]


def _read(type_: str, param: Any) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{type_}[]", [param])
        return list(cursor.fetchone()[0])


@pytest.mark.django_db
@pytest.mark.parametrize(("type_", "values"), COLUMNS, ids=[f"{t}-{i}" for i, (t, _v) in enumerate(COLUMNS)])
def test_the_server_reads_the_literal_as_psycopgs_own_adaptation(type_: str, values: list[Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the literal is PostgreSQL's array syntax")
    literal = pg_array(values)
    assert isinstance(literal, str)
    assert _read(type_, literal) == _read(type_, values)


def test_the_literal_of_plain_columns() -> None:
    assert pg_array([3, 1, 2]) == "{3,1,2}"
    assert pg_array([]) == "{}"
    assert pg_array([1, None, 1]) == "{1,NULL,1}"
    assert pg_array([True, None, False]) == "{t,NULL,f}"
    assert pg_array(['say "hi"', "a\\b", "NULL"]) == '{"say \\"hi\\"","a\\\\b","NULL"}'
    assert pg_array([dt.datetime(1961, 1, 1, 9, 0, tzinfo=UTC)]) == '{"1961-01-01T09:00:00+00:00"}'


def test_a_column_of_a_type_not_known_is_left_for_psycopg() -> None:
    values = [1.5, 2.5]
    assert pg_array(values) is values
    mixed = [1, 1.5]
    assert pg_array(mixed) is mixed


def test_equal_values_of_different_types_keep_their_own_form() -> None:
    # True == 1 and hash alike: a column mixing them is formatted element by element.
    assert pg_array([1, True, 0, False]) == "{1,t,0,f}"
