"""One test per MAR rule: each fails when the rule is broken."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases.choices import Occupation, OfficeKind
from cases.engine import step_named
from cases.errors import ApplicationError
from cases.models import Exercise, MarriageCase
from cases.services.marriage import marriage_file
from tests.cases.marriage_helpers import (
    TAIL_TO_REGISTERED,
    TO_CHINA_APPROVED_1958,
    TO_CHINA_APPROVED_PRE1958,
    file_case,
    new_couple,
    walk,
)
from tests.conftest import take

pytestmark = pytest.mark.django_db


def test_mar_0_pre1958_cases_go_up_to_the_centre_and_come_back(desk):
    """MAR-0: before D2 the papers go to the Centre and back; each return is a fresh application."""
    case = file_case(desk, variant="pre1958")
    assert case.next_office == desk.office(OfficeKind.WORK_UNIT)
    with pytest.raises(ApplicationError):  # the 1958 work-unit decision does not exist here
        take(desk, case, "begin_dissuasion", "workunit")
    case = take(desk, case, "forward_to_province", "workunit")
    case = take(desk, case, "refer_to_centre", "province")
    assert case.next_office == desk.office(OfficeKind.CENTRAL_COMMITTEE)
    case = take(desk, case, "request_more_reports", "centre", reason="Report on the woman's family")
    case = take(desk, case, "return_to_unit", "province", reason="Apply again with the new report")
    assert case.state == "filed"
    assert case.applications == 2
    case = walk(desk, case, TO_CHINA_APPROVED_PRE1958)
    assert case.state == "china_approved"
    assert [e.office.kind for e in case.events.exclude(kind="filed")][:5] == [
        "work_unit", "provincial_committee", "central_committee", "provincial_committee", "work_unit"]


def test_mar_0_1958_cases_never_reach_the_centre(desk):
    """MAR-0: D2 moves approval down to the work unit; the Centre takes no step."""
    case = walk(desk, file_case(desk), TO_CHINA_APPROVED_1958 + TAIL_TO_REGISTERED)
    assert case.state == "registered"
    assert not case.events.filter(office__kind=OfficeKind.CENTRAL_COMMITTEE).exists()
    with pytest.raises(ApplicationError):
        take(desk, file_case(desk, occupation=Occupation.PEASANT), "forward_to_province", "workunit")


@pytest.mark.parametrize("occupation", [Occupation.MILITARY, Occupation.DIPLOMATIC, Occupation.VITAL])
def test_mar_1_restricted_posts_are_refused_and_cannot_be_examined(desk, occupation):
    """MAR-1: military, diplomatic and vital-department personnel may not marry foreigners."""
    case = file_case(desk, occupation=occupation)
    for blocked in ("begin_dissuasion", "begin_examination"):
        with pytest.raises(ApplicationError, match="MAR-"):
            take(desk, case, blocked, "workunit")
    case = take(desk, case, "refuse_restricted_post", "workunit")
    assert case.state == "refused" and case.closed_at is not None


@pytest.mark.parametrize("occupation", [Occupation.MILITARY, Occupation.DIPLOMATIC, Occupation.VITAL])
def test_mar_1_an_examination_refused_for_a_restricted_post_cites_mar_1_not_mar_2(desk, occupation):
    """MAR-1: the soldier's examination was refused with MAR-2's "must first be dissuaded": his post is the reason."""
    case = file_case(desk, occupation=occupation)
    with pytest.raises(ApplicationError) as refused:
        take(desk, case, "begin_examination", "workunit")
    assert refused.value.message.startswith("MAR-1") and "MAR-2" not in refused.value.message


def test_mar_2_unit_staff_examination_refused_until_dissuaded_cites_mar_2(desk):
    case = file_case(desk, occupation=Occupation.UNIT_STAFF)
    with pytest.raises(ApplicationError) as refused:
        take(desk, case, "begin_examination", "workunit")
    assert refused.value.message.startswith("MAR-2") and "MAR-1" not in refused.value.message


def test_mar_1_ordinary_staff_cannot_be_refused_as_restricted(desk):
    """MAR-1: the outright refusal applies only to the restricted posts."""
    case = file_case(desk, occupation=Occupation.UNIT_STAFF)
    with pytest.raises(ApplicationError, match="MAR-1"):
        take(desk, case, "refuse_restricted_post", "workunit")


def test_mar_2_unit_staff_are_dissuaded_first_then_may_withdraw_or_insist(desk):
    """MAR-2: staff of other units are dissuaded; withdrawal ends it, insistence lets it proceed."""
    case = file_case(desk, occupation=Occupation.UNIT_STAFF)
    with pytest.raises(ApplicationError, match="MAR-2"):
        take(desk, case, "begin_examination", "workunit")
    case = take(desk, case, "begin_dissuasion", "workunit")
    assert case.state == "dissuasion"
    withdrawn = take(desk, take(desk, file_case(desk), "begin_dissuasion", "workunit"), "record_withdrawal",
                     "workunit")
    assert withdrawn.state == "withdrawn"
    case = take(desk, case, "record_insistence", "workunit")
    assert case.state == "examination"


def test_mar_3_leader_approves_only_a_truthful_man_in_a_compatible_post(desk):
    """MAR-3: the unit examines truthfulness, remarriage and post; the leader approves only a clean file."""
    case = take(desk, file_case(desk, occupation=Occupation.PEASANT), "begin_examination", "workunit")
    with pytest.raises(ApplicationError, match="needs"):
        take(desk, case, "complete_examination", "workunit")
    case = take(desk, case, "complete_examination", "workunit",
                found_truthful=False, remarrying=True, post_compatible=True)
    assert case.remarrying is True
    with pytest.raises(ApplicationError, match="MAR-3"):
        take(desk, case, "leader_approve", "workunit")
    case = take(desk, case, "refuse_after_examination", "workunit", reason="He hid an earlier marriage")
    assert case.state == "refused" and case.reason == "He hid an earlier marriage"

    good = take(desk, file_case(desk, occupation=Occupation.PEASANT), "begin_examination", "workunit")
    good = take(desk, good, "complete_examination", "workunit",
                found_truthful=True, remarrying=False, post_compatible=True)
    good = take(desk, good, "leader_approve", "workunit")
    assert good.state == "china_approved"


def test_mar_4_two_copies_and_one_goes_back_to_the_man_on_approval(desk):
    """MAR-4: one form in two copies; on the leader's approval one copy returns to the man at once."""
    man, woman = new_couple(desk)
    with pytest.raises(ApplicationError, match="MAR-4"):
        marriage_file(exercise=desk.exercise, man=man, woman=woman, work_unit=desk.office(OfficeKind.WORK_UNIT),
                      actor=desk.user("workunit"), copies=1)
    assert not MarriageCase.objects.filter(man=man).exists()
    case = walk(desk, file_case(desk), TO_CHINA_APPROVED_1958)
    assert case.copy_returned_at == desk.exercise.clock


