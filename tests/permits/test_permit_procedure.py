"""The permit application: categories, documents, filing, approvals, issue (PER-1 ... PER-7, PER-11)."""

import pytest

from cases.choices import Nationality, Occupation, OfficeKind, Sex
from cases.engine import next_step
from cases.errors import ApplicationError
from cases.models import Office, Person
from cases.regimes import REGIMES
from cases.services.steps import case_transition
from permits.models import DocumentKind, PermitCase
from permits.models.permit import purpose_problem
from permits.services.permit import permit_document_add, permit_forward
from tests.permits.conftest import bj


def person(helong, name, nat=Nationality.CN_KOREAN, born=1930, occ=Occupation.PEASANT):
    return Person.objects.create(exercise=helong.exercise, name=name, sex=Sex.MALE, nationality=nat,
                                 birth_year=born, occupation=occ)


def test_per1_one_numbered_permit_type_from_the_station(helong):
    """PER-1: every case is an application for the one Sino-Korean border resident permit, numbered on issue."""
    case = helong.issue_pass()
    assert case.kind == "permit" and case.reference == "PER-1964-0001"
    assert case.permit_kind == "transit_pass"
    assert case.permit_number == "TP-1964-0001"
    assert case.events.first().rules.startswith("PER-1")


def test_per3_categories_follow_the_applicants_nationality(helong):
    """PER-3: Korean nationals residing in China, Chinese border residents and state employees; no DPRK citizens."""
    korean = person(helong, "Yun Ki-bok", Nationality.KOREAN_IN_CHINA)
    chinese = person(helong, "Liu Bao", Nationality.HAN)
    dprk = person(helong, "Jang Il", Nationality.DPRK)
    with pytest.raises(ApplicationError, match="PER-3"):
        helong.new_application(chinese, category="korean_national")
    with pytest.raises(ApplicationError, match="PER-3"):
        helong.new_application(korean, category="resident")
    with pytest.raises(ApplicationError, match="PER-3"):
        helong.new_application(dprk, category="korean_national")
    with pytest.raises(ApplicationError, match="PER-3"):
        helong.new_application(chinese, purpose="official")
    assert helong.new_application(korean, category="korean_national").variant == "korean_national"
    assert PermitCase.objects.filter(applicant__in=[chinese, dprk]).count() == 0


def test_per2_per3_only_residents_of_the_border_region(helong):
    """PER-2/PER-3: the home county and the destination must both be in the border region, on the right sides."""
    someone = person(helong, "Cui Min")
    with pytest.raises(ApplicationError, match="PER-2"):
        helong.new_application(someone, home_county=helong.county("Musan County"))
    helong.set_clock(helong.exercise.clock)
    from permits.services.geography import border_region_change

    border_region_change(exercise=helong.exercise, county=helong.county("Helong County"), in_region=False,
                         actor=helong.teacher)
    with pytest.raises(ApplicationError, match="not in the border region"):
        helong.new_application(someone)


def test_per4_documents_are_checked_before_the_application_moves(helong):
    """PER-4: a Chinese applicant needs letters from the Korean relatives and from the commune, on the case."""
    applicant = person(helong, "Song Ho")
    case = helong.new_application(applicant)
    station = helong.user("nanping")
    with pytest.raises(ApplicationError, match="PER-4: still missing: Introduction letter from Korean relatives, "
                                               "Introduction letter from the commune"):
        permit_forward(case=case, actor=station)
    with pytest.raises(ApplicationError, match="PER-4"):
        case_transition(case=case, transition="forward_to_county", actor=station)
    with pytest.raises(ApplicationError, match="PER-4: a border resident"):
        permit_document_add(case=case, kind=DocumentKind.NATIONAL_CREDENTIALS, issued_by="x", actor=station)
    permit_document_add(case=case, kind=DocumentKind.RELATIVES_LETTER, issued_by="Song family, Musan", actor=station)
    with pytest.raises(ApplicationError, match="already on the case"):
        permit_document_add(case=case, kind=DocumentKind.RELATIVES_LETTER, issued_by="again", actor=station)
    with pytest.raises(ApplicationError, match="Only"):
        permit_document_add(case=case, kind=DocumentKind.COMMUNE_LETTER, issued_by="x", actor=helong.user("helongpsb"))
    with pytest.raises(ApplicationError, match="still missing: Introduction letter from the commune"):
        permit_forward(case=case, actor=station)
    permit_document_add(case=case, kind=DocumentKind.COMMUNE_LETTER, issued_by="Lishu commune", actor=station)
    case = permit_forward(case=case, actor=station)
    assert case.state == "county_review"
    with pytest.raises(ApplicationError, match="PER-4"):
        permit_document_add(case=case, kind=DocumentKind.COMMUNE_LETTER, issued_by="late", actor=station)
    assert case.events.filter(label__startswith="Document recorded").count() == 2


