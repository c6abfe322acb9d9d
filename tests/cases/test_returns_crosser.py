"""Illegal-crosser cases: every path through the services and each RET rule it carries."""

from __future__ import annotations

import pytest

from cases.choices import Nationality, OfficeKind
from cases.errors import ApplicationError
from cases.models import CaseEvent, CrosserCase
from cases.models.crosser import CrosserState as S
from cases.models.crosser import CrossingDirection as D
from cases.models.crosser import CrossingSource as Src
from cases.models.crosser import HandoverPoint
from cases.services.crosser import (
    crosser_check,
    crosser_confirm_return,
    crosser_hand_over,
    crosser_record_identity,
    crosser_report,
)
from tests.cases.returns_support import Ret

K = OfficeKind


@pytest.fixture
def ret(desk):
    return Ret(desk)


def _open(ret: Ret, direction: str, *, person=None, regime: str = "", **kw) -> CrosserCase:
    if person is None:
        person = ret.korean() if direction == D.INBOUND and not kw.get("returned_from_dprk") else ret.chinese_korean()
    return crosser_report(
        exercise=ret.exercise, person=person, direction=direction, source=kw.pop("source", Src.INTERCEPTION),
        actor=ret.user_for(K.BORDER_STATION), regime=regime, **kw,
    )


def _identified(ret: Ret, direction: str, cause: str = "livelihood", **kw) -> CrosserCase:
    case = _open(ret, direction, **kw)
    return crosser_record_identity(
        case=case, actor=ret.user_for(K.BORDER_STATION), identity_details="Name, village, household register",
        circumstances="Crossed the frozen river at night", crossing_cause=cause,
    )


def _checked(ret: Ret, direction: str, *, home_case: bool = False, crime_after: bool = False, **kw) -> CrosserCase:
    case = _identified(ret, direction, **kw)
    return crosser_check(case=case, actor=ret.user_for(K.COUNTY_PSB), home_case=home_case,
                         crime_after_crossing=crime_after)


def _msg(exc: pytest.ExceptionInfo) -> str:
    return str(exc.value)


# --- Opening ------------------------------------------------------------------------------------


def test_report_keeps_the_source_reference_and_waits_for_the_border_station(ret):
    case = _open(ret, D.INBOUND, source_reference="Crossing record 12")
    assert case.state == S.REPORTED
    assert case.source_reference == "Crossing record 12"
    assert case.next_office.kind == K.BORDER_STATION
    assert case.reference.startswith("RET-")


def test_a_case_is_filed_under_the_rule_of_its_date(ret):
    """RET-5 is D10's (9 Jun 1964): a 1959 case was filed under it. Before the Protocol the 1957 principles: a
    DPRK citizen who crossed into China is in principle repatriated (RET-2), a resident who crossed into the DPRK
    is persuaded to return (RET-1); a resident stopped at the border under the 1961 measures, RET-10."""
    def filed_under(direction: str, regime: str = "") -> str:
        case = _open(ret, direction, regime=regime)
        return case.events.get(kind="filed").rules

    assert filed_under(D.INBOUND) == "RET-2"
    assert filed_under(D.OUTBOUND) == "RET-1"
    assert filed_under(D.INTERCEPTED, regime="1961_strict") == "RET-10"
    assert filed_under(D.INBOUND, regime="1964_protocol") == "RET-5"
    assert filed_under(D.OUTBOUND, regime="1964_protocol") == "RET-5"


def test_notification_from_the_other_side_is_filed_by_the_representative(ret):
    with pytest.raises(ApplicationError):
        _open(ret, D.OUTBOUND, source=Src.NOTIFICATION)  # the border station does not hold that office
    case = crosser_report(exercise=ret.exercise, person=ret.chinese_korean(), direction=D.OUTBOUND,
                          source=Src.NOTIFICATION, actor=ret.user_for(K.BORDER_REPRESENTATIVE))
    assert case.events.get().office.kind == K.BORDER_REPRESENTATIVE


def test_bad_report_input_is_refused_and_nothing_is_written(ret):
    before = CrosserCase.objects.count()
    with pytest.raises(ApplicationError, match="RET-2"):
        _open(ret, D.INBOUND, person=ret.chinese_korean())
    with pytest.raises(ApplicationError, match="RET-1"):
        _open(ret, D.OUTBOUND, person=ret.korean())
    with pytest.raises(ApplicationError, match="Unknown policy regime"):
        _open(ret, D.INBOUND, regime="1999_nothing")
    assert CrosserCase.objects.count() == before


# --- RET-4: the disaster exemption ---------------------------------------------------------------


