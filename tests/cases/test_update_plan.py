"""On PostgreSQL a step's per-row UPDATE probes the primary key, whatever the size of the table.

The bulk step writes cases whose values differ row by row in one UPDATE over UNNESTed arrays
(cases/services/sql_rows.py: update_rows). With the planner's default cost of a random page read, a
few hundred such rows in a table of thousands hash-join a sequential scan of the whole table, so
every step of a big exercise costs more than the same step of a small one; the settings lower that
cost (config/settings/base.py). This test reads the plan PostgreSQL chooses for the statement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from cases.bench.data import insert_marriage_cases
from cases.models import Case
from cases.services.sql_rows import update_rows


def _captured(func: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        func()
    return seen


@pytest.mark.django_db
def test_a_per_row_update_of_a_few_hundred_cases_probes_the_key_in_a_big_table(desk: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the plan read is PostgreSQL's (SQLite updates row by row through the key)")
    ids = insert_marriage_cases(desk.exercise, 6000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Case._meta.db_table}")
    moved = ids[:300]
    since = Case._meta.get_field("state_since")
    start = desk.exercise.clock
    rows = [(pk, "filed", start + dt.timedelta(minutes=i)) for i, pk in enumerate(moved)]
    statements = _captured(lambda: update_rows(Case, [since], rows, guard=Case._meta.get_field("state")))
    [(sql, params)] = [(s, p) for s, p in statements if s.startswith("UPDATE")]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "Index Scan using cases_case_pkey" in plan, plan
    assert Case.objects.filter(pk__in=moved, state_since__gte=start).count() == len(moved)