def test_per4_a_korean_national_brings_credentials_and_the_departments_letter(helong):
    """PER-4: a Korean national's application moves only with national credentials and the department's letter."""
    case = helong.case_of("Pak Yong-nam")
    station = helong.user("nanping")
    permit_document_add(case=case, kind=DocumentKind.NATIONAL_CREDENTIALS, issued_by="DPRK Embassy", actor=station)
    with pytest.raises(ApplicationError, match="supervising department"):
        permit_forward(case=case, actor=station)
    permit_document_add(case=case, kind=DocumentKind.DEPARTMENT_LETTER, issued_by="Helong Grain Bureau",
                        actor=station)
    case = permit_forward(case=case, actor=station)
    case = case_transition(case=case, transition="issue_transit_pass", actor=helong.user("helongpsb"))
    assert case.state == "issued"


def test_per5_station_or_the_communes_special_personnel(helong):
    """PER-5: filed at the station; with special personnel only where the commune has no station of its own."""
    special = helong.case_of("Han Sun-ok")
    assert special.special_personnel and special.filing_office == helong.office(OfficeKind.COMMUNE)
    assert next_step(special)[0] == helong.office(OfficeKind.COMMUNE)
    # The commune's special personnel act for it; the Nanping station does not.
    with pytest.raises(ApplicationError, match="Only"):
        permit_document_add(case=special, kind=DocumentKind.RELATIVES_LETTER, issued_by="x",
                            actor=helong.user("nanping"))
    helong.add_resident_documents(special)
    assert permit_forward(case=special, actor=helong.user("lishu")).state == "county_review"
    # Once Lishu has its own station, its commune no longer takes applications.
    Office.objects.create(exercise=helong.exercise, kind=OfficeKind.BORDER_STATION, name="Lishu Station",
                          place="Lishu")
    with pytest.raises(ApplicationError, match=r"PER-5: .* has a station of its own"):
        helong.new_application(person(helong, "Bae Su"), filing_office=helong.office(OfficeKind.COMMUNE))
    with pytest.raises(ApplicationError, match="PER-5"):
        helong.new_application(person(helong, "Bae Su2"), filing_office=helong.office(OfficeKind.COUNTY_PSB))


def test_per6_state_employees_need_the_police_and_the_border_defence(helong):
    """PER-6: the unit's letter and the state-employee form, then county/city police AND border defence approve."""
    case = helong.case_of("Zhao Lixin")
    station, police, defence = helong.user("nanping"), helong.user("helongpsb"), helong.user("defence")
    with pytest.raises(ApplicationError, match="PER-4: a state employee"):
        permit_document_add(case=case, kind=DocumentKind.COMMUNE_LETTER, issued_by="x", actor=station)
    permit_document_add(case=case, kind=DocumentKind.UNIT_LETTER, issued_by="Forestry Bureau personnel section",
                        actor=station)
    with pytest.raises(ApplicationError, match="private reasons"):
        permit_forward(case=case, actor=station)
    permit_document_add(case=case, kind=DocumentKind.EMPLOYEE_APPLICATION, issued_by="Zhao Lixin", actor=station)
    case = permit_forward(case=case, actor=station)
    # The police alone cannot release the permit, nor can border defence skip the police.
    with pytest.raises(ApplicationError, match="cannot be taken"):
        case_transition(case=case, transition="issue_transit_pass", actor=police)
    with pytest.raises(ApplicationError):
        case_transition(case=case, transition="defence_approve", actor=defence)
    case = case_transition(case=case, transition="police_approve", actor=police)
    assert case.state == "defence_review" and not case.permit_number
    assert next_step(case)[0] == helong.office(OfficeKind.BORDER_DEFENCE)
    with pytest.raises(ApplicationError, match="Only"):
        case_transition(case=case, transition="defence_approve", actor=police)
    case = case_transition(case=case, transition="defence_approve", actor=defence)
    assert case.state == "issued" and case.police_approved_at and case.defence_approved_at
    assert case.permit_number == "TP-1964-0004"


def test_per6_border_defence_may_refuse_after_the_police_approved(helong):
    """PER-6: without the border defence's approval there is no permit."""
    case = helong.case_of("Zhao Lixin")
    station = helong.user("nanping")
    permit_document_add(case=case, kind=DocumentKind.UNIT_LETTER, issued_by="u", actor=station)
    permit_document_add(case=case, kind=DocumentKind.EMPLOYEE_APPLICATION, issued_by="z", actor=station)
    case = permit_forward(case=case, actor=station)
    case = case_transition(case=case, transition="police_approve", actor=helong.user("helongpsb"))
    case = case_transition(case=case, transition="refuse_at_defence", actor=helong.user("defence"),
                           data={"reason": "Needed at the timber yard."})
    assert case.state == "refused" and not case.permit_number and case.is_closed