def test_ret_4_disaster_victim_is_not_checked_as_an_illegal_crosser_but_assisted_and_returned(ret):
    case = _identified(ret, D.INBOUND, cause="flood")
    with pytest.raises(ApplicationError, match="RET-4"):
        crosser_check(case=case, actor=ret.user_for(K.COUNTY_PSB), home_case=False, crime_after_crossing=False)
    case = ret.act(case, "assist_disaster_victim")
    assert case.state == S.AWAITING_HANDOVER and case.disaster_exempt
    case = crosser_hand_over(case=case, actor=ret.user_for(K.BORDER_REPRESENTATIVE),
                             handover_point=HandoverPoint.NANPING_MUSAN)
    case = crosser_confirm_return(case=case, actor=ret.user_for(K.DPRK_INSPECTION))
    assert case.state == S.RETURNED and case.is_closed


def test_ret_4_only_disaster_causes_are_exempt(ret):
    case = _identified(ret, D.INBOUND, cause="livelihood")
    with pytest.raises(ApplicationError, match="RET-4"):
        ret.act(case, "assist_disaster_victim")


def test_ret_4_dprk_assists_a_chinese_resident_forced_across(ret):
    case = _identified(ret, D.OUTBOUND, cause="labour_incident")
    case = ret.act(case, "assist_disaster_victim_dprk")
    case = crosser_hand_over(case=case, actor=ret.user_for(K.DPRK_INSPECTION), handover_point=HandoverPoint.JIAN_MANPO)
    case = crosser_confirm_return(case=case, actor=ret.user_for(K.BORDER_REPRESENTATIVE))
    assert case.state == S.RETURNED and case.disaster_exempt


# --- RET-2, RET-5, RET-7: the inbound return walk --------------------------------------------------


def test_ret_2_ret_5_ret_7_inbound_crosser_sent_back_at_an_agreed_point_with_his_identity(ret):
    case = _checked(ret, D.INBOUND)
    case = ret.act(case, "prepare_return")
    assert case.state == S.AWAITING_HANDOVER
    case = crosser_hand_over(case=case, actor=ret.user_for(K.BORDER_REPRESENTATIVE),
                             handover_point=HandoverPoint.TUMEN_NAMYANG)
    assert case.state == S.HANDED_OVER and case.handed_over_at == ret.exercise.clock
    assert case.identity_details and case.circumstances  # RET-5: the papers that go with him
    case = crosser_confirm_return(case=case, actor=ret.user_for(K.DPRK_INSPECTION))
    assert case.state == S.RETURNED
    labels = list(case.events.values_list("transition", flat=True))
    assert labels == ["", "record_identity", "check_record", "prepare_return", "hand_over_to_dprk", "confirm_receipt"]


def test_ret_5_identity_and_circumstances_are_required(ret):
    case = _open(ret, D.INBOUND)
    with pytest.raises(ApplicationError, match="needs"):
        crosser_record_identity(case=case, actor=ret.user_for(K.BORDER_STATION), identity_details="Ri",
                                circumstances="  ", crossing_cause="livelihood")
    case.refresh_from_db()
    assert case.state == S.REPORTED


def test_ret_7_handover_only_at_an_agreed_point_and_nothing_changes_otherwise(ret):
    case = ret.act(_checked(ret, D.INBOUND), "prepare_return")
    with pytest.raises(ApplicationError, match="RET-7"):
        ret.act(case, "hand_over_to_dprk", handover_point=HandoverPoint.ELSEWHERE)
    case.refresh_from_db()
    assert case.state == S.AWAITING_HANDOVER and case.handover_point == ""
    assert not case.events.filter(transition="hand_over_to_dprk").exists()


def test_ret_5_crime_after_crossing_is_tried_where_committed_and_the_other_side_told(ret):
    case = _checked(ret, D.INBOUND, crime_after=True)
    case = ret.act(case, "keep_for_trial_in_china", keep_agreed=False, reason="Theft in Tumen after crossing")
    assert case.state == S.TRIED_WHERE_CAUGHT
    assert case.other_side_notified_at == ret.exercise.clock


def test_ret_5_no_trial_here_without_a_crime_after_crossing(ret):
    case = _checked(ret, D.INBOUND, crime_after=False)
    with pytest.raises(ApplicationError, match="RET-5"):
        ret.act(case, "keep_for_trial_in_china", keep_agreed=True, reason="x")


# --- RET-3, RET-6: crimes and pending cases -------------------------------------------------------


