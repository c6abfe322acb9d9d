"""Bulk steps: the same checks as one case at a time, one write per group, events for each case."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import Occupation
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, MarriageCase
from cases.services.bulk import case_bulk_transition
from tests.cases.marriage_helpers import file_case

pytestmark = pytest.mark.django_db


def in_examination(desk, count: int) -> list[int]:
    """File ``count`` peasants' applications and take them all into examination (MAR-3) in bulk."""
    ids = [file_case(desk, occupation=Occupation.PEASANT).pk for _ in range(count)]
    case_bulk_transition(kind="marriage", case_ids=ids, transition="begin_examination", actor=desk.user("workunit"))
    return ids


def test_bulk_moves_the_eligible_and_reports_the_rest(desk):
    staff = [file_case(desk, occupation=Occupation.UNIT_STAFF) for _ in range(5)]
    soldier = file_case(desk, occupation=Occupation.MILITARY)
    result = case_bulk_transition(
        kind="marriage", case_ids=[c.pk for c in [*staff, soldier]] + [999999], transition="begin_dissuasion",
        actor=desk.user("workunit"), note="Campaign of persuasion",
    )
    assert sorted(result.moved) == sorted(c.pk for c in staff)
    assert "MAR-2" in result.refused[soldier.pk]
    assert "does not exist" in result.refused[999999]
    assert set(Case.objects.filter(pk__in=result.moved).values_list("state", flat=True)) == {"dissuasion"}
    assert Case.objects.get(pk=soldier.pk).state == "filed"
    events = CaseEvent.objects.filter(case_id__in=result.moved, transition="begin_dissuasion")
    assert events.count() == 5 and {e.note for e in events} == {"Campaign of persuasion"}
    assert all(e.office == desk.office("work_unit") for e in events)


def test_bulk_refuses_a_wrong_office_entirely(desk):
    cases = [file_case(desk) for _ in range(3)]
    result = case_bulk_transition(kind="marriage", case_ids=[c.pk for c in cases], transition="begin_dissuasion",
                                  actor=desk.user("embassy"))
    assert result.moved == [] and len(result.refused) == 3
    assert all("Only" in m for m in result.refused.values())
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {"filed"}


def test_bulk_writes_procedure_fields_and_next_office(desk):
    ids = in_examination(desk, 4)
    result = case_bulk_transition(
        kind="marriage", case_ids=ids, transition="complete_examination", actor=desk.user("workunit"),
        data={"found_truthful": True, "remarrying": False, "post_compatible": True},
    )
    assert sorted(result.moved) == sorted(ids)
    rows = MarriageCase.objects.filter(pk__in=ids)
    assert {(r.state, r.found_truthful, r.post_compatible) for r in rows} == {("leader_review", True, True)}
    assert {r.next_rules for r in rows} == {"MAR-3,MAR-4,MAR-1"}


def test_bulk_uses_a_constant_number_of_queries(desk):
    few = [file_case(desk).pk for _ in range(3)]
    many = [file_case(desk).pk for _ in range(30)]
    actor = desk.user("workunit")
    actor.__dict__.pop("_border_desk_memberships", None)
    with CaptureQueriesContext(connection) as small:
        case_bulk_transition(kind="marriage", case_ids=few, transition="begin_dissuasion", actor=actor)
    actor.__dict__.pop("_border_desk_memberships", None)
    with CaptureQueriesContext(connection) as large:
        case_bulk_transition(kind="marriage", case_ids=many, transition="begin_dissuasion", actor=actor)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_bulk_dates_each_case_at_its_own_time_for_the_system(desk):
    """The sweep's use: each case's step dated at its own deadline, with its own note and event data."""
    import datetime as dt

    cases = [file_case(desk) for _ in range(3)]
    clock = desk.exercise.clock
    at = {c.pk: clock - dt.timedelta(days=i + 1) for i, c in enumerate(cases)}
    result = case_bulk_transition(
        kind="marriage", case_ids=list(at), transition="begin_dissuasion", actor=None, system=True,
        at=at, event_kind="deadline", notes={c.pk: f"note {c.pk}" for c in cases},
        event_data={c.pk: {"deadline": c.pk * 10} for c in cases},
    )
    assert sorted(result.moved) == sorted(at)
    for case in cases:
        row = Case.objects.get(pk=case.pk)
        assert row.state_since == at[case.pk]
        event = CaseEvent.objects.get(case=case, transition="begin_dissuasion")
        assert (event.kind, event.sim_time, event.note, event.data) == (
            "deadline", at[case.pk], f"note {case.pk}", {"deadline": case.pk * 10})


