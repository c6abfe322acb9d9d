"""One test (at least) per AUT rule; each fails if its rule breaks. Cases move through services only."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.choices import Nationality, OfficeKind
from cases.errors import ApplicationError
from cases.models import CaseEvent, Deadline, DeadlineKind, DeadlineStatus
from cases.models.authorization import ABROAD, RETURN_HOME, SETTLE, VISIT, AuthorizationState, Destination
from cases.rules import all_rules
from cases.services import authorization as svc
from cases.services.steps import case_transition
from tests.cases.authorization_helpers import advance, applicant, aut, letter, reload, to_decision

__all__ = ["aut"]
S = AuthorizationState


def test_aut_rules_are_registered_with_sources():
    rules = all_rules()
    for n in range(1, 13):
        rule = rules[f"AUT-{n}"]
        assert rule.source and "unknown" not in rule.source


def test_aut_1_dprk_office_issues_letter_holder_applies_county_examines(aut):
    """AUT-1: the DPRK side issues the letter; the holder applies; local public security examines and decides."""
    with pytest.raises(ApplicationError):  # a Chinese office cannot issue a DPRK letter
        svc.authorization_issue_letter(
            exercise=aut.exercise, applicant=applicant(aut), letter_number="X-1", actor=aut.user("countypsb")
        )
    with pytest.raises(ApplicationError, match="AUT-1"):
        svc.authorization_issue_letter(
            exercise=aut.exercise, applicant=applicant(aut), letter_number="  ", actor=aut.user("dprksafety")
        )
    case = letter(aut)
    assert case.state == S.LETTER_ISSUED
    assert case.events.get().office.kind == OfficeKind.DPRK_SAFETY
    assert case.next_office.kind == OfficeKind.COUNTY_PSB
    with pytest.raises(ApplicationError):  # the DPRK office cannot take the Chinese application
        svc.authorization_receive_application(case=case, actor=aut.user("dprksafety"), commune_introduction=True)
    case = to_decision(aut, case)
    case = svc.authorization_approve(case=case, actor=aut.user("countypsb"))
    assert case.state == S.APPROVED
    assert case.decided_by == OfficeKind.COUNTY_PSB


def test_aut_1_unused_letter_closes_the_case(aut):
    """AUT-1 / AUT-3: a holder may never apply (Yanbian 1961: 2,667 letters, ~1,778 applications)."""
    case = letter(aut)
    case = case_transition(case=case, transition="record_letter_unused", actor=aut.user("countypsb"))
    assert case.state == S.LETTER_UNUSED and case.is_closed


def test_aut_2_lenient_line_refuses_only_for_political_issue_or_pending_case(aut):
    """AUT-2: under the 1957 line a justified application without grounds cannot be refused."""
    psb = aut.user("countypsb")
    clean = to_decision(aut, letter(aut, regime="1957_lenient"))
    with pytest.raises(ApplicationError, match="AUT-2"):
        svc.authorization_refuse(case=clean, actor=psb, reason="Too many are leaving.")
    assert reload(clean).state == S.DECISION
    assert svc.authorization_approve(case=clean, actor=psb).state == S.APPROVED

    political = to_decision(aut, letter(aut, regime="1957_lenient"), political_issue=True)
    with pytest.raises(ApplicationError, match="AUT-2"):
        svc.authorization_approve(case=political, actor=psb)
    assert svc.authorization_refuse(case=political, actor=psb, reason="Political issue").state == S.REFUSED

    pending = to_decision(aut, letter(aut, regime="1957_lenient"), pending_case=True)
    with pytest.raises(ApplicationError, match="pending"):
        svc.authorization_approve(case=pending, actor=psb)
    refused = svc.authorization_refuse(case=pending, actor=psb, reason="Debt case before the county court")
    assert refused.reason == "Debt case before the county court"


def test_aut_3_strict_1961_demands_more_papers_refuses_freely_and_escalates(aut):
    """AUT-3: the 1961 practice asks for more papers, refuses without AUT-2 grounds, and long waits escalate."""
    psb = aut.user("countypsb")
    case = letter(aut, regime="1961_strict")
    case = svc.authorization_receive_application(case=case, actor=psb, commune_introduction=True)
    with pytest.raises(ApplicationError, match="papers"):
        svc.authorization_record_examination(case=case, actor=psb, political_issue=False, pending_case=False)
    case = case_transition(case=case, transition="request_documents", actor=psb,
                           data={"reason": "Bring a letter from your relatives and a political clearance."})
    assert case.state == S.DOCUMENTS_REQUESTED
    case = case_transition(case=case, transition="supply_documents", actor=psb, data={
        "has_commune_introduction": True, "has_relative_letter": True, "has_political_clearance": True})
    # Entering examination a second time sets a fresh deadline; the first one can no longer fire
    # because the wait is counted from the state's new start (the wait_exceeded guard).
    esc = Deadline.objects.filter(case=case, kind=DeadlineKind.ESCALATION, status=DeadlineStatus.PENDING).latest("id")
    assert esc.action == "escalate_examination"
    assert esc.due_at == case.state_since + dt.timedelta(days=30)
    assert "AUT-3" in esc.rules
    # Before the wait passes, nobody can flag it overdue.
    with pytest.raises(ApplicationError, match="AUT-3"):
        case_transition(case=case, transition="escalate_examination", actor=None, system=True)
    advance(aut.exercise, 31)
    case = case_transition(case=case, transition=esc.action, actor=None, system=True)
    assert case.state == S.EXAMINATION_OVERDUE
    assert case.next_office.kind == OfficeKind.COUNTY_PSB
    case = svc.authorization_record_examination(case=case, actor=psb, political_issue=False, pending_case=False)
    refused = svc.authorization_refuse(case=case, actor=psb, reason="Labour needed at home this season.")
    assert refused.state == S.REFUSED  # no AUT-2 ground needed under the strict practice


def test_aut_3_yanbian_figures_calibrate_the_1961_refusal_rate():
    """AUT-3: Yanbian 1961, 735 of about 1,778 applications not approved; 1,778 of 2,667 letters used."""
    from cases.regimes import get_regime

    policy = get_regime("1961_strict").param("authorization")
    assert policy.refusal_rate == pytest.approx(735 / 1778, abs=0.001)
    assert policy.application_rate == pytest.approx(1778 / 2667, abs=0.001)
    assert policy.examination_days > get_regime("1962_correction").param("authorization").examination_days


def test_aut_4_property_travels_after_the_correction_but_not_in_1961(aut):
    """AUT-4: from 24 March 1962 letter holders go with their property; the strict practice kept it back."""
    psb, commune = aut.user("countypsb"), aut.user("commune")
    strict = svc.authorization_approve(case=to_decision(aut, letter(aut, regime="1961_strict")), actor=psb)
    with pytest.raises(ApplicationError, match="AUT-4"):
        svc.authorization_settle_accounts(case=strict, actor=commune, property_disposition="Ox cart taken along",
                                          taking_property=True)
    assert reload(strict).state == S.APPROVED
    lenient = svc.authorization_approve(case=to_decision(aut, letter(aut, regime="1962_correction")), actor=psb)
    settled = svc.authorization_settle_accounts(case=lenient, actor=commune, property_disposition="Ox cart taken along",
                                                taking_property=True)
    assert settled.state == S.SETTLED and settled.taking_property


def test_aut_4_cadre_relatives_are_handled_promptly_from_the_correction(aut):
    """AUT-4: relatives of DPRK cadres get the prompt track from March 1962, not under the 1961 practice."""
    psb = aut.user("countypsb")
    old = letter(aut, regime="1961_strict", relative_of_dprk_cadre=True)
    old = svc.authorization_receive_application(case=old, actor=psb, commune_introduction=True,
                                                relative_letter=True, political_clearance=True)
    with pytest.raises(ApplicationError, match="AUT-4"):
        case_transition(case=old, transition="approve_expedited", actor=psb)
    new = letter(aut, regime="1962_correction", relative_of_dprk_cadre=True)
    new = svc.authorization_receive_application(case=new, actor=psb, commune_introduction=True)
    esc = Deadline.objects.get(case=new, kind=DeadlineKind.ESCALATION)
    assert esc.due_at - new.state_since == dt.timedelta(days=3)
    assert case_transition(case=new, transition="approve_expedited", actor=psb).state == S.APPROVED


def _departed_settler(aut, regime: str = "1962_correction"):
    psb = aut.user("countypsb")
    case = svc.authorization_approve(case=to_decision(aut, letter(aut, regime=regime)), actor=psb)
    case = svc.authorization_settle_accounts(case=case, actor=aut.user("commune"),
                                             property_disposition="Shares refunded")
    return svc.authorization_record_departure(case=case, actor=aut.user("borderstation"), crossing_point="Nanping")


def test_aut_5_family_of_a_settler_may_follow_from_1962(aut):
    """AUT-5: the family in China of someone settled in the DPRK may join them, from the March 1962 correction."""
    teacher = aut.user("teacher")
    from cases.services.regime import exercise_switch_regime

    settler = _departed_settler(aut)
    assert settler.state == S.DEPARTED
    # The exercise runs under the 1958 regime (the lenient line): no AUT-5 path yet.
    with pytest.raises(ApplicationError, match="AUT-5"):
        svc.authorization_family_follow(settled_case=settler, applicant=applicant(aut), actor=aut.user("countypsb"))
    exercise_switch_regime(exercise=aut.exercise, regime="1962_correction", migrate_running=False, actor=teacher,
                           counterfactual=True)
    child = svc.authorization_family_follow(settled_case=settler, applicant=applicant(aut), actor=aut.user("countypsb"),
                                            commune_introduction=True)
    assert child.variant == "family_join" and child.follows == settler and child.state == S.EXAMINATION
    child = svc.authorization_record_examination(case=child, actor=aut.user("countypsb"), political_issue=False,
                                                 pending_case=False)
    child = svc.authorization_approve(case=child, actor=aut.user("countypsb"))
    child = svc.authorization_settle_accounts(case=child, actor=aut.user("commune"),
                                              property_disposition="House left behind sold", taking_property=True)
    assert child.state == S.SETTLED
    not_settled = letter(aut)
    with pytest.raises(ApplicationError, match="AUT-5"):
        svc.authorization_family_follow(settled_case=not_settled, applicant=applicant(aut),
                                        actor=aut.user("countypsb"))


def test_aut_6_august_1963_approves_every_korean_national_return(aut):
    """AUT-6: in 1963 a Korean national's return home may not be refused (absent political grounds too)."""
    psb = aut.user("countypsb")
    case = to_decision(aut, letter(aut, purpose=RETURN_HOME, regime="1963_august"), pending_case=False)
    with pytest.raises(ApplicationError, match="AUT-6"):
        svc.authorization_refuse(case=case, actor=psb, reason="We need his labour.")
    assert svc.authorization_approve(case=case, actor=psb).state == S.APPROVED
    # Ethnic Koreans with ties who join DPRK construction: no additional restrictions (only the commune letter).
    ties = letter(aut, purpose=SETTLE, regime="1963_august")
    ties = svc.authorization_receive_application(case=ties, actor=psb, commune_introduction=True)
    ties = svc.authorization_record_examination(case=ties, actor=psb, political_issue=False, pending_case=False)
    with pytest.raises(ApplicationError, match="AUT-6"):
        svc.authorization_refuse(case=ties, actor=psb, reason="Restriction")
    with pytest.raises(ApplicationError, match="AUT-6"):
        svc.authorization_issue_letter(exercise=aut.exercise, applicant=applicant(aut, Nationality.CN_KOREAN),
                                       letter_number="R-1", actor=aut.user("dprksafety"), purpose=RETURN_HOME)


