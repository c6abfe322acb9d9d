"""A Helong County permit desk: offices, logins, people and seed cases for the permit procedure.

``build_permit_demo(exercise)`` adds what the permit procedure needs to any exercise (the lead can
call it on the main demo); ``build_helong_exercise()`` builds a September 1964 Helong County exercise
around it. Everyone named here is fictional; the offices are the kinds D9 and D10 name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from cases.choices import Nationality, Occupation, OfficeKind, Sex
from cases.demo import DEMO_PASSWORD, STUDENT_GROUP, student_group
from cases.models import Exercise, Membership, Office, Person
from permits.models import BorderCounty, CrossingPoint, DocumentKind, PermitCase
from permits.services.permit import permit_document_add, permit_file

BEIJING = ZoneInfo("Asia/Shanghai")

# (login, office kind, office name, place). "place" matters for PER-5: a commune whose place has no
# station files through its special personnel.
PERMIT_OFFICES: list[tuple[str, str, str, str]] = [
    ("nanping", OfficeKind.BORDER_STATION, "Nanping Border Work Station", "Nanping"),
    ("lishu", OfficeKind.COMMUNE, "Lishu People's Commune (special personnel)", "Lishu"),
    ("helongpsb", OfficeKind.COUNTY_PSB, "Helong County Public Security Bureau", "Helong"),
    ("defence", OfficeKind.BORDER_DEFENCE, "Helong Border Defence, Deputy Representative", "Helong"),
    ("forestry", OfficeKind.WORK_UNIT, "Helong County Forestry Bureau", "Helong"),
    ("jilinpsb", OfficeKind.PROVINCIAL_PSB, "Jilin Provincial Public Security Department, Third Office", "Changchun"),
    ("musan", OfficeKind.DPRK_INSPECTION, "Musan Border Inspection Post", "Musan"),
    ("socialsafety", OfficeKind.DPRK_SAFETY, "DPRK Social Safety Ministry", "Pyongyang"),
]

PERMIT_VIEW_CODENAMES = [
    "view_permitcase", "add_permitcase", "view_permitdocument", "view_crossing", "add_crossing",
    "view_illegalcrossingrecord", "view_bordercounty", "view_crossingpoint", "view_crossinghours",
    "view_borderregionchange",
]


@dataclass
class PermitDemo:
    exercise: Exercise
    logins: list[tuple[str, str]]
    cases: list[PermitCase]


def permit_student_group() -> Group:
    """Give the students' group the permits app's view (and file) permissions."""
    group = student_group()
    perms = Permission.objects.filter(content_type__app_label="permits", codename__in=PERMIT_VIEW_CODENAMES)
    group.permissions.add(*perms)
    return group


def _login(username: str) -> object:
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = True
        user.save()
    user.groups.add(Group.objects.get(name=STUDENT_GROUP))
    return user


@transaction.atomic
def build_permit_demo(exercise: Exercise, *, login_suffix: str = "", seed_cases: bool = True) -> PermitDemo:
    """Add the permit offices (one login each), Helong people and seed applications to ``exercise``.

    Offices of a kind the exercise already has are reused (a second county bureau would split the
    marriage cases' queue). Calling it twice adds nothing the second time.
    """
    permit_student_group()
    logins: list[tuple[str, str]] = []
    offices: dict[str, Office] = {}
    for login, kind, name, place in PERMIT_OFFICES:
        office = Office.objects.filter(exercise=exercise, kind=kind).order_by("id").first()
        if kind == OfficeKind.COMMUNE:
            # The special-personnel case (PER-5) needs a commune with no station at its place.
            stations = Office.objects.filter(exercise=exercise, kind=OfficeKind.BORDER_STATION).values("place")
            office = (Office.objects.filter(exercise=exercise, kind=kind).exclude(place__in=stations)
                      .order_by("id").first())
        if office is None:
            office = Office.objects.create(exercise=exercise, kind=kind, name=name, place=place)
            user = _login(login + login_suffix)
            Membership.objects.get_or_create(exercise=exercise, user=user, defaults={"office": office})
            logins.append((login + login_suffix, name))
        offices[kind] = office
    existing = PermitCase.objects.filter(exercise=exercise)
    if not seed_cases or existing.exists():
        return PermitDemo(exercise, logins, list(existing))

    def person(name: str, sex: str, nat: str, born: int, occ: str = Occupation.PEASANT, employer: str = "") -> Person:
        return Person.objects.create(
            exercise=exercise, name=name, sex=sex, nationality=nat, occupation=occ, birth_year=born,
            employer=employer or "Lishu People's Commune", residence="Lishu, Helong County",
        )

    kim = person("Kim Chol-su", Sex.MALE, Nationality.CN_KOREAN, 1921)
    han = person("Han Sun-ok", Sex.FEMALE, Nationality.CN_KOREAN, 1934)
    pak = person("Pak Yong-nam", Sex.MALE, Nationality.KOREAN_IN_CHINA, 1928)
    forestry = offices[OfficeKind.WORK_UNIT].name
    zhao = person("Zhao Lixin", Sex.MALE, Nationality.HAN, 1930, Occupation.UNIT_STAFF, forestry)
    ri = person("Ri Hyang-mi", Sex.FEMALE, Nationality.CN_KOREAN, 1947)
    helong = BorderCounty.objects.get(name="Helong County")
    musan = BorderCounty.objects.get(name="Musan County")
    nanping = CrossingPoint.objects.get(name="Nanping - Musan")
    station = offices[OfficeKind.BORDER_STATION]

    def file(who: Person, category: str, purpose: str, at: Office, note: str) -> PermitCase:
        return permit_file(
            exercise=exercise, applicant=who, category=category, purpose=purpose, home_county=helong,
            destination_county=musan, crossing_point=nanping, filing_office=at, actor=None, note=note,
            county_bureau=offices[OfficeKind.COUNTY_PSB],
        )

    walk = file(kim, "resident", "relatives", station, "Demo walk: visit his sister in Musan and come back.")
    permit_document_add(case=walk, kind=DocumentKind.RELATIVES_LETTER, issued_by="Kim Chol-ho, Musan", actor=None)
    permit_document_add(case=walk, kind=DocumentKind.COMMUNE_LETTER, issued_by="Lishu People's Commune",
                        actor=None, reference="Lishu (63) 41")
    cases = [
        walk,
        file(han, "resident", "wedding", offices[OfficeKind.COMMUNE],
             "Filed with the commune's special personnel: Lishu has no station (PER-5). Documents still to come."),
        file(pak, "korean_national", "relatives", station, "A Korean national: credentials and department letter."),
        file(zhao, "state_employee", "funeral", station, "A state employee: police AND border defence (PER-6)."),
        file(ri, "resident", "school", station, "Born 1947: too young under the 1953 age rule (PER-11)?"),
    ]
    return PermitDemo(exercise, logins, cases)


def build_helong_exercise(name: str = "Demo: Helong County 1964", *, login_suffix: str = "") -> PermitDemo:
    """Create (or reuse) a Helong County exercise on 10 September 1964, with the permit desk in it.

    Dated after the 1964 Protocol (D10, 9 Jun 1964): the desk walks the county's one-month transit pass and the
    crossing hours, which are D10's (cases/rules/in_force.py); before it the station issued the permit (D9 §4).
    """
    with transaction.atomic():
        exercise, created = Exercise.objects.get_or_create(
            name=name,
            defaults={
                "description": "Border resident crossing permits in Helong County (D9, D10 Art. 3): apply, "
                               "cross at Nanping, come back before the pass expires.",
                "clock": dt.datetime(1964, 9, 10, 9, 0, tzinfo=BEIJING),
                "regime": "1963_august",
            },
        )
        if created:
            teacher, new = get_user_model().objects.get_or_create(username="teacher" + login_suffix)
            if new:
                teacher.set_password(DEMO_PASSWORD)
                teacher.is_staff = teacher.is_superuser = True
                teacher.save()
            Membership.objects.create(exercise=exercise, user=teacher, is_facilitator=True)
    demo = build_permit_demo(exercise, login_suffix=login_suffix)
    if created:
        demo.logins.insert(0, ("teacher" + login_suffix, "the teacher (facilitator, superuser)"))
    return demo