def test_bulk_gives_each_case_its_own_input(desk):
    """data_by_case: each case's own step input, merged over the shared data, lands on that case."""
    ids = in_examination(desk, 3)
    result = case_bulk_transition(
        kind="marriage", case_ids=ids, transition="complete_examination", actor=desk.user("workunit"),
        data={"found_truthful": True, "remarrying": False, "post_compatible": True},
        data_by_case={ids[1]: {"remarrying": True}, ids[2]: {"post_compatible": False, "found_truthful": False}},
    )
    assert sorted(result.moved) == sorted(ids) and result.refused == {}
    rows = {r.pk: (r.found_truthful, r.remarrying, r.post_compatible) for r in MarriageCase.objects.filter(pk__in=ids)}
    assert rows == {ids[0]: (True, False, True), ids[1]: (True, True, True), ids[2]: (False, False, False)}
    events = {e.case_id: e.data for e in CaseEvent.objects.filter(case_id__in=ids, transition="complete_examination")}
    assert events[ids[1]] == {"found_truthful": True, "remarrying": True, "post_compatible": True}


def test_bulk_refuses_a_case_whose_own_input_is_incomplete_and_moves_the_others(desk):
    """A case's own input is checked like shared input: incomplete, it is refused with the field named."""
    ids = in_examination(desk, 3)
    result = case_bulk_transition(
        kind="marriage", case_ids=ids, transition="complete_examination", actor=desk.user("workunit"),
        data={"found_truthful": True, "remarrying": False, "post_compatible": True},
        data_by_case={ids[0]: {"found_truthful": None}},
    )
    assert sorted(result.moved) == sorted(ids[1:])
    assert "needs" in result.refused[ids[0]] and "truthful" in result.refused[ids[0]]
    states = dict(Case.objects.filter(pk__in=ids).values_list("pk", "state"))
    assert states == {ids[0]: "examination", ids[1]: "leader_review", ids[2]: "leader_review"}
    assert not CaseEvent.objects.filter(case_id=ids[0], transition="complete_examination").exists()


def test_bulk_with_varying_values_beyond_the_group_limit_writes_each_case(desk, monkeypatch):
    """Many distinct values fall back to one bulk_update; every case still gets its own."""
    import datetime as dt

    from cases.services import bulk

    monkeypatch.setattr(bulk, "MAX_UPDATE_GROUPS", 1)
    cases = [file_case(desk) for _ in range(3)]
    clock = desk.exercise.clock
    at = {c.pk: clock - dt.timedelta(days=i + 1) for i, c in enumerate(cases)}
    result = case_bulk_transition(kind="marriage", case_ids=list(at), transition="begin_dissuasion", actor=None,
                                  system=True, at=at)
    assert sorted(result.moved) == sorted(at)
    assert {c.pk: (c.state, c.state_since) for c in Case.objects.filter(pk__in=list(at))} == {
        pk: ("dissuasion", when) for pk, when in at.items()}


def test_bulk_takes_loaded_cases_without_loading_them_again(desk):
    """cases=: the caller's instances are locked with one query and stepped as they are."""
    cases = [file_case(desk) for _ in range(4)]
    actor = desk.user("workunit")
    for case in cases:
        case.exercise = desk.exercise
        case.prime_offices(Case.offices_by_kind(desk.exercise.pk))
    with CaptureQueriesContext(connection) as given:
        result = case_bulk_transition(kind="marriage", cases=cases, transition="begin_dissuasion", actor=actor)
    assert sorted(result.moved) == sorted(c.pk for c in cases)
    assert set(Case.objects.filter(pk__in=result.moved).values_list("state", flat=True)) == {"dissuasion"}
    again = [file_case(desk) for _ in range(4)]
    actor.__dict__.pop("_border_desk_memberships", None)
    with CaptureQueriesContext(connection) as by_id:
        case_bulk_transition(kind="marriage", case_ids=[c.pk for c in again], transition="begin_dissuasion",
                             actor=actor)
    assert len(given.captured_queries) < len(by_id.captured_queries)


