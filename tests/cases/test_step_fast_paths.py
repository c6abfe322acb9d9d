"""The fast paths of the step services give exactly what the ORM paths they replace give."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import Occupation
from cases.engine import next_step, transitions_from
from cases.models import Case, CaseEvent, Deadline, DeadlineKind, DeadlineStatus, MarriageCase
from cases.procedures import all_procedures
from cases.services.bulk import _load_locked, instances_from_rows
from cases.services.locked_load import _queryset, load_locked_case
from cases.services.sql_rows import collector_paused, insert_rows, query_rows, update_same
from cases.services.steps import _NEXT_FIXED, _next_of, case_transition
from tests.cases.marriage_helpers import file_case

pytestmark = pytest.mark.django_db


def _fields(obj: object) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}  # type: ignore[attr-defined]


def test_locked_load_gives_the_querysets_instance_with_its_joined_rows(desk):
    case = file_case(desk)
    expected = _queryset(MarriageCase, case.pk).get()
    with CaptureQueriesContext(connection) as queries:
        got = load_locked_case(MarriageCase, case.pk)
        joined = [got.man, got.woman, got.work_unit, got.exercise]  # joined: no query for them
    assert len(queries.captured_queries) == 1 and all(joined)
    assert type(got) is MarriageCase and _fields(got) == _fields(expected)
    assert not got._state.adding and got._state.db == expected._state.db
    for name in ("man", "woman", "work_unit", "exercise", "next_office"):
        assert _fields(getattr(got, name)) == _fields(getattr(expected, name))
    assert got._ConcurrentTransitionMixin__initial_states == expected._ConcurrentTransitionMixin__initial_states


def test_locked_load_of_a_missing_case_raises_does_not_exist(desk):
    with pytest.raises(MarriageCase.DoesNotExist):
        load_locked_case(MarriageCase, 987654)


def test_locked_load_keeps_the_concurrent_transition_check(desk):
    """A case another writer moved after the load is refused on save, as with the ORM's instance."""
    case = file_case(desk)
    stale = load_locked_case(MarriageCase, case.pk)
    case_transition(case=Case(pk=case.pk, kind="marriage"), transition="begin_dissuasion",
                    actor=desk.user("workunit"))
    from django_fsm import ConcurrentTransition

    stale.begin_dissuasion()
    with pytest.raises(ConcurrentTransition):
        stale.save(update_fields=["state"])


def test_bulk_loaded_instances_match_the_orms(desk):
    ids = [file_case(desk).pk for _ in range(3)]
    loaded = {c.pk: c for c in _load_locked(MarriageCase, ids)}
    for pk in ids:
        orm = MarriageCase.objects.get(pk=pk)
        assert _fields(loaded[pk]) == _fields(orm)
        assert loaded[pk]._ConcurrentTransitionMixin__initial_states == orm._ConcurrentTransitionMixin__initial_states
        assert loaded[pk].man == orm.man and loaded[pk].work_unit == orm.work_unit


def test_next_office_worked_out_once_per_state_is_next_step_s(desk):
    """Wherever one office acts on every step out of a state, the remembered answer is next_step's."""
    case = file_case(desk, occupation=Occupation.UNIT_STAFF)
    offices = Case.offices_by_kind(case.exercise_id)
    checked = 0
    for procedure in all_procedures():
        model = procedure.model
        variants = {v for t in procedure.transitions for v in (t.custom["meta"].variants or ())} or {""}
        for state in procedure.states.values:
            for variant in variants:
                probe = model(exercise_id=case.exercise_id, state=state, variant=variant)
                probe.__dict__["_office_cache"] = dict(offices)  # the exercise's offices, whatever the fields say
                kinds = {t.custom["meta"].office for t in transitions_from(probe)}
                if len(kinds) > 1:
                    continue
                office, rules = next_step(probe)
                assert _next_of(probe) == (office, ",".join(rules)), (model, state, variant)
                checked += 1
    assert checked > 20
    multi = [key for key, fixed in _NEXT_FIXED.items() if fixed is None]
    for model, state, variant in multi:
        probe = model(state=state, variant=variant)
        assert len({t.custom["meta"].office for t in transitions_from(probe)}) > 1