def test_per7_transit_pass_valid_one_month(helong):
    """PER-7: the county/city bureau's transit pass for visiting relatives is valid one month."""
    case = helong.issue_pass(at=bj(1965, 1, 31, 10, 0))
    assert case.valid_through.isoformat() == "1965-02-28"  # one calendar month, clamped to February's end
    assert case.expires_at == bj(1965, 3, 1, 0, 0)
    assert case.validity_months == 1


def test_per7_official_permit_up_to_one_year(helong):
    """PER-7: Chief and Deputy Chief Representatives and public servants get an official permit of up to a year."""
    official = person(helong, "Tian Shoucheng", Nationality.HAN, 1920, Occupation.OTHER)
    case = helong.new_application(official, category="official", purpose="official")
    station, police = helong.user("nanping"), helong.user("helongpsb")
    permit_document_add(case=case, kind=DocumentKind.OFFICIAL_ASSIGNMENT, issued_by="Jilin PSD", actor=station)
    case = permit_forward(case=case, actor=station)
    with pytest.raises(ApplicationError, match="PER-7: an official permit is valid up to one year"):
        case_transition(case=case, transition="issue_official_permit", actor=police, data={"validity_months": 13})
    with pytest.raises(ApplicationError, match="cannot be taken"):
        case_transition(case=case, transition="issue_transit_pass", actor=police)
    case = case_transition(case=case, transition="issue_official_permit", actor=police, data={"validity_months": 12})
    assert case.permit_kind == "official_permit" and case.permit_number.startswith("OP-")
    assert case.valid_through.isoformat() == "1965-09-10"


def test_per11_1953_age_rule_is_a_regime_parameter(helong):
    """PER-11: only residents of 18 or over (the regime's permit_min_age) get travel documents."""
    assert all(r.param("permit_min_age") == 18 for r in REGIMES.values())
    young = helong.case_of("Ri Hyang-mi")  # born 1947: about 16 in 1963
    helong.add_resident_documents(young)
    with pytest.raises(ApplicationError, match="PER-11: the applicant must be of the age"):
        permit_forward(case=young, actor=helong.user("nanping"))
    case = case_transition(case=young, transition="reject_at_station", actor=helong.user("nanping"),
                           data={"reason": "PER-11: under 18."})
    assert case.state == "refused"
    helong.set_clock(bj(1966, 9, 10, 9, 0))  # two years on, she is 18
    older = helong.new_application(helong.person("Ri Hyang-mi"), purpose="relatives")
    helong.add_resident_documents(older)
    assert permit_forward(case=older, actor=helong.user("nanping")).state == "county_review"


def test_per11_purposes_follow_the_regime(helong):
    """PER-11: the 1953 purposes (school, doctor, weddings...) hold until the 1964 Protocol's visits to relatives."""
    assert "school" in REGIMES["1963_august"].param("permit_purposes")
    assert REGIMES["1964_protocol"].param("permit_purposes") == ("relatives",)
    # On the desk's date (10 Sep 1964) the Protocol is in force: the exercise still being under the August 1963
    # regime does not bring the 1953 purposes back (PER-7 is dated; the check once read the regime only).
    too_late = helong.new_application(person(helong, "Yi Won"), purpose="wedding")
    helong.add_resident_documents(too_late)
    assert helong.exercise.regime == "1963_august"
    assert purpose_problem(too_late).startswith("PER-7: from the 1964 Protocol")
    with pytest.raises(ApplicationError, match="PER-11: the purpose"):
        permit_forward(case=too_late, actor=helong.user("nanping"))
    # Before the Protocol, under the August 1963 regime, a wedding is an allowed purpose.
    helong.set_clock(bj(1963, 10, 1, 9, 0))
    wedding = helong.new_application(person(helong, "Yi Won 2"), purpose="wedding")
    assert purpose_problem(wedding) == "" and purpose_problem(helong.refresh(too_late)) == ""
    helong.exercise.regime = "1964_protocol"
    helong.exercise.save(update_fields=["regime"])
    helong.set_clock(bj(1965, 7, 1, 9, 0))
    later = helong.new_application(person(helong, "Moon Jae"), purpose="wedding")
    helong.add_resident_documents(later)
    with pytest.raises(ApplicationError, match="PER-11: the purpose"):
        permit_forward(case=later, actor=helong.user("nanping"))