def test_bulk_loads_again_a_given_case_someone_moved_meanwhile(desk):
    """A stale instance is not trusted: the step is checked against the case as the database holds it."""
    stale, current = file_case(desk), file_case(desk)
    case_bulk_transition(kind="marriage", case_ids=[stale.pk], transition="begin_dissuasion",
                         actor=desk.user("workunit"))
    assert stale.state == "filed"  # the instance still says filed; the row says dissuasion
    result = case_bulk_transition(kind="marriage", cases=[stale, current], transition="begin_dissuasion",
                                  actor=desk.user("workunit"))
    assert result.moved == [current.pk]
    assert "cannot be taken" in result.refused[stale.pk]
    assert CaseEvent.objects.filter(case=stale, transition="begin_dissuasion").count() == 1


def test_bulk_refuses_a_given_case_of_another_procedure(desk):
    case = file_case(desk)
    result = case_bulk_transition(kind="crosser", cases=[case], transition="prepare_return", actor=None, system=True)
    assert result.moved == [] and "not of this procedure" in result.refused[case.pk]
    assert Case.objects.get(pk=case.pk).state == "filed"


def test_bulk_writes_each_case_its_own_values_row_by_row(desk):
    """Beyond a few groups, one statement writes every row its own values, still guarded by the state."""
    import datetime as dt

    ids = in_examination(desk, 6)
    clock = desk.exercise.clock
    at = {pk: clock - dt.timedelta(hours=i + 1) for i, pk in enumerate(ids)}
    truthful = {pk: {"found_truthful": i % 2 == 0, "remarrying": i % 3 == 0} for i, pk in enumerate(ids)}
    result = case_bulk_transition(kind="marriage", case_ids=ids, transition="complete_examination", actor=None,
                                  system=True, at=at, data={"post_compatible": True}, data_by_case=truthful)
    assert sorted(result.moved) == sorted(ids)
    rows = {r.pk: (r.state, r.state_since, r.found_truthful, r.remarrying)
            for r in MarriageCase.objects.filter(pk__in=ids)}
    assert rows == {pk: ("leader_review", at[pk], truthful[pk]["found_truthful"], truthful[pk]["remarrying"])
                    for pk in ids}


def test_bulk_row_by_row_write_rolls_back_on_a_concurrent_move(desk, monkeypatch):
    """The per-row statement keeps the state guard: a row moved meanwhile rolls the whole call back."""
    import datetime as dt

    from cases.services import bulk

    cases = [file_case(desk) for _ in range(5)]
    clock = desk.exercise.clock
    at = {c.pk: clock - dt.timedelta(hours=i + 1) for i, c in enumerate(cases)}
    real_write = bulk._write_cases

    def moved_meanwhile(model, moving, sources, written):
        Case.objects.filter(pk=moving[0].pk).update(state="withdrawn")  # another writer got there first
        real_write(model, moving, sources, written)

    monkeypatch.setattr(bulk, "_write_cases", moved_meanwhile)
    with pytest.raises(ApplicationError, match="moved by someone else"):
        case_bulk_transition(kind="marriage", case_ids=list(at), transition="begin_dissuasion", actor=None,
                             system=True, at=at)
    assert set(Case.objects.filter(pk__in=list(at)).values_list("state", flat=True)) == {"filed"}
    assert not CaseEvent.objects.filter(case_id__in=list(at), transition="begin_dissuasion").exists()


def test_a_guard_refusal_reads_as_the_single_case_check_gives_it(desk):
    """The bulk step leaves the guards to django-fsm's own check; a case failing one is refused as prepare_step says."""
    from cases.services.steps import prepare_step

    soldier = file_case(desk, occupation=Occupation.MILITARY)
    staff = file_case(desk, occupation=Occupation.UNIT_STAFF)
    user = desk.user("workunit")
    with pytest.raises(ApplicationError) as single:
        prepare_step(MarriageCase.objects.get(pk=soldier.pk), "begin_dissuasion", actor=user, data={}, system=False)
    result = case_bulk_transition(kind="marriage", case_ids=[soldier.pk, staff.pk], transition="begin_dissuasion",
                                  actor=user)
    assert result.moved == [staff.pk]
    assert result.refused == {soldier.pk: single.value.message}
    assert not CaseEvent.objects.filter(case_id=soldier.pk, transition="begin_dissuasion").exists()
