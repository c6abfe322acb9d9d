"""Small procedures on the same engine: naturalisation (OTH-1), detention reports (OTH-2), stray property (OTH-3)."""

from __future__ import annotations

import pytest

from cases.choices import Nationality, OfficeKind
from cases.errors import ApplicationError
from cases.models import DetentionCase
from cases.models.crosser import HandoverPoint
from cases.models.detention import DetentionState
from cases.models.naturalisation import NaturalisationState
from cases.models.stray import StrayState
from cases.services.detention import detention_report
from cases.services.naturalisation import naturalisation_apply
from cases.services.stray import stray_report
from tests.cases.returns_support import Ret

K = OfficeKind


@pytest.fixture
def ret(desk):
    return Ret(desk)


def _korean_national(ret: Ret):
    return ret.person("Test Korean national", Nationality.KOREAN_IN_CHINA)


def test_oth_1_naturalisation_reviewed_by_the_province_then_letter_from_the_mps(ret):
    case = naturalisation_apply(exercise=ret.exercise, person=_korean_national(ret), actor=ret.user_for(K.COUNTY_PSB))
    case = ret.act(case, "forward_to_province")
    assert case.next_office.kind == K.PROVINCIAL_COMMITTEE
    with pytest.raises(ApplicationError, match="Possible now"):
        ret.act(case, "issue_naturalisation_letter", letter_number="N-1")
    case = ret.act(case, "send_to_mps")
    assert case.next_office.kind == K.MPS
    case = ret.act(case, "issue_naturalisation_letter", letter_number="MPS-70-31")
    assert case.state == NaturalisationState.NATURALISED


def test_oth_1_only_korean_nationals_apply_and_either_level_may_refuse(ret):
    with pytest.raises(ApplicationError, match="OTH-1"):
        naturalisation_apply(exercise=ret.exercise, person=ret.chinese_korean(), actor=ret.user_for(K.COUNTY_PSB))
    case = naturalisation_apply(exercise=ret.exercise, person=_korean_national(ret), actor=ret.user_for(K.COUNTY_PSB))
    case = ret.act(ret.act(case, "forward_to_province"), "refuse_at_province", reason="Arrived last year")
    assert case.state == NaturalisationState.REFUSED


def test_oth_2_work_units_may_not_detain_a_korean_national(ret):
    before = DetentionCase.objects.count()
    with pytest.raises(ApplicationError, match="OTH-2"):
        detention_report(exercise=ret.exercise, person=_korean_national(ret), measure="detention", grounds="Theft",
                         actor=ret.user_for(K.WORK_UNIT), reporting_office_kind=K.WORK_UNIT)
    assert DetentionCase.objects.count() == before


def test_oth_2_detention_is_reported_for_approval_before_it_is_carried_out(ret):
    case = detention_report(exercise=ret.exercise, person=_korean_national(ret), measure="detention",
                            grounds="Smuggling", actor=ret.user_for(K.COUNTY_PSB))
    assert case.next_office.kind == K.PROVINCIAL_PSB
    with pytest.raises(ApplicationError, match="Possible now"):
        ret.act(case, "carry_out")
    case = ret.act(case, "approve")
    case = ret.act(case, "carry_out")
    assert case.state == DetentionState.CARRIED_OUT


def test_oth_2_refused_report_means_release(ret):
    case = detention_report(exercise=ret.exercise, person=_korean_national(ret), measure="sentence",
                            grounds="Fight", actor=ret.user_for(K.COUNTY_PSB))
    case = ret.act(case, "refuse", reason="Minor matter: educate him")
    assert case.state == DetentionState.REFUSED
    with pytest.raises(ApplicationError, match="OTH-2"):
        detention_report(exercise=ret.exercise, person=ret.chinese_korean(), measure="detention", grounds="x",
                         actor=ret.user_for(K.COUNTY_PSB))


def test_oth_3_stray_livestock_kept_safe_other_side_notified_then_retrieved(ret):
    case = stray_report(exercise=ret.exercise, item_kind="livestock", quantity=3, place_found="Quanhe flats",
                        actor=ret.user_for(K.BORDER_STATION))
    case = ret.act(case, "keep_safe", custody_place="Quanhe brigade stable")
    with pytest.raises(ApplicationError, match="Possible now"):
        ret.act(case, "retrieve", handover_point=HandoverPoint.QUANHE_WONJONG)
    case = ret.act(case, "notify_other_side")
    assert case.notified_at == ret.exercise.clock and case.next_office.kind == K.DPRK_INSPECTION
    case = ret.act(case, "retrieve", handover_point=HandoverPoint.QUANHE_WONJONG)
    assert case.state == StrayState.RETRIEVED


def test_oth_3_report_needs_a_known_kind_and_place(ret):
    station = ret.user_for(K.BORDER_STATION)
    with pytest.raises(ApplicationError, match="OTH-3"):
        stray_report(exercise=ret.exercise, item_kind="spaceship", place_found="x", actor=station)
    with pytest.raises(ApplicationError):
        stray_report(exercise=ret.exercise, item_kind="vessel", place_found=" ", actor=station)
