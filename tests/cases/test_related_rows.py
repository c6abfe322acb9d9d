"""The bulk services' related loading gives what the ORM gives: the same rows, once per related model.

``attach_related`` (cases/services/bulk.py) is the one way the bulk step and the autopilot's loader
(cases/classroom/pilot_load.py) fill each case's forward keys; ``Case.offices_by_kind`` picks the
office of each kind from offices a caller loaded as from its own query.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, MarriageCase, Office
from cases.services.bulk import attach_related, instances_from_rows
from tests.cases.marriage_helpers import file_case

pytestmark = pytest.mark.django_db


def _bare(ids: list[int]) -> list[MarriageCase]:
    """The cases as the bulk step builds them from their rows: no related object cached yet."""
    names = [f.attname for f in MarriageCase._meta.concrete_fields]
    rows = [list(r) for r in MarriageCase.objects.filter(pk__in=ids).order_by("pk").values_list(*names)]
    return instances_from_rows(MarriageCase, names, rows)


def _forward_keys() -> list[str]:
    return [f.name for f in MarriageCase._meta.concrete_fields
            if f.is_relation and f.many_to_one and not f.remote_field.parent_link]


def test_attached_rows_are_those_select_related_joins_mar_1(desk):
    """MAR-1: every forward key of a marriage case (both partners, the work unit, the office next) as the ORM has it."""
    ids = [file_case(desk).pk for _ in range(3)]
    cases = _bare(ids)
    attach_related(MarriageCase, cases)
    plain = {c.pk: c for c in MarriageCase.objects.filter(pk__in=ids).select_related(*_forward_keys())}
    with CaptureQueriesContext(connection) as queries:
        for case in cases:
            for name in _forward_keys():
                got, want = getattr(case, name), getattr(plain[case.pk], name)
                assert got == want
                if want is not None:
                    names = [f.attname for f in type(want)._meta.concrete_fields]
                    assert [getattr(got, n) for n in names] == [getattr(want, n) for n in names]
                    assert not got._state.adding
    assert queries.captured_queries == [], "every forward key should be cached, none loaded on reading"


def test_one_query_per_related_model_whatever_the_number_of_keys_and_cases(desk):
    few, many = _bare([file_case(desk).pk for _ in range(2)]), _bare([file_case(desk).pk for _ in range(12)])
    models = {MarriageCase._meta.get_field(n).related_model for n in _forward_keys()}
    with CaptureQueriesContext(connection) as small:
        attach_related(MarriageCase, few)
    with CaptureQueriesContext(connection) as large:
        attach_related(MarriageCase, many)
    # man and woman are both people: one query for the two keys
    assert len(large.captured_queries) == len(small.captured_queries) == len(models)


def test_keys_already_held_or_skipped_are_left_as_they_are(desk):
    case = _bare([file_case(desk).pk])[0]
    mine = Office(pk=case.next_office_id, name="held by the caller")
    case._state.fields_cache["next_office"] = mine
    attach_related(MarriageCase, [case], skip=("exercise",))
    assert case._state.fields_cache["next_office"] is mine
    assert "exercise" not in case._state.fields_cache
    assert case._state.fields_cache["man"].pk == case.man_id


def test_offices_by_kind_from_loaded_offices_is_its_own_query(desk):
    exercise = desk.exercise
    kind = Office.objects.filter(exercise=exercise).values_list("kind", flat=True).first()
    Office.objects.create(exercise=exercise, kind=kind, name="A second office of the same kind")
    loaded = list(Office.objects.filter(exercise=exercise).order_by("-id"))  # any order
    assert Case.offices_by_kind(exercise.pk, loaded) == Case.offices_by_kind(exercise.pk)
    assert Case.offices_by_kind(exercise.pk)[kind] == Office.objects.filter(exercise=exercise, kind=kind).order_by(
        "id").first()


def test_cases_the_caller_primed_cost_no_office_query(desk):
    """The planner primes its cases' offices: a bulk step on them reads no office (nor anything else) again."""
    from cases.services.bulk import _lock_loaded

    cases = _bare([file_case(desk).pk for _ in range(3)])
    attach_related(MarriageCase, cases)
    offices = Case.offices_by_kind(desk.exercise.pk)
    for case in cases:
        case.prime_offices(offices)
    with CaptureQueriesContext(connection) as queries:
        kept = _lock_loaded(MarriageCase, cases)
    assert [c.pk for c in kept] == sorted(c.pk for c in cases) and all(a is b for a, b in zip(kept, cases, strict=True))
    assert len(queries.captured_queries) == 1, [q["sql"][:80] for q in queries.captured_queries]  # the lock alone