def test_mar_5_woman_applies_to_the_spa_standing_committee_with_a_copy_at_the_embassy(desk):
    """MAR-5: the woman applies to the SPA Standing Committee; the MFA Beijing office sends the Embassy a copy."""
    case = walk(desk, file_case(desk), TO_CHINA_APPROVED_1958 + TAIL_TO_REGISTERED[:1])
    assert case.next_office == desk.office(OfficeKind.MFA)
    with pytest.raises(ApplicationError):
        take(desk, case, "dprk_approve", "dprkspa", dprk_approval_ref="x", passport_number="y")
    case = take(desk, case, "forward_copy_to_embassy", "mfa")
    assert case.embassy_copy_at is not None
    assert case.next_office == desk.office(OfficeKind.DPRK_SPA)
    refused = walk(desk, file_case(desk), TO_CHINA_APPROVED_1958 + TAIL_TO_REGISTERED[:2])
    refused = take(desk, refused, "dprk_refuse", "dprkspa", reason="Labour shortage")
    assert refused.state == "refused_dprk"


def test_mar_6_embassy_visa_needs_dprk_approval_and_passport(desk):
    """MAR-6: the Embassy issues the visa only once she holds DPRK approval and a passport."""
    case = walk(desk, file_case(desk), TO_CHINA_APPROVED_1958 + TAIL_TO_REGISTERED[:2])
    with pytest.raises(ApplicationError):
        take(desk, case, "issue_visa", "embassy", visa_number="V-1")
    with pytest.raises(ApplicationError, match="passport"):
        take(desk, case, "dprk_approve", "dprkspa", dprk_approval_ref="SPA 1", passport_number=" ")
    case = take(desk, case, "dprk_approve", "dprkspa", dprk_approval_ref="SPA 1", passport_number="KP-1")
    assert case.next_office == desk.office(OfficeKind.EMBASSY)
    case = take(desk, case, "issue_visa", "embassy", visa_number="V-1")
    assert case.state == "visa_issued" and case.visa_number == "V-1"


def test_mar_7_marriage_registered_then_wife_registered_as_foreign_national(desk):
    """MAR-7: she registers the marriage under Chinese law, then is registered as a foreign national."""
    case = walk(desk, file_case(desk), TO_CHINA_APPROVED_1958 + TAIL_TO_REGISTERED[:4])
    with pytest.raises(ApplicationError):
        take(desk, case, "register_foreign_national", "countypsb", foreign_resident_number="FR-1")
    case = take(desk, case, "register_marriage", "civilaffairs", marriage_certificate="M-1")
    assert case.state == "married"
    case = take(desk, case, "register_foreign_national", "countypsb", foreign_resident_number="FR-1")
    assert case.state == "registered" and case.next_office is None and case.closed_at is not None


