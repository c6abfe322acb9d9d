"""DPRK reception stations (RET-13): files check, funds and coupons, fifteen days' quarantine, work."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.choices import OfficeKind
from cases.errors import ApplicationError
from cases.models import Deadline, DeadlineKind, DeadlineStatus, Exercise, ReceptionCase
from cases.models.reception import ReceptionState as S
from cases.services.reception import reception_arrive, reception_issue_funds
from cases.services.steps import case_transition
from tests.cases.returns_support import Ret

K = OfficeKind


@pytest.fixture
def ret(desk):
    return Ret(desk)


def _advance(ret: Ret, days: int) -> None:
    Exercise.objects.filter(pk=ret.exercise.pk).update(clock=ret.exercise.clock + dt.timedelta(days=days))
    ret.exercise.refresh_from_db()


def _in_quarantine(ret: Ret, **kw) -> ReceptionCase:
    case = reception_arrive(exercise=ret.exercise, person=ret.chinese_korean(), actor=ret.user_for(K.DPRK_RECEPTION),
                            **kw)
    case = ret.act(case, "clear_files")
    return reception_issue_funds(case=case, actor=ret.user_for(K.DPRK_RECEPTION), travel_funds_won=40,
                                 ration_coupons=15)


def test_ret_13_reception_path_files_funds_fifteen_day_quarantine_deadline_then_work(ret):
    case = _in_quarantine(ret)
    assert case.state == S.QUARANTINE and case.travel_funds_won == 40 and case.ration_coupons == 15
    deadline = Deadline.objects.get(case=case)
    assert deadline.kind == DeadlineKind.QUARANTINE_END
    assert deadline.action == "end_quarantine" and deadline.rules == "RET-13"
    assert deadline.due_at == case.quarantine_started_at + dt.timedelta(days=15)
    assert deadline.status == DeadlineStatus.PENDING
    # Until the sweep lands, fire the deadline's action the way it will: as the system, when due.
    _advance(ret, 15)
    case = case_transition(case=case, transition=deadline.action, actor=None, system=True)
    assert case.state == S.READY_FOR_WORK and case.next_office.kind == K.DPRK_LABOUR
    assert case.quarantine_ended_at == deadline.due_at
    case = ret.act(case, "assign_work", assignment="mine", workplace="Musan iron mine")
    assert case.state == S.ASSIGNED and case.is_closed


def test_ret_13_quarantine_cannot_end_before_fifteen_days(ret):
    case = _in_quarantine(ret)
    _advance(ret, 14)
    with pytest.raises(ApplicationError, match="RET-13"):
        ret.act(case, "end_quarantine")
    with pytest.raises(ApplicationError, match="Possible now"):
        ret.act(case, "assign_work", assignment="farm", workplace="Onsong cooperative")


def test_ret_13_files_check_comes_first_and_a_problem_holds_him(ret):
    case = reception_arrive(exercise=ret.exercise, person=ret.chinese_korean(), actor=ret.user_for(K.DPRK_RECEPTION))
    with pytest.raises(ApplicationError, match="Possible now"):
        reception_issue_funds(case=case, actor=ret.user_for(K.DPRK_RECEPTION), travel_funds_won=40, ration_coupons=1)
    case = ret.act(case, "flag_files", reason="Smuggling record")
    assert case.state == S.HELD and not Deadline.objects.filter(case=case).exists()


def test_ret_13_both_funds_and_coupons_are_needed(ret):
    case = ret.act(reception_arrive(exercise=ret.exercise, person=ret.chinese_korean(),
                                    actor=ret.user_for(K.DPRK_RECEPTION)), "clear_files")
    with pytest.raises(ApplicationError, match="RET-13"):
        ret.act(case, "issue_funds_and_coupons", travel_funds_won=40, ration_coupons=0)
    case.refresh_from_db()
    assert case.state == S.FILES_CLEARED


def test_ret_13_central_departments_only_for_diploma_holders(ret):
    case = _in_quarantine(ret)
    _advance(ret, 15)
    case = ret.act(case, "end_quarantine")
    with pytest.raises(ApplicationError, match="RET-13"):
        ret.act(case, "assign_work", assignment="central", workplace="Heavy Industry Commission")
    graduate = _in_quarantine(ret, has_diploma=True)
    _advance(ret, 15)
    graduate = ret.act(graduate, "end_quarantine")
    graduate = ret.act(graduate, "assign_work", assignment="central", workplace="Heavy Industry Commission")
    assert graduate.state == S.ASSIGNED
