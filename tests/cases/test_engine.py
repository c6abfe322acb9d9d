"""The shared engine: permissions on the server, clear refusals that change nothing, isolation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import OfficeKind
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, MarriageCase
from cases.services.steps import case_transition
from tests.cases.marriage_helpers import TAIL_TO_REGISTERED, TO_CHINA_APPROVED_1958, file_case, walk
from tests.conftest import take

pytestmark = pytest.mark.django_db


def snapshot(case: Case) -> tuple:
    fresh = MarriageCase.objects.get(pk=case.pk)
    return fresh.state, fresh.next_office_id, fresh.state_since, fresh.events.count()


def test_wrong_office_is_refused_and_nothing_changes(desk):
    case = file_case(desk)
    before = snapshot(case)
    with pytest.raises(ApplicationError, match="Only Yanji Agricultural Machinery Works may take this step"):
        take(desk, case, "begin_dissuasion", "embassy")
    assert snapshot(case) == before


def test_illegal_transition_gets_a_clear_message_and_nothing_changes(desk):
    case = file_case(desk)
    before = snapshot(case)
    with pytest.raises(ApplicationError, match="cannot be taken while the case is at 'Application filed"):
        take(desk, case, "issue_visa", "embassy", visa_number="V")
    with pytest.raises(ApplicationError, match="no step called"):
        take(desk, case, "delete", "workunit")
    assert snapshot(case) == before


def test_closed_case_offers_no_step(desk):
    case = walk(desk, file_case(desk), TO_CHINA_APPROVED_1958 + TAIL_TO_REGISTERED)
    with pytest.raises(ApplicationError, match="none \\(the case is closed\\)"):
        take(desk, case, "leader_approve", "workunit")


def test_facilitator_may_act_for_any_office_and_is_recorded(desk):
    case = file_case(desk)
    case = take(desk, case, "begin_dissuasion", "teacher")
    event = case.events.order_by("-id").first()
    assert event.actor == desk.user("teacher")
    assert event.office == desk.office(OfficeKind.WORK_UNIT)


def test_user_of_another_exercise_cannot_act(desk, other_desk):
    case = file_case(desk)
    with pytest.raises(ApplicationError):
        case_transition(case=case, transition="begin_dissuasion", actor=other_desk.user("workunit"))
    assert snapshot(case)[0] == "filed"


def test_stale_copy_gets_a_conflict_message_and_one_event(desk):
    case = file_case(desk)
    stale = MarriageCase.objects.get(pk=case.pk)
    take(desk, case, "begin_dissuasion", "workunit")
    # The service re-reads the row, so the stale object cannot replay the step.
    with pytest.raises(ApplicationError):
        take(desk, stale, "begin_dissuasion", "workunit")
    assert case.events.filter(transition="begin_dissuasion").count() == 1


def test_concurrent_save_of_a_stale_row_is_refused_by_the_fsm(desk):
    from django_fsm import ConcurrentTransition

    case = file_case(desk)
    a = MarriageCase.objects.get(pk=case.pk)
    b = MarriageCase.objects.get(pk=case.pk)
    a.begin_dissuasion()
    a.save()
    b.begin_dissuasion()
    with pytest.raises(ConcurrentTransition):
        b.save()


def test_every_step_writes_one_event_with_simulated_time_and_rules(desk):
    case = walk(desk, file_case(desk), TO_CHINA_APPROVED_1958)
    events = list(case.events.all())
    assert [e.transition for e in events] == ["", *[s for s, _u, _d in TO_CHINA_APPROVED_1958]]
    assert all(e.sim_time == desk.exercise.clock for e in events)
    assert events[-1].rule_ids == ["MAR-3", "MAR-4", "MAR-1"]
    assert events[-1].source_state == "leader_review" and events[-1].target_state == "china_approved"


def test_events_are_append_only(desk):
    event = CaseEvent.objects.filter(exercise=desk.exercise).first()
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(pk=event.pk).update(note="rewritten")


def test_state_cannot_be_written_directly(desk):
    case = file_case(desk)
    with pytest.raises(AttributeError):
        case.state = "registered"


def test_paused_exercise_refuses_steps(desk):
    desk.exercise.paused = True
    desk.exercise.save()
    case = MarriageCase.objects.filter(exercise=desk.exercise).first()
    with pytest.raises(ApplicationError, match="paused"):
        take(desk, case, "begin_dissuasion", "workunit")


def test_two_exercises_do_not_see_each_others_cases(desk, other_desk):
    from cases.selectors import scope_to_user

    mine = scope_to_user(Case.objects.all(), desk.user("workunit"))
    theirs = scope_to_user(Case.objects.all(), other_desk.user("workunit"))
    assert set(mine.values_list("exercise_id", flat=True)) == {desk.exercise.pk}
    assert set(theirs.values_list("exercise_id", flat=True)) == {other_desk.exercise.pk}
    assert not set(mine) & set(theirs)


def test_inbox_query_is_one_indexed_query(desk):
    office = desk.office(OfficeKind.WORK_UNIT)
    with CaptureQueriesContext(connection) as ctx:
        waiting = list(Case.objects.filter(exercise=desk.exercise, next_office=office))
    assert len(ctx.captured_queries) == 1
    assert {c.title for c in waiting} >= {"Zhang Wenhai and Kim Ok-sun", "Wang Jun and Ri Sun-ja"}