def test_aut_7_kpa_officer_family_is_expedited_from_august_1963(aut):
    """AUT-7: Telegram 182 -- KPA officers' families skip the separate decision, from 1963 on."""
    psb = aut.user("countypsb")
    early = letter(aut, regime="1962_correction", kpa_officer_family=True)
    early = svc.authorization_receive_application(case=early, actor=psb, commune_introduction=True)
    with pytest.raises(ApplicationError, match="AUT-7"):
        case_transition(case=early, transition="approve_expedited", actor=psb)
    case = letter(aut, regime="1963_august", kpa_officer_family=True)
    assert "AUT-7" in case.events.get().rules
    case = svc.authorization_receive_application(case=case, actor=psb, commune_introduction=True)
    due = Deadline.objects.get(case=case, kind=DeadlineKind.ESCALATION).due_at
    assert due - case.state_since == dt.timedelta(days=3)
    case = case_transition(case=case, transition="approve_expedited", actor=psb)
    assert case.state == S.APPROVED and case.political_issue is None  # the fast track skips the findings


def test_aut_8_settlement_before_departure(aut):
    """AUT-8: no departure before the commune settles accounts and property; the commune acts."""
    psb, commune, station = aut.user("countypsb"), aut.user("commune"), aut.user("borderstation")
    case = svc.authorization_approve(case=to_decision(aut, letter(aut)), actor=psb)
    with pytest.raises(ApplicationError):
        svc.authorization_record_departure(case=case, actor=station, crossing_point="Nanping")
    with pytest.raises(ApplicationError, match="AUT-8"):
        svc.authorization_settle_accounts(case=case, actor=commune, property_disposition=" ")
    with pytest.raises(ApplicationError):  # only the commune settles
        svc.authorization_settle_accounts(case=case, actor=psb, property_disposition="Shares refunded")
    case = svc.authorization_settle_accounts(case=case, actor=commune,
                                             property_disposition="Shares, investments and labour returns refunded")
    assert case.accounts_settled_at == aut.exercise.clock
    case = svc.authorization_record_departure(case=case, actor=station, crossing_point="Nanping - Musan")
    assert case.state == S.DEPARTED and case.crossing_point == "Nanping - Musan" and case.is_closed