def test_next_office_where_offices_differ_reads_the_guards_each_time(desk):
    """A state whose steps belong to several offices is never remembered: next_step decides per case.

    An inbound crosser once identified: the border station assists a disaster victim (RET-4), the county
    bureau checks everyone else (RET-2).
    """
    from cases.models import CrosserCase

    probe = CrosserCase(state="identified", variant="inbound")
    assert len({t.custom["meta"].office for t in transitions_from(probe)}) > 1
    _NEXT_FIXED.pop((CrosserCase, "identified", "inbound"), None)
    with contextlib.suppress(Exception):  # an unsaved probe may fail a guard's read: what is remembered counts
        _next_of(probe)
    assert _NEXT_FIXED[(CrosserCase, "identified", "inbound")] is None


def test_insert_rows_writes_what_bulk_create_writes_for_mixed_values(desk):
    """Columns of one type converted once per distinct value, mixed ones value by value: the same rows."""
    case = file_case(desk)
    now = desk.exercise.clock
    rows = [
        {"case_id": case.pk, "exercise_id": case.exercise_id, "kind": kind, "label": f"L{i % 2}",
         "sim_time": now + dt.timedelta(minutes=i % 3), "rules": "MAR-2" if i % 2 else "",
         "office_id": None if i % 3 else desk.office("work_unit").pk, "data": data,
         "wall_time": timezone.now()}
        for i, (kind, data) in enumerate([("transition", {}), ("deadline", {"deadline": 7}), ("note", {"a": [1, True]}),
                                          ("transition", {}), ("transition", {"x": 1.5})])
    ]
    before = CaseEvent.objects.count()
    insert_rows(CaseEvent, rows)
    CaseEvent.objects.bulk_create([CaseEvent(**row) for row in rows])
    written = list(CaseEvent.objects.order_by("id").values()[before:])
    ours, orms = written[:5], written[5:]
    for a, b in zip(ours, orms, strict=True):
        a.pop("id"), b.pop("id")
        assert a == b


def test_insert_rows_gives_left_out_columns_their_default(desk):
    case = file_case(desk)
    insert_rows(Deadline, [{"case_id": case.pk, "exercise_id": case.exercise_id, "kind": DeadlineKind.REMINDER,
                            "due_at": desk.exercise.clock, "action": "remind"}])
    row = Deadline.objects.filter(case=case, action="remind").get()
    assert row.status == DeadlineStatus.PENDING and row.note == "" and row.fired_at is None and row.created_at


def test_query_rows_gives_what_the_values_list_gives(desk):
    ids = [file_case(desk).pk for _ in range(3)]
    names = [f.attname for f in MarriageCase._meta.concrete_fields]
    qs = MarriageCase.objects.filter(pk__in=ids).order_by("pk").values_list(*names)
    assert query_rows(qs) == [list(r) for r in qs]
    assert query_rows(qs.none()) == []


def test_claimed_deadline_instances_match_the_orms(desk):
    case = file_case(desk)
    Deadline.objects.create(case=case, exercise=desk.exercise, kind=DeadlineKind.ESCALATION,
                            due_at=desk.exercise.clock, action="escalate", note="n")
    names = [f.attname for f in Deadline._meta.concrete_fields]
    built = instances_from_rows(Deadline, names, query_rows(Deadline.objects.filter(case=case).values_list(*names)))
    orm = list(Deadline.objects.filter(case=case))
    assert [_fields(d) for d in built] == [_fields(d) for d in orm]
    assert built[0].get_kind_display() == orm[0].get_kind_display() and not built[0]._state.adding


def test_update_same_copies_a_column_and_keeps_its_guard(desk):
    case = file_case(desk)
    due = desk.exercise.clock - dt.timedelta(days=1)
    pending = Deadline.objects.create(case=case, exercise=desk.exercise, kind=DeadlineKind.ESCALATION, due_at=due,
                                      action="escalate")
    done = Deadline.objects.create(case=case, exercise=desk.exercise, kind=DeadlineKind.ESCALATION, due_at=due,
                                   action="escalate", status=DeadlineStatus.CANCELLED)
    won = update_same(Deadline, {"status": DeadlineStatus.FIRED}, [pending.pk, done.pk],
                      guard=("status", DeadlineStatus.PENDING), copies={"fired_at": "due_at"})
    assert won == 1
    pending.refresh_from_db()
    done.refresh_from_db()
    assert (pending.status, pending.fired_at) == (DeadlineStatus.FIRED, due)
    assert (done.status, done.fired_at) == (DeadlineStatus.CANCELLED, None)


def test_collector_pause_restores_the_collector():
    import gc

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()
