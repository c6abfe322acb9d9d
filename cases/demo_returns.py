"""Demo data for the returns procedures: the offices they need, one login per new office, and seed cases.

``build_returns_demo(exercise)`` adds to an existing exercise (the lead's demo one, say). Everyone named
is fictional except An Zaixiu, whose renunciation the Embassy reported on 2 December 1961 (E1961).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from cases.choices import Nationality, Occupation, OfficeKind, Sex
from cases.demo import DEMO_PASSWORD, student_group
from cases.models import Case, CrosserCase, Exercise, Membership, Office, Person
from cases.models.crosser import CrossingDirection, CrossingSource
from cases.models.detention import DetentionMeasure
from cases.models.embassy import EmbassyMatter
from cases.models.stray import StrayKind
from cases.services.corpse import corpse_report
from cases.services.crosser import crosser_report
from cases.services.detention import detention_report
from cases.services.embassy import embassy_case_open
from cases.services.naturalisation import naturalisation_apply
from cases.services.reception import reception_arrive
from cases.services.stray import stray_report

# (login, office kind, office name, place): added only where the exercise has no office of that kind.
RETURNS_OFFICES: list[tuple[str, str, str, str]] = [
    ("borderstation", OfficeKind.BORDER_STATION, "Kaishantun Border Public Security Station", "Kaishantun"),
    ("borderrep", OfficeKind.BORDER_REPRESENTATIVE, "Yanji Border Area Public Security Representative", "Yanji"),
    ("countypsb", OfficeKind.COUNTY_PSB, "Yanji County Public Security Bureau", "Yanji"),
    ("commune", OfficeKind.COMMUNE, "Sanhe People's Commune", "Sanhe"),
    ("provpsb", OfficeKind.PROVINCIAL_PSB, "Jilin Provincial Public Security Department", "Changchun"),
    ("province", OfficeKind.PROVINCIAL_COMMITTEE, "Jilin Provincial Party Committee", "Changchun"),
    ("mps", OfficeKind.MPS, "Ministry of Public Security", "Beijing"),
    ("mfa", OfficeKind.MFA, "MFA Consular Affairs Department, Beijing Office", "Beijing"),
    ("embassy", OfficeKind.EMBASSY, "Chinese Embassy in Pyongyang", "Pyongyang"),
    ("dprksafety", OfficeKind.DPRK_SAFETY, "DPRK Ministry of Internal Affairs", "Pyongyang"),
    ("dprkinspection", OfficeKind.DPRK_INSPECTION, "Namyang Border Inspection Post", "Namyang"),
    ("dprkreception", OfficeKind.DPRK_RECEPTION, "Hoeryong Reception Station", "Hoeryong"),
    ("dprklabour", OfficeKind.DPRK_LABOUR, "North Hamgyong Provincial Labour Bureau", "Chongjin"),
]

RETURNS_MODELS = ["crossercase", "embassycase", "receptioncase", "corpsecase", "naturalisationcase",
                  "detentioncase", "straycase"]


@dataclass
class ReturnsDemo:
    exercise: Exercise
    logins: list[tuple[str, str]] = field(default_factory=list)  # (username, office) of new logins
    cases: list[Case] = field(default_factory=list)
    created: bool = True


def _grant_student_permissions() -> None:
    codenames = [f"{action}_{model}" for model in RETURNS_MODELS for action in ("view", "add")]
    student_group().permissions.add(
        *Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)
    )


def ensure_returns_offices(exercise: Exercise, *, login_suffix: str = "") -> list[tuple[str, str]]:
    """Add each office kind the returns procedures need that the exercise lacks, with one login each."""
    _grant_student_permissions()
    logins: list[tuple[str, str]] = []
    user_model = get_user_model()
    for login, kind, name, place in RETURNS_OFFICES:
        if Office.objects.filter(exercise=exercise, kind=kind).exists():
            continue
        office = Office.objects.create(exercise=exercise, kind=kind, name=name, place=place)
        user, created = user_model.objects.get_or_create(username=login + login_suffix)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = True
            user.save()
        user.groups.add(student_group())
        if not Membership.objects.filter(exercise=exercise, user=user).exists():
            Membership.objects.create(exercise=exercise, user=user, office=office)
            logins.append((user.username, name))
    return logins


@transaction.atomic
def build_returns_demo(exercise: Exercise, *, login_suffix: str = "") -> ReturnsDemo:
    """Add the returns offices, logins, people and one seed case per path to ``exercise``.

    Run it once per exercise: if crosser cases exist already, it only makes sure the offices do.
    """
    logins = ensure_returns_offices(exercise, login_suffix=login_suffix)
    if CrosserCase.objects.filter(exercise=exercise).exists():
        return ReturnsDemo(exercise, logins, created=False)

    def person(name: str, sex: str, nat: str, residence: str, employer: str = "") -> Person:
        return Person.objects.create(
            exercise=exercise, name=name, sex=sex, nationality=nat, occupation=Occupation.PEASANT,
            residence=residence, employer=employer,
        )

    an = person("An Zaixiu", Sex.MALE, Nationality.CN_KOREAN, "North Hamgyong Province",
                "North Hamgyong Province People's Committee Labour Office")
    ri = person("Ri Chol-su", Sex.MALE, Nationality.DPRK, "Namyang, Onsong County")
    kim = person("Kim Yong-ho", Sex.MALE, Nationality.CN_KOREAN, "Sanhe, Longjing")
    pak = person("Pak Song-il", Sex.MALE, Nationality.CN_KOREAN, "Andong (Dandong)")
    so = person("So Kyong-ae", Sex.FEMALE, Nationality.DPRK, "Musan County")
    choe = person("Choe Man-sik", Sex.MALE, Nationality.CN_KOREAN, "Pyongyang")
    jin = person("Jin Chunhua", Sex.FEMALE, Nationality.CN_KOREAN, "Helong County")
    han = person("Han Myong-suk", Sex.FEMALE, Nationality.KOREAN_IN_CHINA, "Yanji City")
    o = person("O Tae-jin", Sex.MALE, Nationality.KOREAN_IN_CHINA, "Tumen")
    commune = Office.objects.filter(exercise=exercise, kind=OfficeKind.COMMUNE).order_by("id").first()
    crossed = exercise.clock - dt.timedelta(days=1)

    cases: list[Case] = [
        crosser_report(exercise=exercise, person=ri, direction=CrossingDirection.INBOUND,
                       source=CrossingSource.INTERCEPTION, actor=None, crossing_place="Tumen River at Kaishantun",
                       crossed_at=crossed, source_reference="Kaishantun station interception report no. 7",
                       note="A DPRK citizen caught after crossing the frozen Tumen: RET-2 and RET-3 apply."),
        crosser_report(exercise=exercise, person=so, direction=CrossingDirection.INBOUND,
                       source=CrossingSource.FOUND, actor=None, crossing_place="Tumen River near Nanping",
                       note="Swept across by a flood: the disaster exemption (RET-4)."),
        crosser_report(exercise=exercise, person=kim, direction=CrossingDirection.OUTBOUND,
                       source=CrossingSource.NOTIFICATION, actor=None, crossing_place="Sanhe - Hoeryong",
                       source_reference="DPRK notification via the Namyang representative",
                       note="A commune member who crossed into the DPRK: persuade him back or ask the DPRK to "
                            "keep him (RET-1, RET-8)."),
        crosser_report(exercise=exercise, person=kim, direction=CrossingDirection.OUTBOUND,
                       source=CrossingSource.NOTIFICATION, actor=None, wants_to_return=True,
                       regime="1961_strict",
                       note="The same kind of case under the 1961 line: the Embassy does not hear it (RET-9)."),
        crosser_report(exercise=exercise, person=pak, direction=CrossingDirection.INTERCEPTED,
                       source=CrossingSource.INTERCEPTION, actor=None, crossing_place="Jiulian City, Andong",
                       regime="1961_strict",
                       note="Stopped with a group at night, May 1961 style: living arrangements and money to go "
                            "home (RET-10, D5)."),
        embassy_case_open(exercise=exercise, person=an, matter=EmbassyMatter.RENUNCIATION, actor=None,
                          papers_held="Exit permit of the Heilongjiang Provincial Public Security Department; "
                                      "Chinese passport",
                          note="E1961: An Zaixiu came to the Embassy on 10 November 1961 to renounce his "
                               "citizenship; he works finding jobs for crossers at the North Hamgyong labour office."),
        reception_arrive(exercise=exercise, person=jin, actor=None, station="Hoeryong",
                         note="One of 20,517 arrivals in North Hamgyong by 8 Nov 1961 (E1961)."),
        corpse_report(exercise=exercise, place_found="Tumen River, below Kaishantun", actor=None,
                      description="Adult male, in the water some days.",
                      note="1961: 243 corpses in the Yalu and Tumen; 150 still unidentified (D6)."),
        naturalisation_apply(exercise=exercise, person=han, actor=None,
                             grounds="Born in Yanji, married to a Chinese citizen.",
                             note="OTH-1: the 1970 route through the provincial revolutionary committee."),
        detention_report(exercise=exercise, person=o, measure=DetentionMeasure.DETENTION, actor=None,
                         grounds="Smuggling across the Tumen, repeated.",
                         note="OTH-2: public security must report before detaining a Korean national."),
        stray_report(exercise=exercise, item_kind=StrayKind.LIVESTOCK, quantity=2, actor=None,
                     place_found="Sanhe river flats", description="Two oxen with DPRK cooperative brands."),
    ]
    if commune is not None:
        cases.append(
            embassy_case_open(exercise=exercise, person=choe, matter=EmbassyMatter.PROPERTY, actor=None,
                              former_commune=commune, property_description="Unrefunded shares and labour returns.",
                              note="R1959: went to the DPRK in 1959; asks to come back to settle his accounts.")
        )
    return ReturnsDemo(exercise, logins, cases)