def test_aut_9_1970_provincial_revolutionary_committee_decides_returns(aut):
    """AUT-9: from 1970 the provincial committee approves a letter holder's return, unless a serious political
    suspect."""
    psb, province = aut.user("countypsb"), aut.user("province")
    case = to_decision(aut, letter(aut, purpose=RETURN_HOME, regime="1970_state_council"))
    with pytest.raises(ApplicationError, match="AUT-9"):
        case_transition(case=case, transition="approve", actor=psb)
    case = case_transition(case=case, transition="refer_to_province", actor=psb)
    assert case.state == S.PROVINCE_REVIEW and case.next_office.kind == OfficeKind.PROVINCIAL_COMMITTEE
    with pytest.raises(ApplicationError, match="AUT-9"):
        svc.authorization_refuse(case=case, actor=province, reason="No reason")
    with pytest.raises(ApplicationError):
        svc.authorization_approve(case=case, actor=psb)  # the county may not decide it
    case = svc.authorization_approve(case=case, actor=province)
    assert case.state == S.APPROVED and case.decided_by == OfficeKind.PROVINCIAL_COMMITTEE

    suspect = to_decision(aut, letter(aut, purpose=RETURN_HOME, regime="1970_state_council"), political_issue=True)
    suspect = case_transition(case=suspect, transition="refer_to_province", actor=psb)
    with pytest.raises(ApplicationError, match="AUT-2"):
        svc.authorization_approve(case=suspect, actor=province)
    assert svc.authorization_refuse(case=suspect, actor=province, reason="Serious political case").state == S.REFUSED


