"""Queries compiled once and run with new values give the queryset's own rows (cases/services/sql_rows.py).

``rows_by_params`` stands behind ``rows_by_ids`` and the sweep's claim: what it returns must be what
the queryset returns for the same values, whatever values come on later calls.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from cases.models import Deadline, DeadlineKind, DeadlineStatus
from cases.services import sql_rows
from cases.services.deadlines import _claim
from cases.services.sql_rows import ids_placeholder, ids_value, placeholder, rows_by_params
from tests.cases.marriage_helpers import file_case

pytestmark = pytest.mark.django_db


def _deadlines(desk, hours: list[int]) -> list[Deadline]:
    start = desk.exercise.clock
    out = []
    for h in hours:
        case = file_case(desk)
        out.append(Deadline.objects.create(case_id=case.pk, exercise_id=case.exercise_id, kind=DeadlineKind.ESCALATION,
                                           due_at=start + dt.timedelta(hours=h), action="begin_dissuasion",
                                           set_at=start))
    return out


def _plain(exercise_id: int, until: dt.datetime, skip: list[int]) -> list[list]:
    return [list(r) for r in Deadline.objects.filter(exercise_id=exercise_id, due_at__lte=until)
            .exclude(pk__in=skip).order_by("due_at", "id").values_list("id", "case_id", "due_at", "status")]


def test_compiled_once_the_rows_are_the_querysets_for_every_later_value(desk, monkeypatch):
    made = _deadlines(desk, [1, 2, 3, 5, 8])
    start = desk.exercise.clock
    field = Deadline._meta.get_field("due_at")
    key = ("test-compiled", id(desk))
    compiled = []

    def build():
        compiled.append(1)
        return (Deadline.objects.filter(exercise_id=placeholder(0), due_at__lte=placeholder(1))
                .exclude(pk__in=ids_placeholder(2)).order_by("due_at", "id")
                .values_list("id", "case_id", "due_at", "status"))

    monkeypatch.setattr(sql_rows, "_PREPARED", dict(sql_rows._PREPARED))
    for hours, skip in [(3, []), (8, [made[1].pk]), (0, []), (5, [made[0].pk, made[3].pk])]:
        until = start + dt.timedelta(hours=hours)
        got = rows_by_params(key, build, desk.exercise.pk, field.get_db_prep_value(until, connection),
                             ids_value(skip))
        assert got == _plain(desk.exercise.pk, until, skip)
    assert compiled == [1], "the query should be compiled on the first call only"


def test_a_placeholder_used_twice_or_not_at_all_is_refused(desk, monkeypatch):
    monkeypatch.setattr(sql_rows, "_PREPARED", {})
    with pytest.raises(ValueError):
        rows_by_params(("test-unused",), lambda: Deadline.objects.filter(exercise_id=placeholder(0))
                       .values_list("id"), desk.exercise.pk, 5)


def test_the_sweep_claims_what_the_orm_query_claims(desk):
    """Each case's earliest pending deadline, in due order, up to the batch size, the deferred ones left out."""
    made = _deadlines(desk, [4, 1, 2, 6])
    # A second, later deadline on the first case: not claimable while its earlier one is pending.
    Deadline.objects.create(case_id=made[0].case_id, exercise_id=desk.exercise.pk, kind=DeadlineKind.ESCALATION,
                            due_at=desk.exercise.clock + dt.timedelta(hours=5), action="begin_dissuasion",
                            set_at=desk.exercise.clock)
    until = desk.exercise.clock + dt.timedelta(hours=10)
    earlier = Deadline.objects.filter(case_id=OuterRef("case_id"), status=DeadlineStatus.PENDING,
                                      due_at__lt=OuterRef("due_at"))
    for size, skip in [(10, set()), (2, set()), (10, {made[2].pk})]:
        want = list(Deadline.objects.filter(~Exists(earlier), exercise_id=desk.exercise.pk,
                                            status=DeadlineStatus.PENDING, due_at__lte=until)
                    .exclude(pk__in=skip).order_by("due_at", "id")[:size])
        with CaptureQueriesContext(connection) as queries:
            got = _claim(desk.exercise.pk, until, size, skip)
        assert len(queries.captured_queries) == 1
        names = [f.attname for f in Deadline._meta.concrete_fields]
        assert [[getattr(d, n) for n in names] for d in got] == [[getattr(d, n) for n in names] for d in want]
        assert all(not d._state.adding for d in got)
