"""The demo exercise: a 1959 Yanji County marriage desk with one login per office.

Everyone named here is fictional; the offices are the real kinds of office the sources name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from cases.choices import Nationality, Occupation, OfficeKind, Sex
from cases.models import Exercise, Membership, Office, Person
from cases.permissions import STUDENT_GROUP, student_group  # noqa: F401  (STUDENT_GROUP: permits.demo)
from cases.services.marriage import marriage_file

BEIJING = ZoneInfo("Asia/Shanghai")
DEMO_PASSWORD = "borderdesk"

# (login, office kind, office name, place)
DEMO_OFFICES: list[tuple[str, str, str, str]] = [
    ("workunit", OfficeKind.WORK_UNIT, "Yanji Agricultural Machinery Works", "Yanji"),
    ("countypsb", OfficeKind.COUNTY_PSB, "Yanji County Public Security Bureau", "Yanji"),
    ("civilaffairs", OfficeKind.CIVIL_AFFAIRS, "Yanji County Civil Affairs Bureau", "Yanji"),
    ("province", OfficeKind.PROVINCIAL_COMMITTEE, "Jilin Provincial Party Committee", "Changchun"),
    ("centre", OfficeKind.CENTRAL_COMMITTEE, "CCP Central Committee", "Beijing"),
    ("mfa", OfficeKind.MFA, "MFA Consular Affairs Department, Beijing Office", "Beijing"),
    ("embassy", OfficeKind.EMBASSY, "Chinese Embassy in Pyongyang", "Pyongyang"),
    ("dprkspa", OfficeKind.DPRK_SPA, "DPRK Supreme People's Assembly Standing Committee", "Pyongyang"),
    ("dprksafety", OfficeKind.DPRK_SAFETY, "DPRK Ministry of Internal Affairs", "Pyongyang"),
]


@dataclass
class DemoResult:
    exercise: Exercise
    logins: list[tuple[str, str]]  # (username, what they play)
    created: bool


def _user(username: str, *, superuser: bool = False, suffix: str = "") -> object:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username + suffix)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = True
        user.is_superuser = superuser
        user.save()
    if not superuser:
        user.groups.add(student_group())
    return user


@transaction.atomic
def build_demo_exercise(name: str = "Demo: Yanji County 1959", *, login_suffix: str = "") -> DemoResult:
    """Create the demo exercise, its offices, people, logins and seed cases; reuse it if it exists."""
    existing = Exercise.objects.filter(name=name).first()
    if existing is not None:
        logins = [
            (m.user.username, str(m.office) if m.office else "the teacher (facilitator, superuser)")
            for m in existing.memberships.select_related("user", "office").order_by("-is_facilitator", "id")
        ]
        return DemoResult(existing, logins, created=False)
    logins = [(login + login_suffix, office_name) for login, _k, office_name, _p in DEMO_OFFICES]
    logins.insert(0, ("teacher" + login_suffix, "the teacher (facilitator, superuser)"))
    exercise = Exercise.objects.create(
        name=name,
        description="Marriage applications on the 1958 procedure (D2), with a pre-1958 case to compare.",
        clock=dt.datetime(1959, 3, 2, 9, 0, tzinfo=BEIJING),
        regime="1958_marriage",
    )
    offices: dict[str, Office] = {}
    for login, kind, office_name, place in DEMO_OFFICES:
        office = Office.objects.create(exercise=exercise, kind=kind, name=office_name, place=place)
        offices[kind] = office
        Membership.objects.create(exercise=exercise, user=_user(login, suffix=login_suffix), office=office)
    teacher = _user("teacher", superuser=True, suffix=login_suffix)
    Membership.objects.create(exercise=exercise, user=teacher, is_facilitator=True)

    def person(name: str, sex: str, nat: str, occ: str = Occupation.OTHER, employer: str = "") -> Person:
        return Person.objects.create(
            exercise=exercise, name=name, sex=sex, nationality=nat, occupation=occ, employer=employer,
            residence="Yanji County" if nat != Nationality.DPRK else "Hoeryong, North Hamgyong",
        )

    wu = offices[OfficeKind.WORK_UNIT]
    zhang = person("Zhang Wenhai", Sex.MALE, Nationality.HAN, Occupation.UNIT_STAFF, wu.name)
    li = person("Li Dongshan", Sex.MALE, Nationality.CN_KOREAN, Occupation.PEASANT, wu.name)
    wang = person("Wang Jun", Sex.MALE, Nationality.HAN, Occupation.MILITARY, wu.name)
    chen = person("Chen Guoqiang", Sex.MALE, Nationality.HAN, Occupation.UNIT_STAFF, wu.name)
    kim = person("Kim Ok-sun", Sex.FEMALE, Nationality.DPRK)
    pak = person("Pak Myong-hui", Sex.FEMALE, Nationality.DPRK)
    ri = person("Ri Sun-ja", Sex.FEMALE, Nationality.DPRK)
    choe = person("Choe Yong-ae", Sex.FEMALE, Nationality.DPRK)

    marriage_file(exercise=exercise, man=zhang, woman=kim, work_unit=wu, actor=None,
                  note="Demo walk-through: take this case from the work unit to registration.")
    marriage_file(exercise=exercise, man=li, woman=pak, work_unit=wu, actor=None, variant="pre1958",
                  note="The same kind of case under the pre-1958 referral to the Centre (MAR-0).")
    marriage_file(exercise=exercise, man=wang, woman=ri, work_unit=wu, actor=None,
                  note="An officer on active service (MAR-1).")
    marriage_file(exercise=exercise, man=chen, woman=choe, work_unit=wu, actor=None,
                  woman_crossed_illegally=True, note="She crossed the Tumen without papers (MAR-9).")
    _extend(exercise, logins, login_suffix)
    return DemoResult(exercise, logins, created=True)


def _extend(exercise: Exercise, logins: list[tuple[str, str]], login_suffix: str) -> None:
    """Add the other procedures' demo offices, logins and seed cases to the demo exercise."""
    from cases.demo_authorization import build_authorization_demo
    from cases.demo_meeting import build_meeting_demo
    from cases.demo_returns import build_returns_demo
    from permits.demo import build_permit_demo

    known = {login for login, _ in logins}
    for builder in (build_authorization_demo, build_returns_demo, build_meeting_demo, build_permit_demo):
        for login, role in builder(exercise, login_suffix=login_suffix).logins:
            if login not in known:
                logins.append((login, role))
                known.add(login)
