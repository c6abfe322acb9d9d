"""Demo data for authorization letters (AUT-1 ... AUT-11) and the 1959 relocation (AUT-12).

``build_authorization_demo(exercise)`` adds to an exercise (the demo one, or a test's) the offices
these procedures need beyond the marriage desk, one login each, fictional applicants and a set of
seed cases, all through the services. Calling it twice on the same exercise changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.db import transaction

from cases.choices import Nationality, Occupation, OfficeKind, Sex
from cases.demo import _user, student_group
from cases.models import AuthorizationCase, Exercise, Membership, Office, Person
from cases.models.authorization import RETURN_HOME, SETTLE, VISIT, Destination
from cases.services.authorization import authorization_apply_abroad, authorization_issue_letter
from cases.services.relocation import relocation_open_campaign

# (login, office kind, office name, place): offices the marriage desk does not have.
AUT_OFFICES: list[tuple[str, str, str, str]] = [
    ("commune", OfficeKind.COMMUNE, "Dehua People's Commune", "Helong County"),
    ("borderstation", OfficeKind.BORDER_STATION, "Nanping Border Work Station", "Helong County"),
    ("mps", OfficeKind.MPS, "Ministry of Public Security, Fourth Bureau", "Beijing"),
    ("statecouncil", OfficeKind.STATE_COUNCIL, "State Council Foreign Affairs Office", "Beijing"),
]
# Offices the procedures also use, created only when the exercise lacks them.
AUT_OFFICES_IF_MISSING: list[tuple[str, str, str, str]] = [
    ("countypsb", OfficeKind.COUNTY_PSB, "Helong County Public Security Bureau", "Helong"),
    ("province", OfficeKind.PROVINCIAL_COMMITTEE, "Jilin Provincial Committee", "Changchun"),
    ("dprksafety", OfficeKind.DPRK_SAFETY, "DPRK Ministry of Internal Affairs", "Pyongyang"),
]
STUDENT_CODENAMES = [
    "view_authorizationcase", "add_authorizationcase", "view_relocationquota",
]


@dataclass
class AuthorizationDemo:
    exercise: Exercise
    logins: list[tuple[str, str]] = field(default_factory=list)
    cases: list[AuthorizationCase] = field(default_factory=list)


def _office(exercise: Exercise, login: str, kind: str, name: str, place: str, suffix: str) -> tuple[str, Office]:
    office = exercise.offices.filter(kind=kind).order_by("id").first()
    if office is None:
        office = Office.objects.create(exercise=exercise, kind=kind, name=name, place=place)
    if not Membership.objects.filter(exercise=exercise, office=office).exists():
        user = _user(login, suffix=suffix)
        Membership.objects.get_or_create(exercise=exercise, user=user, defaults={"office": office})
    return login + suffix, office


@transaction.atomic
def build_authorization_demo(exercise: Exercise, *, login_suffix: str = "") -> AuthorizationDemo:
    """Add offices, logins, fictional applicants and seed cases for AUT-1 ... AUT-12 to ``exercise``."""
    demo = AuthorizationDemo(exercise)
    group = student_group()
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="cases", codename__in=STUDENT_CODENAMES)
    )
    for login, kind, name, place in AUT_OFFICES + AUT_OFFICES_IF_MISSING:
        user_login, office = _office(exercise, login, kind, name, place, login_suffix)
        demo.logins.append((user_login, office.name))
    if AuthorizationCase.objects.filter(exercise=exercise).exists():
        demo.cases = list(AuthorizationCase.objects.filter(exercise=exercise).order_by("id"))
        return demo

    def person(name: str, sex: str, nat: str, residence: str = "Lishu, Dehua Commune, Helong County") -> Person:
        return Person.objects.create(
            exercise=exercise, name=name, sex=sex, nationality=nat, occupation=Occupation.PEASANT,
            employer="Dehua People's Commune", residence=residence,
        )

    # Fictional people: ethnic Koreans of Chinese nationality and Korean nationals in Helong County.
    han_ok = person("Han Ok-ran", Sex.FEMALE, Nationality.CN_KOREAN)
    song = person("Song Chang-sik", Sex.MALE, Nationality.CN_KOREAN)
    yun = person("Yun Myong-suk", Sex.FEMALE, Nationality.KOREAN_IN_CHINA)
    o_bok = person("O Bok-nam", Sex.FEMALE, Nationality.CN_KOREAN)
    kang = person("Kang Tae-ho", Sex.MALE, Nationality.KOREAN_IN_CHINA, "Yanji City")
    person("Song Mi-ja", Sex.FEMALE, Nationality.CN_KOREAN)  # may follow Song Chang-sik (AUT-5)

    demo.cases = [
        authorization_issue_letter(
            exercise=exercise, applicant=han_ok, letter_number="KP-ISA-59/0412", actor=None, purpose=SETTLE,
            inviting_relative="her brother, a foreman at the Chongjin steel works",
            note="Walk-through: take this letter from application to departure.",
        ),
        authorization_issue_letter(
            exercise=exercise, applicant=song, letter_number="KP-ISA-61/1877", actor=None, purpose=SETTLE,
            regime="1961_strict", inviting_relative="his uncle in Hoeryong",
            note="The same kind of letter under the strict 1961 practice (AUT-3): more papers, slower.",
        ),
        authorization_issue_letter(
            exercise=exercise, applicant=o_bok, letter_number="KP-ISA-59/0520", actor=None, purpose=VISIT,
            reason_for_travel="Her mother in Musan is gravely ill.", inviting_relative="her mother in Musan",
            note="A visit with a proper reason: a return date and an overdue-return deadline (AUT-11).",
        ),
        authorization_issue_letter(
            exercise=exercise, applicant=yun, letter_number="KP-ISA-63/0033", actor=None, purpose=SETTLE,
            kpa_officer_family=True, regime="1963_august",
            inviting_relative="her son, a captain of the Korean People's Army",
            note="A KPA officer's family member: the expedited track of Telegram 182 (AUT-7).",
        ),
        authorization_issue_letter(
            exercise=exercise, applicant=kang, letter_number="KP-ISA-70/0101", actor=None, purpose=RETURN_HOME,
            regime="1970_state_council",
            note="A Korean national returning home: the provincial revolutionary committee decides (AUT-9).",
        ),
        authorization_apply_abroad(
            exercise=exercise, applicant=person("Pae Yong-gil", Sex.MALE, Nationality.KOREAN_IN_CHINA),
            destination=Destination.HONG_KONG, actor=None, regime="1970_state_council",
            reason_for_travel="Says a cousin runs a shop in Kowloon.",
            note="Refused under AUT-10; if he insists he is reported to the MFA and MPS.",
        ),
    ]
    relocation_open_campaign(exercise=exercise, actor=None)
    return demo
