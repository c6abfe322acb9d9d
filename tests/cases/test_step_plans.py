"""A step planned once for many cases checks and writes each case as the one-case check would.

The bulk step plans a step once per state, variant and input (``plan_step``) and checks each case
against the plan (``check_step``); these tests hold it to ``prepare_step``, case by case. Also the
state field's fast read, the cached terminal states, and the multi-row insert across statements.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import Occupation
from cases.engine import all_transitions, terminal_states
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, MarriageCase
from cases.services import sql_rows
from cases.services.bulk import case_bulk_transition
from cases.services.steps import prepare_step
from tests.cases.marriage_helpers import file_case
from tests.conftest import take

pytestmark = pytest.mark.django_db

EXAMINED = {"found_truthful": True, "remarrying": False, "post_compatible": True}


def _in_examination(desk, n: int) -> list[MarriageCase]:
    return [take(desk, file_case(desk, occupation=Occupation.PEASANT), "begin_examination", "workunit")
            for _ in range(n)]


def _refusal(desk, pk: int, transition: str, login: str, data: dict) -> str:
    case = MarriageCase.objects.get(pk=pk)
    with pytest.raises(ApplicationError) as exc:
        prepare_step(case, transition, actor=desk.user(login), data=data, system=False)
    return exc.value.message


def test_each_case_takes_its_own_input_even_where_inputs_are_equal_but_of_another_type(desk):
    """True and 1 are equal keys in Python: two plans all the same, so each event records its own input."""
    a, b, c = _in_examination(desk, 3)
    as_int = {**EXAMINED, "found_truthful": 1}
    missing = {"found_truthful": True}
    expected_refusal = _refusal(desk, c.pk, "complete_examination", "workunit", missing)
    result = case_bulk_transition(
        kind="marriage", cases=None, case_ids=[a.pk, b.pk, c.pk], transition="complete_examination",
        actor=desk.user("workunit"), data_by_case={a.pk: EXAMINED, b.pk: as_int, c.pk: missing},
    )
    assert sorted(result.moved) == sorted([a.pk, b.pk])
    assert result.refused == {c.pk: expected_refusal}
    data = dict(CaseEvent.objects.filter(case_id__in=[a.pk, b.pk], transition="complete_examination")
                .values_list("case_id", "data"))
    assert data[a.pk] == EXAMINED and data[b.pk] == as_int
    assert type(data[a.pk]["found_truthful"]) is bool and type(data[b.pk]["found_truthful"]) is int


def test_a_refusal_names_what_the_one_case_check_names_first(desk):
    """Another office's student with incomplete input is told about the office first, as prepare_step says."""
    a, b = _in_examination(desk, 2)
    outsider = desk.user("mfa")
    expected = _refusal(desk, a.pk, "refuse_after_examination", "mfa", {})
    assert "Only" in expected
    result = case_bulk_transition(kind="marriage", case_ids=[a.pk, b.pk], transition="refuse_after_examination",
                                  actor=outsider, data={})
    assert result.moved == [] and result.refused == {a.pk: expected, b.pk: expected}
    # The right office with no reason: the input message, each case its own reason otherwise.
    expected = _refusal(desk, a.pk, "refuse_after_examination", "workunit", {})
    result = case_bulk_transition(kind="marriage", case_ids=[a.pk, b.pk], transition="refuse_after_examination",
                                  actor=desk.user("workunit"), data_by_case={a.pk: {}, b.pk: {"reason": "  False  "}})
    assert result.refused == {a.pk: expected} and result.moved == [b.pk]
    assert CaseEvent.objects.get(case_id=b.pk, transition="refuse_after_examination").note == "False"


def test_a_step_not_possible_is_refused_as_the_one_case_check_refuses_it(desk):
    (a,) = _in_examination(desk, 1)
    expected = _refusal(desk, a.pk, "begin_dissuasion", "workunit", {})
    unknown = _refusal(desk, a.pk, "no_such_step", "workunit", {})
    for name, message in (("begin_dissuasion", expected), ("no_such_step", unknown)):
        result = case_bulk_transition(kind="marriage", case_ids=[a.pk], transition=name,
                                      actor=desk.user("workunit"))
        assert result.refused == {a.pk: message}


def test_the_state_reads_what_django_fsm_reads_loaded_or_deferred(desk):
    case = file_case(desk)
    loaded = MarriageCase.objects.get(pk=case.pk)
    assert loaded.state == loaded.__dict__["state"] == "filed"
    deferred = Case.objects.get(pk=case.pk)
    del deferred.__dict__["state"]  # as a deferred field is (django_fsm's lock reads it on loading)
    with CaptureQueriesContext(connection) as queries:
        assert deferred.state == "filed"  # loaded on demand, as django_fsm's own read does
    assert len(queries) == 1
    _name, path, _args, kwargs = Case._meta.get_field("state").deconstruct()
    assert path == "django_fsm.FSMField" and kwargs["protected"] is True