def test_aut_10_capitalist_destinations_refused_and_insistent_reported(aut):
    """AUT-10: South Korea, Hong Kong, Macau, capitalist countries refused; the insistent reported to MFA and MPS."""
    psb = aut.user("countypsb")
    with pytest.raises(ApplicationError, match="AUT-10"):
        svc.authorization_apply_abroad(exercise=aut.exercise, applicant=applicant(aut, Nationality.KOREAN_IN_CHINA),
                                       destination=Destination.DPRK, actor=psb)
    case = svc.authorization_apply_abroad(exercise=aut.exercise, applicant=applicant(aut, Nationality.KOREAN_IN_CHINA),
                                          destination=Destination.MACAU, actor=psb, regime="1970_state_council")
    assert case.variant == ABROAD
    with pytest.raises(ApplicationError):  # it cannot reach approval
        svc.authorization_record_examination(case=case, actor=psb, political_issue=False, pending_case=False)
    case = case_transition(case=case, transition="refuse_destination", actor=psb)
    assert case.state == S.DESTINATION_REFUSED and "AUT-10" in case.reason
    case = case_transition(case=case, transition="report_insistence", actor=psb,
                           data={"reason": "He insists and has written to the county twice."})
    assert case.state == S.REPORTED and case.next_office.kind == OfficeKind.MPS
    case = case_transition(case=case, transition="record_instruction", actor=aut.user("mps"),
                           data={"instruction": "Educate him; no exit."})
    assert case.state == S.MINISTRIES_INSTRUCTED and case.is_closed

    # AUT-10 is a 1970 rule (D11 §8): under the August 1963 line in this 1959 exercise nothing can be filed.
    with pytest.raises(ApplicationError, match=r"AUT-10 is not yet in force.*19 Aug 1970"):
        svc.authorization_apply_abroad(exercise=aut.exercise, destination=Destination.SOUTH_KOREA, actor=psb,
                                       applicant=applicant(aut, Nationality.KOREAN_IN_CHINA), regime="1963_august")
    assert case_transition(case=case_transition(
        case=svc.authorization_apply_abroad(exercise=aut.exercise, destination=Destination.SOUTH_KOREA, actor=psb,
                                            applicant=applicant(aut, Nationality.KOREAN_IN_CHINA),
                                            regime="1970_state_council"),
        transition="refuse_destination", actor=psb), transition="accept_refusal", actor=psb).state == S.REFUSED