def test_ret_3_crosser_with_a_pending_case_at_home_cannot_stay(ret):
    case = _checked(ret, D.INBOUND, home_case=True)
    assert case.state == S.WANTED and case.home_case is True
    for step in ("request_stay", "report_special_situation"):
        with pytest.raises(ApplicationError, match=r"Possible now: .*Decide to send him back"):
            ret.act(case, step, reason="Family here")
    case = ret.act(case, "prepare_return")
    assert case.state == S.AWAITING_HANDOVER


def test_ret_3_stay_guard_refuses_a_wanted_crosser_even_if_reached(ret):
    """The RET-3 guard itself: no stay for anyone with a case at home, whatever the state machine allows."""
    from cases.models.crosser import no_home_case

    case = _checked(ret, D.INBOUND, home_case=True)
    assert no_home_case(case) is False and "RET-3" in no_home_case.message
    clean = _checked(ret, D.INBOUND)
    assert no_home_case(clean) is True


def test_ret_3_outbound_crosser_with_a_pending_case_is_not_persuaded_but_asked_back(ret):
    case = _checked(ret, D.OUTBOUND, home_case=True)
    assert case.next_office.kind == K.COUNTY_PSB
    with pytest.raises(ApplicationError, match="Possible now"):
        ret.act(case, "persuade_to_return")
    case = ret.act(case, "ask_dprk_to_hand_over")
    assert case.state == S.AWAITING_HANDOVER and case.other_side_notified_at is not None
    case = crosser_hand_over(case=case, actor=ret.user_for(K.DPRK_INSPECTION),
                             handover_point=HandoverPoint.SANHE_HOERYONG)
    case = crosser_confirm_return(case=case, actor=ret.user_for(K.BORDER_REPRESENTATIVE))
    assert case.state == S.RETURNED


def test_ret_3_a_returning_chinese_resident_is_not_repatriated_for_a_case_at_home(ret):
    case = _identified(ret, D.INBOUND, returned_from_dprk=True)
    with pytest.raises(ApplicationError, match="RET-3"):
        crosser_check(case=case, actor=ret.user_for(K.COUNTY_PSB), home_case=True, crime_after_crossing=False)


def test_ret_6_fugitive_is_reported_to_the_other_side_when_sent_back(ret):
    case = ret.act(_checked(ret, D.INBOUND, home_case=True), "prepare_return")
    assert case.other_side_notified_at == ret.exercise.clock


def test_ret_6_fugitive_kept_for_a_graver_crime_only_with_the_other_sides_agreement(ret):
    case = _checked(ret, D.INBOUND, home_case=True, crime_after=True)
    with pytest.raises(ApplicationError, match="RET-6"):
        ret.act(case, "keep_for_trial_in_china", keep_agreed=False, reason="Robbery in Helong")
    case.refresh_from_db()
    assert case.state == S.WANTED
    case = ret.act(case, "keep_for_trial_in_china", keep_agreed=True, reason="Robbery in Helong")
    assert case.state == S.TRIED_WHERE_CAUGHT and case.keep_agreed


# --- RET-2: staying in China with the DPRK's approval ------------------------------------------------


def test_ret_2_stay_in_china_needs_dprk_approval_and_may_be_recalled(ret):
    case = _checked(ret, D.INBOUND)
    case = ret.act(case, "request_stay", reason="Old and ill; his only family is here")
    assert case.state == S.STAY_REQUESTED and case.next_office.kind == K.DPRK_SAFETY
    with pytest.raises(ApplicationError, match="Only"):  # the Chinese bureau cannot approve for the DPRK
        from cases.services.steps import case_transition

        case_transition(case=case, transition="approve_stay_in_china", actor=ret.user_for(K.COUNTY_PSB))
    case = ret.act(case, "approve_stay_in_china")
    assert case.state == S.STAYING_IN_CHINA
    case = ret.act(case, "recall_to_dprk", reason="The DPRK asks for him now")
    assert case.state == S.AWAITING_HANDOVER


def test_ret_2_dprk_refusing_the_stay_sends_him_back(ret):
    case = ret.act(_checked(ret, D.INBOUND), "request_stay", reason="Married here")
    case = ret.act(case, "refuse_stay_in_china", reason="He is needed at home")
    assert case.state == S.AWAITING_HANDOVER


# --- RET-12: the 1970 line ------------------------------------------------------------------------


def test_ret_12_in_1970_no_local_stay_only_a_special_report_for_instructions(ret):
    case = _checked(ret, D.INBOUND, regime="1970_state_council")
    with pytest.raises(ApplicationError, match="RET-12"):
        ret.act(case, "request_stay", reason="Family here")
    case = ret.act(case, "report_special_situation", reason="Wife and children are Chinese citizens")
    assert case.state == S.INSTRUCTIONS_REQUESTED and case.next_office.kind == K.MPS
    case = ret.act(case, "instruct_stay", reason="Let the DPRK decide")
    assert case.state == S.STAY_REQUESTED


