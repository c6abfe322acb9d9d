"""Helpers for marriage tests: file a case through the service and walk it through steps."""

from __future__ import annotations

from cases.choices import Nationality, Occupation, OfficeKind, Sex
from cases.models import MarriageCase, Person
from cases.services.marriage import marriage_file
from tests.conftest import Desk, take

TO_CHINA_APPROVED_1958 = [
    ("begin_dissuasion", "workunit", {}),
    ("record_insistence", "workunit", {}),
    ("complete_examination", "workunit", {"found_truthful": True, "remarrying": False, "post_compatible": True}),
    ("leader_approve", "workunit", {}),
]
TO_CHINA_APPROVED_PRE1958 = [
    ("forward_to_province", "workunit", {}),
    ("refer_to_centre", "province", {}),
    ("central_approve", "centre", {}),
]
TAIL_TO_REGISTERED = [
    ("send_copies", "workunit", {}),
    ("forward_copy_to_embassy", "mfa", {}),
    ("dprk_approve", "dprkspa", {"dprk_approval_ref": "SPA 59/17", "passport_number": "KP-0042"}),
    ("issue_visa", "embassy", {"visa_number": "V-59-101"}),
    ("register_marriage", "civilaffairs", {"marriage_certificate": "YJ-59-233"}),
    ("register_foreign_national", "countypsb", {"foreign_resident_number": "FR-59-008"}),
]


def new_couple(desk: Desk, occupation: str = Occupation.UNIT_STAFF, *, tag: str = "") -> tuple[Person, Person]:
    ex = desk.exercise
    man = Person.objects.create(exercise=ex, name=f"Man {occupation}{tag}", sex=Sex.MALE,
                                nationality=Nationality.HAN, occupation=occupation)
    woman = Person.objects.create(exercise=ex, name=f"Woman {occupation}{tag}", sex=Sex.FEMALE,
                                  nationality=Nationality.DPRK)
    return man, woman


def file_case(desk: Desk, occupation: str = Occupation.UNIT_STAFF, **kwargs: object) -> MarriageCase:
    man, woman = new_couple(desk, occupation, tag=str(kwargs.get("variant", "")))
    filer = "countypsb" if kwargs.get("woman_crossed_illegally") else "workunit"
    return marriage_file(exercise=desk.exercise, man=man, woman=woman,
                         work_unit=desk.office(OfficeKind.WORK_UNIT), actor=desk.user(filer), **kwargs)


def walk(desk: Desk, case: MarriageCase, steps: list[tuple[str, str, dict]]) -> MarriageCase:
    for name, login, data in steps:
        case = take(desk, case, name, login, **data)
    return case