def test_aut_11_visit_gets_a_return_date_and_an_overdue_deadline(aut):
    """AUT-11: a visit with a proper reason is cleared with a set return date; not back in time -> overdue."""
    psb, station = aut.user("countypsb"), aut.user("borderstation")
    with pytest.raises(ApplicationError, match="AUT-11"):
        svc.authorization_issue_letter(exercise=aut.exercise, applicant=applicant(aut), letter_number="V-0",
                                       actor=aut.user("dprksafety"), purpose=VISIT)
    case = svc.authorization_approve(case=to_decision(aut, letter(aut, purpose=VISIT)), actor=psb)
    with pytest.raises(ApplicationError):  # visitors do not wind up their commune accounts
        svc.authorization_settle_accounts(case=case, actor=aut.user("commune"), property_disposition="x")
    today = aut.exercise.clock.date()
    with pytest.raises(ApplicationError, match="AUT-11"):
        svc.authorization_clear_visit(case=case, actor=psb, return_by=today)
    with pytest.raises(ApplicationError, match="AUT-11"):
        svc.authorization_clear_visit(case=case, actor=psb, return_by=today + dt.timedelta(days=90))
    case = svc.authorization_clear_visit(case=case, actor=psb, return_by=today + dt.timedelta(days=20))
    assert case.state == S.VISIT_CLEARED and case.return_by == today + dt.timedelta(days=20)
    case = svc.authorization_record_departure(case=case, actor=station, crossing_point="Nanping")
    assert case.state == S.ON_VISIT
    deadline = Deadline.objects.get(case=case, kind=DeadlineKind.OVERDUE_RETURN)
    assert deadline.action == "mark_overdue" and deadline.rules == "AUT-11"
    assert deadline.due_at.date() == today + dt.timedelta(days=21)
    # The sweep (another issue) fires due deadlines through the state machine; do what it does.
    advance(aut.exercise, 22)
    case = case_transition(case=case, transition=deadline.action, actor=None, system=True)
    assert case.state == S.OVERDUE
    case = case_transition(case=case, transition="treat_as_improper_departure", actor=psb,
                           data={"reason": "Not back; relatives say he found work in Musan."})
    assert case.state == S.IMPROPER_DEPARTURE and case.is_closed


def test_aut_11_visitor_back_in_time_is_proper_travel(aut):
    """AUT-11: proper travel kept apart from improper departure: back by the date closes as returned."""
    psb, station = aut.user("countypsb"), aut.user("borderstation")
    case = svc.authorization_approve(case=to_decision(aut, letter(aut, purpose=VISIT)), actor=psb)
    case = svc.authorization_clear_visit(case=case, actor=psb, return_by=aut.exercise.clock.date() + dt.timedelta(10))
    case = svc.authorization_record_departure(case=case, actor=station, crossing_point="Nanping")
    advance(aut.exercise, 8)
    case = case_transition(case=case, transition="record_return", actor=station)
    assert case.state == S.RETURNED
    assert CaseEvent.objects.filter(case=case).count() == 7
