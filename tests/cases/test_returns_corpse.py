"""Corpses found in the border region (RET-14)."""

from __future__ import annotations

import pytest

from cases.choices import OfficeKind
from cases.errors import ApplicationError
from cases.models.corpse import CorpseState as S
from cases.models.crosser import HandoverPoint
from cases.services.corpse import corpse_report
from tests.cases.returns_support import Ret

K = OfficeKind


@pytest.fixture
def ret(desk):
    return Ret(desk)


def _investigated(ret: Ret, nationality: str, cause: str = "drowning", crime: bool = False):
    case = corpse_report(exercise=ret.exercise, place_found="Yalu below Ji'an", actor=ret.user_for(K.BORDER_STATION))
    return ret.act(case, "record_investigation", nationality_finding=nationality, cause_of_death=cause,
                   crime_suspected=crime)


def test_ret_14_dprk_residents_body_is_returned_at_an_agreed_point(ret):
    case = _investigated(ret, "korean")
    with pytest.raises(ApplicationError, match="RET-14"):
        ret.act(case, "handle_where_found", disposal="Buried")
    with pytest.raises(ApplicationError, match="RET-7"):
        ret.act(case, "return_remains", handover_point=HandoverPoint.ELSEWHERE)
    case = ret.act(case, "return_remains", handover_point=HandoverPoint.JIAN_MANPO)
    assert case.state == S.RETURNED


def test_ret_14_unknown_nationality_goes_to_joint_inspection_then_handled_where_found(ret):
    case = _investigated(ret, "unknown", cause="unknown")
    with pytest.raises(ApplicationError, match="RET-14"):
        ret.act(case, "return_remains", handover_point=HandoverPoint.JIAN_MANPO)
    case = ret.act(case, "request_joint_inspection")
    assert case.next_office.kind == K.DPRK_INSPECTION
    case = ret.act(case, "record_joint_findings", nationality_finding="unknown", cause_of_death="drowning",
                   joint_findings="No papers; neither side claims him")
    case = ret.act(case, "handle_where_found", disposal="Buried by the county near the river")
    assert case.state == S.HANDLED_HERE and case.joint_inspection_held


def test_ret_14_a_joint_inspection_can_be_held_for_a_crime_but_is_not_required(ret):
    """RET-14 (D10 Art. 1(5)): a joint inspection *can* be conducted; the body may also go back without one."""
    without = _investigated(ret, "korean", cause="violence", crime=True)
    without = ret.act(without, "return_remains", handover_point=HandoverPoint.TUMEN_NAMYANG)
    assert without.state == S.RETURNED and not without.joint_inspection_held
    case = _investigated(ret, "korean", cause="violence", crime=True)
    case = ret.act(case, "request_joint_inspection")
    case = ret.act(case, "record_joint_findings", nationality_finding="korean", cause_of_death="violence",
                   joint_findings="Struck before drowning")
    case = ret.act(case, "return_remains", handover_point=HandoverPoint.TUMEN_NAMYANG)
    assert case.state == S.RETURNED


def test_ret_14_no_joint_inspection_for_a_plain_drowning_of_a_known_national(ret):
    case = _investigated(ret, "chinese")
    with pytest.raises(ApplicationError, match="RET-14"):
        ret.act(case, "request_joint_inspection")
    case = ret.act(case, "handle_where_found", disposal="Handed to the family in Changbai")
    assert case.state == S.HANDLED_HERE


def test_ret_14_findings_must_come_from_the_lists(ret):
    case = corpse_report(exercise=ret.exercise, place_found="Tumen", actor=ret.user_for(K.BORDER_STATION))
    with pytest.raises(ApplicationError, match="RET-14"):
        ret.act(case, "record_investigation", nationality_finding="martian", cause_of_death="drowning",
                crime_suspected=False)
    case.refresh_from_db()
    assert case.state == S.FOUND
