"""Embassy cases: emigrant passport and renunciation (RET-1), return to settle property (RET-11)."""

from __future__ import annotations

import pytest

from cases.choices import OfficeKind
from cases.errors import ApplicationError
from cases.models import EmbassyCase, Office
from cases.models.crosser import CrossingDirection as D
from cases.models.crosser import CrossingSource as Src
from cases.models.embassy import EmbassyMatter as M
from cases.models.embassy import EmbassyState as S
from cases.services.crosser import crosser_check, crosser_record_identity, crosser_report
from cases.services.embassy import embassy_case_open
from tests.cases.returns_support import Ret

K = OfficeKind


@pytest.fixture
def ret(desk):
    return Ret(desk)


def _open(ret: Ret, matter: str, **kw) -> EmbassyCase:
    person = kw.pop("person", None) or ret.chinese_korean()
    return embassy_case_open(exercise=ret.exercise, person=person, matter=matter, actor=ret.user_for(K.EMBASSY), **kw)


def _settled_crosser(ret: Ret):
    person = ret.chinese_korean("Test settler")
    case = crosser_report(exercise=ret.exercise, person=person, direction=D.OUTBOUND, source=Src.FOUND,
                          actor=ret.user_for(K.BORDER_STATION))
    case = crosser_record_identity(case=case, actor=ret.user_for(K.BORDER_STATION), identity_details="x",
                                   circumstances="y", crossing_cause="livelihood")
    case = crosser_check(case=case, actor=ret.user_for(K.COUNTY_PSB), home_case=False, crime_after_crossing=False)
    case = ret.act(case, "persuade_to_return")
    case = ret.act(case, "refuses_to_return", reason="Will not come back")
    return ret.act(case, "consent_to_keep")


def test_ret_1_emigrant_passport_after_dprk_consent_investigation_and_education(ret):
    crosser = _settled_crosser(ret)
    case = _open(ret, M.PASSPORT, person=crosser.person, crosser_case=crosser)
    assert crosser.reference in case.dprk_consent_ref  # the consent the crosser case recorded
    with pytest.raises(ApplicationError, match="Possible now"):
        ret.act(case, "issue_emigrant_passport", passport_number="E-1")
    case = ret.act(case, "begin_investigation")
    case = ret.act(case, "complete_investigation", investigation_findings="Works at a Musan mine; educated twice")
    case = ret.act(case, "issue_emigrant_passport", passport_number="E-61-0042")
    assert case.state == S.PASSPORT_ISSUED and case.is_closed


def test_ret_1_no_emigrant_passport_without_the_dprks_consent_to_keep_him(ret):
    case = _open(ret, M.PASSPORT)
    with pytest.raises(ApplicationError, match="RET-1"):
        ret.act(case, "begin_investigation")
    case = ret.act(case, "ask_dprk_consent")
    assert case.next_office.kind == K.DPRK_SAFETY
    case = ret.act(case, "dprk_consents", dprk_consent_ref="DPRK MIA note 61/77")
    assert case.state == S.INVESTIGATING


def test_ret_1_dprk_declining_means_he_returns(ret):
    case = ret.act(_open(ret, M.PASSPORT), "ask_dprk_consent")
    case = ret.act(case, "dprk_declines", reason="Cannot settle him")
    assert case.state == S.RETURNING


def test_ret_1_education_may_persuade_him_to_return(ret):
    case = ret.act(_open(ret, M.PASSPORT, dprk_consent_ref="note"), "begin_investigation")
    case = ret.act(case, "complete_investigation", investigation_findings="Misses his family")
    case = ret.act(case, "agrees_to_return")
    assert case.state == S.RETURNING


def test_ret_1_renunciation_of_an_zaixiu_is_investigated_and_processed(desk):
    ret = Ret(desk, seed=True)
    an = ret.exercise.people.get(name="An Zaixiu")
    case = EmbassyCase.objects.get(exercise=ret.exercise, person=an)  # seeded by the test desk (E1961)
    assert case.variant == M.RENUNCIATION and "Heilongjiang" in case.papers_held
    with pytest.raises(ApplicationError, match="Possible now"):
        ret.act(case, "forward_renunciation")
    case = ret.act(case, "begin_investigation")
    case = ret.act(case, "complete_investigation",
                   investigation_findings="Counsellor at the North Hamgyong labour office; came with an exit "
                                          "permit and a passport to join construction")
    case = ret.act(case, "forward_renunciation")
    assert case.state == S.WITH_MINISTRY and case.next_office.kind == K.MFA
    case = ret.act(case, "approve_renunciation", renunciation_certificate="R-61-103")
    assert case.state == S.RENOUNCED


def test_ret_1_renunciation_may_be_refused(ret):
    case = ret.act(_open(ret, M.RENUNCIATION), "begin_investigation")
    case = ret.act(case, "complete_investigation", investigation_findings="x")
    case = ret.act(case, "refuse", reason="Pending case at home")
    assert case.state == S.REFUSED


def test_ret_11_no_return_to_settle_property_without_the_commune_certification_letter(ret):
    commune = Office.objects.filter(exercise=ret.exercise, kind=K.COMMUNE).order_by("id").first()
    case = _open(ret, M.PROPERTY, former_commune=commune, property_description="Shares not refunded")
    with pytest.raises(ApplicationError, match="RET-11"):
        ret.act(case, "permit_travel", travel_permit_number="T-1")
    case = ret.act(case, "request_certification")
    assert case.next_office == commune
    case = ret.act(case, "issue_certification_letter", certification_letter_ref="Sanhe commune letter 12")
    case = ret.act(case, "permit_travel", travel_permit_number="T-62-9")
    assert case.state == S.TRAVEL_PERMITTED


def test_ret_11_commune_may_settle_without_his_travelling(ret):
    commune = Office.objects.filter(exercise=ret.exercise, kind=K.COMMUNE).order_by("id").first()
    case = ret.act(_open(ret, M.PROPERTY, former_commune=commune, property_description="Labour returns"),
                   "request_certification")
    with pytest.raises(ApplicationError, match="representative, relative or remittance"):
        ret.act(case, "settle_remotely", settlement_method="courier")
    case = ret.act(case, "settle_remotely", settlement_method="remittance")
    assert case.state == S.SETTLED_REMOTELY


def test_ret_11_property_case_must_name_the_former_commune(ret):
    with pytest.raises(ApplicationError, match="RET-11"):
        _open(ret, M.PROPERTY, property_description="House")
    with pytest.raises(ApplicationError, match="PRC citizens"):
        _open(ret, M.RENUNCIATION, person=ret.korean())
