"""The indexes of the tables every step writes: no single-column index a composite one already serves.

Each step updates its case row and inserts an event (and maybe deadlines); every index of those rows is
written too (on PostgreSQL, every index of a case row an UPDATE moves). Migration 0018 dropped the
single-column indexes on the columns composite indexes lead with; these tests read the database's own
catalogue, so an index put back (by ``db_index`` again, or a migration) or a composite lost fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from cases.models import Case, CaseEvent, Deadline

# Table -> the columns each query of it leads with, each served by a composite index starting there.
LEADING = {
    Case: ["exercise_id"],
    CaseEvent: ["exercise_id", "case_id"],
    Deadline: ["exercise_id", "case_id"],
}
# Columns that are never queried alone (always after the exercise), so need no index of their own.
NOT_ALONE = {Case: ["kind", "state"]}


def _indexes(table: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        found: dict[str, Any] = connection.introspection.get_constraints(cursor, table)
    return [c["columns"] for c in found.values() if c["index"] and not c["primary_key"]]


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(LEADING), ids=lambda m: m.__name__)
def test_no_single_column_index_a_composite_serves(model: type) -> None:
    indexes = _indexes(model._meta.db_table)
    for column in LEADING[model] + NOT_ALONE.get(model, []):
        assert [column] not in indexes, f"{model._meta.db_table}.{column} has an index of its own again"
    for column in LEADING[model]:
        assert any(len(cols) > 1 and cols[0] == column for cols in indexes), (
            f"no composite index of {model._meta.db_table} leads with {column}")


@pytest.mark.django_db
def test_the_other_keys_keep_their_indexes() -> None:
    """Keys looked up alone (an office's queue when the office goes, a case's own row) keep theirs."""
    assert ["next_office_id"] in _indexes(Case._meta.db_table)
    assert ["office_id"] in _indexes(CaseEvent._meta.db_table)


@pytest.mark.django_db
def test_queries_by_exercise_and_by_case_still_use_an_index() -> None:
    """The plans of the lookups the dropped indexes served name an index (SQLite: EXPLAIN QUERY PLAN)."""
    if connection.vendor != "sqlite":
        pytest.skip("the query plan text checked is SQLite's")
    queries = [
        Case.objects.filter(exercise_id=1),
        CaseEvent.objects.filter(exercise_id=1),
        CaseEvent.objects.filter(case_id=1),
        Deadline.objects.filter(exercise_id=1),
        Deadline.objects.filter(case_id=1),
    ]
    for qs in queries:
        sql, params = qs.order_by().values_list("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING" in plan and "INDEX" in plan, (str(qs.query), plan)