def test_ret_12_special_report_belongs_to_the_1970_line_only(ret):
    case = _checked(ret, D.INBOUND, regime="1957_lenient")
    with pytest.raises(ApplicationError, match="RET-12"):
        ret.act(case, "report_special_situation", reason="x")


def test_ret_12_ministry_may_instruct_a_prompt_return(ret):
    case = ret.act(_checked(ret, D.INBOUND, regime="1970_state_council"), "report_special_situation", reason="x")
    case = ret.act(case, "instruct_return")
    assert case.state == S.AWAITING_HANDOVER


# --- RET-1, RET-8: outbound crossers persuaded or kept ---------------------------------------------


def test_ret_1_ret_8_outbound_crosser_who_refuses_stays_with_dprk_consent(ret):
    case = _checked(ret, D.OUTBOUND, regime="1962_correction")
    assert case.next_office.kind == K.EMBASSY  # no case at home: the Embassy acts next
    case = ret.act(case, "persuade_to_return")
    assert case.state == S.PERSUASION and case.next_office.kind == K.EMBASSY
    case = ret.act(case, "refuses_to_return", reason="He has work on a cooperative farm")
    case = ret.act(case, "consent_to_keep")
    assert case.state == S.SETTLED_IN_DPRK and case.settled_by_dprk and case.is_closed


def test_ret_1_persuaded_crosser_is_handed_back(ret):
    case = ret.act(_checked(ret, D.OUTBOUND), "persuade_to_return")
    case = ret.act(case, "agrees_to_return")
    case = crosser_hand_over(case=case, actor=ret.user_for(K.DPRK_INSPECTION),
                             handover_point=HandoverPoint.TUMEN_NAMYANG)
    case = crosser_confirm_return(case=case, actor=ret.user_for(K.BORDER_REPRESENTATIVE))
    assert case.state == S.RETURNED


def test_ret_8_dprk_unable_to_settle_him_hands_him_back(ret):
    case = ret.act(ret.act(_checked(ret, D.OUTBOUND), "persuade_to_return"), "refuses_to_return", reason="x")
    case = ret.act(case, "decline_to_keep", reason="No housing")
    assert case.state == S.AWAITING_HANDOVER


def test_ret_8_from_march_1962_a_crosser_willing_to_stay_is_settled_without_persuasion(ret):
    case = _checked(ret, D.OUTBOUND, regime="1964_protocol")
    case = ret.act(case, "ask_dprk_to_settle")
    assert case.state == S.STAY_REQUESTED and case.next_office.kind == K.DPRK_SAFETY
    case = ret.act(case, "consent_to_keep")
    assert case.state == S.SETTLED_IN_DPRK
    events = list(case.events.values_list("transition", flat=True))
    assert "persuade_to_return" not in events


def test_ret_8_before_march_1962_he_is_persuaded_first(ret):
    case = _checked(ret, D.OUTBOUND, regime="1957_lenient")
    with pytest.raises(ApplicationError, match="RET-8"):
        ret.act(case, "ask_dprk_to_settle")


def test_ret_8_dprk_unable_to_settle_him_helps_persuade_him_back(ret):
    case = ret.act(_checked(ret, D.OUTBOUND, regime="1962_correction"), "ask_dprk_to_settle")
    case = ret.act(case, "help_persuade", reason="No housing in Onsong this winter")
    assert case.state == S.PERSUASION
    case = ret.act(case, "agrees_to_return")
    assert case.state == S.AWAITING_HANDOVER


# --- RET-9: the 1961 Embassy line -------------------------------------------------------------------


def test_ret_9_in_1961_the_embassy_does_not_hear_a_returning_crosser_but_may_issue_an_entry_permit(ret):
    case = _checked(ret, D.OUTBOUND, regime="1961_strict", wants_to_return=True)
    with pytest.raises(ApplicationError, match="RET-9"):
        ret.act(case, "hear_return_request")
    case = ret.act(case, "refer_return_to_dprk")
    assert case.state == S.DPRK_ASKED
    case = ret.act(case, "issue_entry_permit", entry_permit_number="EP-61-113")
    case = ret.act(case, "record_return_entry")
    assert case.state == S.RETURNED and case.entry_permit_number == "EP-61-113"


def test_ret_9_outside_1961_the_embassy_hears_the_request(ret):
    case = _checked(ret, D.OUTBOUND, regime="1957_lenient", wants_to_return=True)
    with pytest.raises(ApplicationError, match="RET-9"):
        ret.act(case, "refer_return_to_dprk")
    case = ret.act(case, "hear_return_request")
    assert case.state == S.AWAITING_HANDOVER