def test_terminal_states_are_the_states_no_step_leaves():
    for model in (MarriageCase,):
        transitions = all_transitions(model)
        sources = {t.source for t in transitions}
        targets = {t.target for t in transitions if t.target is not None}
        assert terminal_states(model) == targets - sources
        assert terminal_states(model) is terminal_states(model)


def test_insert_rows_across_several_statements_writes_every_row_in_order(desk, monkeypatch):
    """Rows split over several multi-row statements (a tiny variable limit): the rows bulk_create writes."""
    case = file_case(desk)
    now = desk.exercise.clock
    rows = [{"case_id": case.pk, "exercise_id": case.exercise_id, "kind": "note", "label": f"Row {i}",
             "sim_time": now, "rules": "MAR-2", "note": f"n{i}", "data": {"i": i} if i % 2 else {}}
            for i in range(7)]
    width = len([f for f in CaseEvent._meta.concrete_fields if not f.primary_key])
    monkeypatch.setattr(sql_rows, "sqlite_variables", lambda conn: 2 * width + 1)  # two rows per statement
    before = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first()
    with CaptureQueriesContext(connection) as queries:
        sql_rows.insert_rows(CaseEvent, rows)
    if connection.vendor == "sqlite":
        assert sum(q["sql"].startswith("INSERT") for q in queries) == 4
    CaseEvent.objects.bulk_create([CaseEvent(**row) for row in rows])
    written = list(CaseEvent.objects.filter(id__gt=before).order_by("id").values())
    ours, orms = written[:7], written[7:]
    assert [r["label"] for r in ours] == [f"Row {i}" for i in range(7)]
    for a, b in zip(ours, orms, strict=True):
        a.pop("id"), b.pop("id"), a.pop("wall_time"), b.pop("wall_time")
        assert a == b


def test_update_rows_writes_each_row_its_own_values_and_keeps_its_guard(desk):
    """Each row its own values (times, text, none), prepared column by column; a row off its guard is left."""
    import datetime as dt

    cases = [file_case(desk) for _ in range(4)]
    Case.objects.filter(pk=cases[3].pk).update(escalated_at=desk.exercise.clock)
    now = desk.exercise.clock
    fields = [Case._meta.get_field(n) for n in ("state_since", "next_rules", "escalated_at")]
    rows = [(c.pk, "filed", now + dt.timedelta(hours=i), f"MAR-{i % 2}", None if i % 2 else now)
            for i, c in enumerate(cases[:3])]
    rows.append((cases[3].pk, "examination", now, "X", None))  # its state is not "examination": not written
    written = sql_rows.update_rows(Case, fields, rows, guard=Case._meta.get_field("state"))
    assert written == 3
    got = {pk: (a, b, c) for pk, a, b, c in Case.objects.filter(pk__in=[c.pk for c in cases])
           .values_list("pk", "state_since", "next_rules", "escalated_at")}
    for pk, _state, since, rules, escalated in rows[:3]:
        assert got[pk] == (since, rules, escalated)
    assert got[cases[3].pk][1] != "X" and got[cases[3].pk][2] == now


def test_a_single_due_deadline_loads_its_case_once(desk):
    """The sweep knows each due case's procedure: a step fired alone loads the case once, locked, not 3 times."""
    import datetime as dt

    from cases.models import Deadline, DeadlineKind, DeadlineStatus, Exercise
    from cases.services.deadlines import deadlines_sweep

    case = file_case(desk)
    due = desk.exercise.clock
    Deadline.objects.create(case_id=case.pk, exercise_id=case.exercise_id, kind=DeadlineKind.ESCALATION, due_at=due,
                            action="begin_dissuasion", set_at=due)
    Exercise.objects.filter(pk=case.exercise_id).update(clock=due + dt.timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        result = deadlines_sweep(exercise_id=case.exercise_id)
    assert len(result.fired) == 1
    assert Case.objects.get(pk=case.pk).state == "dissuasion"
    assert Deadline.objects.get(case_id=case.pk).status == DeadlineStatus.FIRED
    loads = [q["sql"] for q in queries if (q["sql"].startswith("SELECT") and 'FROM "cases_marriagecase"' in q["sql"])
             or q["sql"].startswith('SELECT "cases_case"."id", "cases_case"."exercise_id"')]
    assert len(loads) == 1, loads