def test_mar_8_man_settles_in_dprk_only_with_work_there(desk):
    """MAR-8: with work in the DPRK the man is steered there: exit permission, then DPRK entry approval."""
    no_work = walk(desk, file_case(desk), TO_CHINA_APPROVED_1958)
    with pytest.raises(ApplicationError, match="MAR-8"):
        take(desk, no_work, "choose_settlement_in_dprk", "workunit")
    case = walk(desk, file_case(desk, woman_has_work_in_dprk=True), TO_CHINA_APPROVED_1958)
    case = take(desk, case, "choose_settlement_in_dprk", "workunit")
    assert case.next_office == desk.office(OfficeKind.COUNTY_PSB)
    with pytest.raises(ApplicationError):
        take(desk, case, "approve_entry", "dprksafety")
    case = take(desk, case, "grant_exit_permission", "countypsb")
    case = take(desk, case, "approve_entry", "dprksafety")
    assert case.state == "settled_in_dprk"


def test_mar_9_illegal_crosser_repatriated_or_allowed_in_special_circumstances(desk):
    """MAR-9: a woman who crossed illegally is repatriated, unless special circumstances are recorded."""
    sent_back = file_case(desk, woman_crossed_illegally=True)
    assert sent_back.state == "illegal_entry"
    assert sent_back.next_office == desk.office(OfficeKind.COUNTY_PSB)
    assert take(desk, sent_back, "repatriate", "countypsb").state == "repatriated"
    stays = file_case(desk, occupation=Occupation.PEASANT, woman_crossed_illegally=True)
    with pytest.raises(ApplicationError, match="reason"):
        take(desk, stays, "approve_special_circumstances", "countypsb")
    stays = take(desk, stays, "approve_special_circumstances", "countypsb", reason="Expecting a child")
    stays = take(desk, stays, "register_marriage", "civilaffairs", marriage_certificate="M-9")
    stays = take(desk, stays, "register_foreign_national", "countypsb", foreign_resident_number="FR-9")
    assert stays.state == "registered"
    soldier = file_case(desk, occupation=Occupation.MILITARY, woman_crossed_illegally=True)
    with pytest.raises(ApplicationError, match="MAR-1"):
        take(desk, soldier, "approve_special_circumstances", "countypsb", reason="x")


def test_mar0_the_provincial_stage_of_the_old_referral_is_marked_an_assumption():
    """D2 says only that many localities asked the Central Committee: the province on the way is invented."""
    for name in ("forward_to_province", "refer_to_centre", "return_to_unit"):
        meta = step_named(MarriageCase, name)
        assert meta is not None and "assumption" in meta.assumption and "many localities" in meta.assumption


def test_mar0_an_application_filed_after_d2_on_the_old_referral_is_marked_counterfactual(desk):
    """The demo's Li Dongshan (filed 2 Mar 1959 on the pre-1958 referral) was marked only in a note at the foot
    of the timeline; his case page now says at the top that it is a counterfactual."""
    Exercise.objects.filter(pk=desk.exercise.pk).update(counterfactual=False)  # a historical run, as the demo's
    li = MarriageCase.objects.get(exercise=desk.exercise, variant="pre1958")
    assert li.counterfactual_label.startswith("COUNTERFACTUAL: this application, filed on 2 Mar 1959")
    zhang = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    assert zhang.counterfactual_label == ""
    li.filed_at = li.filed_at.replace(year=1958, month=9)  # filed before D2: it only finishes on its old route
    assert li.counterfactual_label == ""
    client = Client()
    client.force_login(desk.user("workunit"))
    page = client.get(reverse("admin:cases_marriagecase_change", args=[li.pk])).content.decode()
    assert 'id="bd-counterfactual">COUNTERFACTUAL: this application' in page


def test_a_stale_step_says_which_office_may_act_now(desk):
    """Two students had the case open; after one forwarded it, the other's click said "Possible now: Refer to
    the Central Committee, Send back ...", the province's steps, as if they were the student's own."""
    li = MarriageCase.objects.get(exercise=desk.exercise, variant="pre1958")
    li = take(desk, li, "forward_to_province", "workunit")
    with pytest.raises(ApplicationError) as refused:
        take(desk, li, "forward_to_province", "workunit")
    message = refused.value.message
    # The exercise's own office, not the kind's label for the whole period ("revolutionary committees" came in 1967).
    province = desk.office(OfficeKind.PROVINCIAL_COMMITTEE)
    assert f"Refer to the Central Committee ({province.name})" in message
    assert "revolutionary committee" not in message