def test_ret_9_dprk_side_may_repatriate_under_the_agreed_rules(ret):
    case = ret.act(_checked(ret, D.OUTBOUND, regime="1961_strict", wants_to_return=True), "refer_return_to_dprk")
    case = ret.act(case, "dprk_repatriates")
    assert case.state == S.AWAITING_HANDOVER


def test_ret_9_han_chinese_settled_by_the_dprk_are_left_alone_in_1961_only(ret):
    han = ret.person("Test Han settler", Nationality.HAN)
    case = _checked(ret, D.OUTBOUND, regime="1961_strict", person=han, settled_by_dprk=True)
    case = ret.act(case, "leave_settled_han_alone")
    assert case.state == S.LEFT_ALONE
    han2 = ret.person("Test Han settler 2", Nationality.HAN)
    other = _checked(ret, D.OUTBOUND, regime="1964_protocol", person=han2, settled_by_dprk=True)
    with pytest.raises(ApplicationError, match="RET-9"):
        ret.act(other, "leave_settled_han_alone")
    korean = _checked(ret, D.OUTBOUND, regime="1961_strict", settled_by_dprk=True)
    with pytest.raises(ApplicationError, match="RET-9"):
        ret.act(korean, "leave_settled_han_alone")


# --- RET-10: the 1961 Jilin and Liaoning measures ------------------------------------------------------


def test_ret_10_jilin_1961_returnees_are_persuaded_back_to_the_dprk(ret):
    case = _checked(ret, D.INBOUND, regime="1961_strict", returned_from_dprk=True)
    with pytest.raises(ApplicationError, match="RET-2"):
        ret.act(case, "request_stay", reason="x")
    case = ret.act(case, "persuade_back_to_dprk")
    assert case.state == S.PERSUADED_BACK


def test_ret_10_outside_1961_returnees_are_readmitted_not_pushed_back(ret):
    case = _checked(ret, D.INBOUND, regime="1962_correction", returned_from_dprk=True)
    with pytest.raises(ApplicationError, match="RET-10"):
        ret.act(case, "persuade_back_to_dprk")
    case = ret.act(case, "readmit_returnee")
    assert case.state == S.READMITTED


def test_ret_10_liaoning_1961_intercepted_crossers_get_money_to_go_home(ret):
    case = _checked(ret, D.INTERCEPTED, regime="1961_strict")
    with pytest.raises(ApplicationError, match="RET-10"):
        ret.act(case, "send_home_with_aid", travel_money_yuan=0)
    case = ret.act(case, "send_home_with_aid", travel_money_yuan=15)
    assert case.state == S.SENT_HOME and case.travel_money_yuan == 15


def test_ret_10_aid_for_intercepted_crossers_is_the_1961_measure_only(ret):
    case = _checked(ret, D.INTERCEPTED, regime="1964_protocol")
    with pytest.raises(ApplicationError, match="RET-10"):
        ret.act(case, "send_home_with_aid", travel_money_yuan=15)
    case = ret.act(case, "send_home")
    assert case.state == S.SENT_HOME and case.travel_money_yuan is None


def test_wrong_office_and_wrong_state_are_refused_with_a_readable_message(ret):
    from cases.services.steps import case_transition

    case = _open(ret, D.INBOUND)
    with pytest.raises(ApplicationError, match="Possible now"):
        case_transition(case=case, transition="prepare_return", actor=ret.user_for(K.COUNTY_PSB))
    with pytest.raises(ApplicationError, match="Only"):
        case_transition(case=case, transition="record_identity", actor=ret.user_for(K.EMBASSY),
                        data={"identity_details": "x", "circumstances": "y", "crossing_cause": "family"})
    assert CaseEvent.objects.filter(case=case).count() == 1


# --- Who waits for the case once identified (the inbox names the office whose step is open) -----------


def test_identified_crosser_waits_for_the_office_whose_step_is_open(ret):
    """RET-3, RET-4: an identified crosser who crossed for a living waits for the county bureau's check,
    not for the border station (whose disaster step is closed to him); a flood victim waits for the
    border station's assistance. The inbox reads ``next_office``."""
    ordinary = _identified(ret, D.INBOUND, cause="livelihood")
    assert ordinary.next_office.kind == K.COUNTY_PSB
    assert "RET-3" in ordinary.next_rules.split(",")
    victim = _identified(ret, D.INBOUND, cause="flood")
    assert victim.next_office.kind == K.BORDER_STATION
    assert victim.next_rules.split(",") == ["RET-4"]
