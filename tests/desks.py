"""The tests' own exercises, built with the factories (rows) and the services (cases).

These used to be the demo exercise. They are not: the demo is a scenario pack
(cases/scenarios/demo.yaml) a teacher may change, and a change to it must not break an engine test.
What lives here is what the tests rely on (offices, one login per office, named fictional people and
the cases the tests walk), written once, per procedure, so that a test module asks for the desks it
needs. Every case is filed through its procedure's service; nothing here writes a state directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from cases.choices import Nationality, Occupation, OfficeKind, Sex
from cases.models import (
    AuthorizationCase,
    CrosserCase,
    Exercise,
    MeetingCase,
    Membership,
    Office,
    Person,
    Representative,
)
from cases.permissions import grant_student
from tests.factories import ExerciseFactory, MembershipFactory, OfficeFactory, PersonFactory, UserFactory

BEIJING = ZoneInfo("Asia/Shanghai")
PASSWORD = "borderdesk"
K = OfficeKind

# (login, office kind, office name, place) of each desk, in the order the offices are made: the first
# office of a kind is the one services default to.
MARRIAGE_OFFICES: list[tuple[str, str, str, str]] = [
    ("workunit", K.WORK_UNIT, "Yanji Agricultural Machinery Works", "Yanji"),
    ("countypsb", K.COUNTY_PSB, "Yanji County Public Security Bureau", "Yanji"),
    ("civilaffairs", K.CIVIL_AFFAIRS, "Yanji County Civil Affairs Bureau", "Yanji"),
    ("province", K.PROVINCIAL_COMMITTEE, "Jilin Provincial Party Committee", "Changchun"),
    ("centre", K.CENTRAL_COMMITTEE, "CCP Central Committee", "Beijing"),
    ("mfa", K.MFA, "MFA Consular Affairs Department, Beijing Office", "Beijing"),
    ("embassy", K.EMBASSY, "Chinese Embassy in Pyongyang", "Pyongyang"),
    ("dprkspa", K.DPRK_SPA, "DPRK Supreme People's Assembly Standing Committee", "Pyongyang"),
    ("dprksafety", K.DPRK_SAFETY, "DPRK Ministry of Internal Affairs", "Pyongyang"),
]
AUTHORIZATION_OFFICES: list[tuple[str, str, str, str]] = [
    ("commune", K.COMMUNE, "Dehua People's Commune", "Helong County"),
    ("borderstation", K.BORDER_STATION, "Nanping Border Work Station", "Helong County"),
    ("mps", K.MPS, "Ministry of Public Security, Fourth Bureau", "Beijing"),
    ("statecouncil", K.STATE_COUNCIL, "State Council Foreign Affairs Office", "Beijing"),
    ("countypsb", K.COUNTY_PSB, "Helong County Public Security Bureau", "Helong"),
    ("province", K.PROVINCIAL_COMMITTEE, "Jilin Provincial Committee", "Changchun"),
    ("dprksafety", K.DPRK_SAFETY, "DPRK Ministry of Internal Affairs", "Pyongyang"),
]
RETURNS_OFFICES: list[tuple[str, str, str, str]] = [
    ("borderstation", K.BORDER_STATION, "Kaishantun Border Public Security Station", "Kaishantun"),
    ("borderrep", K.BORDER_REPRESENTATIVE, "Yanji Border Area Public Security Representative", "Yanji"),
    ("countypsb", K.COUNTY_PSB, "Yanji County Public Security Bureau", "Yanji"),
    ("commune", K.COMMUNE, "Sanhe People's Commune", "Sanhe"),
    ("provpsb", K.PROVINCIAL_PSB, "Jilin Provincial Public Security Department", "Changchun"),
    ("province", K.PROVINCIAL_COMMITTEE, "Jilin Provincial Party Committee", "Changchun"),
    ("mps", K.MPS, "Ministry of Public Security", "Beijing"),
    ("mfa", K.MFA, "MFA Consular Affairs Department, Beijing Office", "Beijing"),
    ("embassy", K.EMBASSY, "Chinese Embassy in Pyongyang", "Pyongyang"),
    ("dprksafety", K.DPRK_SAFETY, "DPRK Ministry of Internal Affairs", "Pyongyang"),
    ("dprkinspection", K.DPRK_INSPECTION, "Namyang Border Inspection Post", "Namyang"),
    ("dprkreception", K.DPRK_RECEPTION, "Hoeryong Reception Station", "Hoeryong"),
    ("dprklabour", K.DPRK_LABOUR, "North Hamgyong Provincial Labour Bureau", "Chongjin"),
]
MEETING_OFFICES: list[tuple[str, str, str, str]] = [
    ("borderrep", K.BORDER_REPRESENTATIVE, "Jilin Border Area Public Security Representative", "Changchun"),
    ("mps", K.MPS, "Ministry of Public Security, Fourth Bureau", "Beijing"),
    ("dprksafety", K.DPRK_SAFETY, "DPRK Ministry of Internal Affairs", "Pyongyang"),
]
# "place" matters for PER-5: a commune whose place has no station files through special personnel.
PERMIT_OFFICES: list[tuple[str, str, str, str]] = [
    ("nanping", K.BORDER_STATION, "Nanping Border Work Station", "Nanping"),
    ("lishu", K.COMMUNE, "Lishu People's Commune (special personnel)", "Lishu"),
    ("helongpsb", K.COUNTY_PSB, "Helong County Public Security Bureau", "Helong"),
    ("defence", K.BORDER_DEFENCE, "Helong Border Defence, Deputy Representative", "Helong"),
    ("forestry", K.WORK_UNIT, "Helong County Forestry Bureau", "Helong"),
    ("jilinpsb", K.PROVINCIAL_PSB, "Jilin Provincial Public Security Department, Third Office", "Changchun"),
    ("musan", K.DPRK_INSPECTION, "Musan Border Inspection Post", "Musan"),
    ("socialsafety", K.DPRK_SAFETY, "DPRK Social Safety Ministry", "Pyongyang"),
]
# Everyone here is fictional; the ranks are those of D10 Art. 7.
REPRESENTATIVES = [
    ("CN", "ministry", "Lin Guowei", "Ministry of Public Security"),
    ("KP", "ministry", "Jon Myong-chol", "Social Safety Ministry"),
    ("CN", "chief", "Gao Ming", "Jilin Province"),
    ("CN", "deputy_chief", "Sun Li", "Jilin Province"),
    ("KP", "chief", "Kim Chol-su", "North Hamgyong Province"),
    ("KP", "deputy_chief", "Pak Sung-il", "North Hamgyong Province"),
    ("CN", "representative", "Zhao Yi", "Tumen City"),
    ("KP", "representative", "Choe Nam-ho", "Namyang"),
]


def login(username: str, *, superuser: bool = False) -> Any:
    """Return the user ``username`` (made with the factory and the tests' password if new)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = UserFactory(username=username, is_superuser=superuser, password=PASSWORD)
    if not superuser:
        grant_student(user)
    return user


def seat(exercise: Exercise, username: str, office: Office) -> Any:
    """Give ``office`` the login ``username`` unless someone holds it already; return its holder."""
    held = Membership.objects.filter(exercise=exercise, office=office).select_related("user").first()
    if held is not None:
        return held.user
    user = login(username)
    if not Membership.objects.filter(exercise=exercise, user=user).exists():
        MembershipFactory(exercise=exercise, user=user, office=office)
    return user


def add_offices(exercise: Exercise, offices: list[tuple[str, str, str, str]], suffix: str, *,
                reuse: bool = True) -> dict[str, Office]:
    """Make each office (reusing the exercise's first office of its kind when ``reuse``), one login each."""
    out: dict[str, Office] = {}
    for username, kind, name, place in offices:
        office = exercise.offices.filter(kind=kind).order_by("id").first() if reuse else None
        if office is None:
            office = OfficeFactory(exercise=exercise, kind=kind, name=name, place=place)
        seat(exercise, username + suffix, office)
        out[kind] = office
    return out


def person(exercise: Exercise, name: str, sex: str, nationality: str, **attrs: Any) -> Person:
    return PersonFactory(exercise=exercise, name=name, sex=sex, nationality=nationality, **attrs)


def marriage_desk(name: str = "Test exercise", suffix: str = "", *, counterfactual: bool = False) -> Exercise:
    """A 2 March 1959 Yanji County exercise: the marriage offices, a teacher and four applications (MAR).

    ``counterfactual`` marks the run a what-if (Exercise.counterfactual): then procedures whose documents come
    later (the 1964 Protocol's meetings, the 1970 naturalisations) may be filed in it, labelled so.
    """
    from cases.services.marriage import marriage_file

    exercise = ExerciseFactory(name=name, clock=dt.datetime(1959, 3, 2, 9, 0, tzinfo=BEIJING),
                               regime="1958_marriage", counterfactual=counterfactual)
    offices = add_offices(exercise, MARRIAGE_OFFICES, suffix, reuse=False)
    MembershipFactory(exercise=exercise, user=login("teacher" + suffix, superuser=True), office=None,
                      is_facilitator=True)
    wu = offices[K.WORK_UNIT]

    def applicant(full: str, sex: str, nat: str, occ: str = Occupation.OTHER, employer: str = "") -> Person:
        residence = "Yanji County" if nat != Nationality.DPRK else "Hoeryong, North Hamgyong"
        return person(exercise, full, sex, nat, occupation=occ, employer=employer, residence=residence)

    zhang = applicant("Zhang Wenhai", Sex.MALE, Nationality.HAN, Occupation.UNIT_STAFF, wu.name)
    li = applicant("Li Dongshan", Sex.MALE, Nationality.CN_KOREAN, Occupation.PEASANT, wu.name)
    wang = applicant("Wang Jun", Sex.MALE, Nationality.HAN, Occupation.MILITARY, wu.name)
    chen = applicant("Chen Guoqiang", Sex.MALE, Nationality.HAN, Occupation.UNIT_STAFF, wu.name)
    kim = applicant("Kim Ok-sun", Sex.FEMALE, Nationality.DPRK)
    pak = applicant("Pak Myong-hui", Sex.FEMALE, Nationality.DPRK)
    ri = applicant("Ri Sun-ja", Sex.FEMALE, Nationality.DPRK)
    choe = applicant("Choe Yong-ae", Sex.FEMALE, Nationality.DPRK)
    marriage_file(exercise=exercise, man=zhang, woman=kim, work_unit=wu, actor=None, note="Walk-through couple.")
    marriage_file(exercise=exercise, man=li, woman=pak, work_unit=wu, actor=None, variant="pre1958",
                  note="The same kind of case under the pre-1958 referral (MAR-0).")
    marriage_file(exercise=exercise, man=wang, woman=ri, work_unit=wu, actor=None, note="An officer (MAR-1).")
    marriage_file(exercise=exercise, man=chen, woman=choe, work_unit=wu, actor=None, woman_crossed_illegally=True,
                  note="She crossed the Tumen without papers (MAR-9).")
    return exercise


def authorization_desk(exercise: Exercise, suffix: str = "") -> list[AuthorizationCase]:
    """Add the letter offices, six letters or applications (AUT-1 ... AUT-11) and the 1959 quotas (AUT-12)."""
    from cases.models.authorization import RETURN_HOME, SETTLE, VISIT, Destination
    from cases.services.authorization import authorization_apply_abroad, authorization_issue_letter
    from cases.services.relocation import relocation_open_campaign

    add_offices(exercise, AUTHORIZATION_OFFICES, suffix)
    existing = AuthorizationCase.objects.filter(exercise=exercise).order_by("id")
    if existing.exists():
        return list(existing)

    def applicant(full: str, sex: str, nat: str, residence: str = "Lishu, Dehua Commune, Helong County") -> Person:
        return person(exercise, full, sex, nat, occupation=Occupation.PEASANT, employer="Dehua People's Commune",
                      residence=residence)

    han_ok = applicant("Han Ok-ran", Sex.FEMALE, Nationality.CN_KOREAN)
    song = applicant("Song Chang-sik", Sex.MALE, Nationality.CN_KOREAN)
    yun = applicant("Yun Myong-suk", Sex.FEMALE, Nationality.KOREAN_IN_CHINA)
    o_bok = applicant("O Bok-nam", Sex.FEMALE, Nationality.CN_KOREAN)
    kang = applicant("Kang Tae-ho", Sex.MALE, Nationality.KOREAN_IN_CHINA, "Yanji City")
    applicant("Song Mi-ja", Sex.FEMALE, Nationality.CN_KOREAN)  # may follow Song Chang-sik (AUT-5)
    pae = applicant("Pae Yong-gil", Sex.MALE, Nationality.KOREAN_IN_CHINA)

    def letter(who: Person, number: str, **kw: Any) -> AuthorizationCase:
        return authorization_issue_letter(exercise=exercise, applicant=who, letter_number=number, actor=None, **kw)

    cases = [
        letter(han_ok, "KP-ISA-59/0412", purpose=SETTLE, inviting_relative="her brother in Chongjin"),
        letter(song, "KP-ISA-61/1877", purpose=SETTLE, regime="1961_strict", inviting_relative="his uncle"),
        letter(o_bok, "KP-ISA-59/0520", purpose=VISIT, reason_for_travel="Her mother in Musan is gravely ill.",
               inviting_relative="her mother in Musan"),
        letter(yun, "KP-ISA-63/0033", purpose=SETTLE, kpa_officer_family=True, regime="1963_august",
               inviting_relative="her son, a KPA captain"),
        letter(kang, "KP-ISA-70/0101", purpose=RETURN_HOME, regime="1970_state_council"),
        authorization_apply_abroad(exercise=exercise, applicant=pae, destination=Destination.HONG_KONG, actor=None,
                                   regime="1970_state_council", reason_for_travel="A cousin in Kowloon."),
    ]
    relocation_open_campaign(exercise=exercise, actor=None)
    return cases


def returns_offices(exercise: Exercise, suffix: str = "") -> None:
    """Add each office the returns procedures need that the exercise lacks, one login each."""
    add_offices(exercise, RETURNS_OFFICES, suffix)


def returns_desk(exercise: Exercise, suffix: str = "") -> list[Any]:
    """Add the returns offices and one open case per path (RET-1 ... RET-14, OTH-1 ... OTH-3)."""
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

    returns_offices(exercise, suffix)
    if CrosserCase.objects.filter(exercise=exercise).exists():
        return []

    def who(full: str, sex: str, nat: str, residence: str, employer: str = "") -> Person:
        return person(exercise, full, sex, nat, occupation=Occupation.PEASANT, residence=residence, employer=employer)

    an = who("An Zaixiu", Sex.MALE, Nationality.CN_KOREAN, "North Hamgyong Province", "North Hamgyong labour office")
    ri = who("Ri Chol-su", Sex.MALE, Nationality.DPRK, "Namyang, Onsong County")
    kim = who("Kim Yong-ho", Sex.MALE, Nationality.CN_KOREAN, "Sanhe, Longjing")
    pak = who("Pak Song-il", Sex.MALE, Nationality.CN_KOREAN, "Andong (Dandong)")
    so = who("So Kyong-ae", Sex.FEMALE, Nationality.DPRK, "Musan County")
    choe = who("Choe Man-sik", Sex.MALE, Nationality.CN_KOREAN, "Pyongyang")
    jin = who("Jin Chunhua", Sex.FEMALE, Nationality.CN_KOREAN, "Helong County")
    han = who("Han Myong-suk", Sex.FEMALE, Nationality.KOREAN_IN_CHINA, "Yanji City")
    o = who("O Tae-jin", Sex.MALE, Nationality.KOREAN_IN_CHINA, "Tumen")
    commune = exercise.offices.filter(kind=K.COMMUNE).order_by("id").first()
    D, S = CrossingDirection, CrossingSource
    cases: list[Any] = [
        crosser_report(exercise=exercise, person=ri, direction=D.INBOUND, source=S.INTERCEPTION, actor=None,
                       crossing_place="Tumen River at Kaishantun", crossed_at=exercise.clock - dt.timedelta(days=1),
                       source_reference="Kaishantun interception report no. 7"),
        crosser_report(exercise=exercise, person=so, direction=D.INBOUND, source=S.FOUND, actor=None,
                       crossing_place="Tumen River near Nanping"),
        crosser_report(exercise=exercise, person=kim, direction=D.OUTBOUND, source=S.NOTIFICATION, actor=None,
                       crossing_place="Sanhe - Hoeryong", source_reference="DPRK notification"),
        crosser_report(exercise=exercise, person=kim, direction=D.OUTBOUND, source=S.NOTIFICATION, actor=None,
                       wants_to_return=True, regime="1961_strict"),
        crosser_report(exercise=exercise, person=pak, direction=D.INTERCEPTED, source=S.INTERCEPTION, actor=None,
                       crossing_place="Jiulian City, Andong", regime="1961_strict"),
        embassy_case_open(exercise=exercise, person=an, matter=EmbassyMatter.RENUNCIATION, actor=None,
                          papers_held="Exit permit of the Heilongjiang Provincial PSD; Chinese passport"),
        reception_arrive(exercise=exercise, person=jin, actor=None, station="Hoeryong"),
        corpse_report(exercise=exercise, place_found="Tumen River, below Kaishantun", actor=None,
                      description="Adult male, in the water some days."),
        naturalisation_apply(exercise=exercise, person=han, actor=None, grounds="Born in Yanji, married in China."),
        detention_report(exercise=exercise, person=o, measure=DetentionMeasure.DETENTION, actor=None,
                         grounds="Smuggling across the Tumen, repeated."),
        stray_report(exercise=exercise, item_kind=StrayKind.LIVESTOCK, quantity=2, actor=None,
                     place_found="Sanhe river flats", description="Two oxen with DPRK cooperative brands."),
    ]
    if commune is not None:
        cases.append(embassy_case_open(exercise=exercise, person=choe, matter=EmbassyMatter.PROPERTY, actor=None,
                                       former_commune=commune, property_description="Unrefunded shares."))
    return cases


def meeting_desk(exercise: Exercise, suffix: str = "") -> list[MeetingCase]:
    """Add the representatives' offices, eight representatives and one Chief Representatives' request (MEET)."""
    from cases.services.meeting import meeting_request, representative_appoint

    add_offices(exercise, MEETING_OFFICES, suffix)
    if not Representative.objects.filter(exercise=exercise).exists():
        for side, rank, full, area in REPRESENTATIVES:
            representative_appoint(exercise=exercise, side=side, rank=rank, name=full, area=area)
    existing = MeetingCase.objects.filter(exercise=exercise).order_by("id")
    if existing.exists():
        return list(existing)
    exercise.refresh_from_db(fields=["clock"])
    return [meeting_request(
        exercise=exercise, actor=None, kind="chief", requesting_side="CN",
        scheduled_for=exercise.clock + dt.timedelta(days=35), place="Tumen, Chinese side of the bridge",
        subject="Handing back illegal border crossers at Tumen-Namyang",
    )]


def permit_desk(exercise: Exercise, suffix: str = "") -> list[Any]:
    """Add the permit offices (reusing kinds the exercise has) and five Helong applications (PER)."""
    from cases.rules.in_force import calendar_date, in_force
    from permits.models import BorderCounty, CrossingPoint, DocumentKind, PermitCase
    from permits.services.permit import permit_document_add, permit_file

    offices: dict[str, Office] = {}
    for username, kind, name, place in PERMIT_OFFICES:
        found = exercise.offices.filter(kind=kind).order_by("id").first()
        if kind == K.COMMUNE:  # PER-5 needs a commune with no station at its place
            stations = exercise.offices.filter(kind=K.BORDER_STATION).values("place")
            found = exercise.offices.filter(kind=kind).exclude(place__in=stations).order_by("id").first()
        if found is None:
            found = OfficeFactory(exercise=exercise, kind=kind, name=name, place=place)
            seat(exercise, username + suffix, found)
        offices[kind] = found
    existing = PermitCase.objects.filter(exercise=exercise)
    if existing.exists():
        return list(existing)

    def applicant(full: str, sex: str, nat: str, born: int, occ: str = Occupation.PEASANT,
                  employer: str = "") -> Person:
        return person(exercise, full, sex, nat, occupation=occ, birth_year=born,
                      employer=employer or "Lishu People's Commune", residence="Lishu, Helong County")

    kim = applicant("Kim Chol-su", Sex.MALE, Nationality.CN_KOREAN, 1921)
    han = applicant("Han Sun-ok", Sex.FEMALE, Nationality.CN_KOREAN, 1934)
    pak = applicant("Pak Yong-nam", Sex.MALE, Nationality.KOREAN_IN_CHINA, 1928)
    zhao = applicant("Zhao Lixin", Sex.MALE, Nationality.HAN, 1930, Occupation.UNIT_STAFF, offices[K.WORK_UNIT].name)
    ri = applicant("Ri Hyang-mi", Sex.FEMALE, Nationality.CN_KOREAN, 1947)
    station = offices[K.BORDER_STATION]

    def file(who: Person, category: str, purpose: str, at: Office) -> Any:
        return permit_file(
            exercise=exercise, applicant=who, category=category, purpose=purpose,
            home_county=BorderCounty.objects.get(name="Helong County"),
            destination_county=BorderCounty.objects.get(name="Musan County"),
            crossing_point=CrossingPoint.objects.get(name="Nanping - Musan"), filing_office=at, actor=None,
            county_bureau=offices[K.COUNTY_PSB],
        )

    # Weddings and funerals are 1953 purposes (PER-11); from the 1964 Protocol the pass is for visiting relatives
    # only (PER-7), so an exercise dated after it files those applications as visits to relatives.
    protocol = in_force("PER-7", calendar_date(exercise.clock))
    walk = file(kim, "resident", "relatives", station)
    permit_document_add(case=walk, kind=DocumentKind.RELATIVES_LETTER, issued_by="Kim Chol-ho, Musan", actor=None)
    permit_document_add(case=walk, kind=DocumentKind.COMMUNE_LETTER, issued_by="Lishu People's Commune",
                        actor=None, reference="Lishu (63) 41")
    return [
        walk,
        file(han, "resident", "relatives" if protocol else "wedding", offices[K.COMMUNE]),
        file(pak, "korean_national", "relatives", station),
        file(zhao, "state_employee", "relatives" if protocol else "funeral", station),
        file(ri, "resident", "school", station),
    ]


def full_desk(name: str = "Test exercise", suffix: str = "") -> Exercise:
    """The marriage desk with every other procedure's desk added (what most tests of the admin use).

    Every procedure in one 1959 exercise is a what-if: reception stations (E1961, from 1960), corpses, strays
    and meetings (the 1964 Protocol, D10) and naturalisation and detention reports (D11, 19 Aug 1970) are not
    yet in force on 2 March 1959. The desk is therefore marked counterfactual explicitly (every page says so);
    a test of a procedure on its own dates builds an exercise on them (tests/cases/test_dated_filing.py).
    """
    exercise = marriage_desk(name, suffix, counterfactual=True)
    authorization_desk(exercise, suffix)
    returns_desk(exercise, suffix)
    meeting_desk(exercise, suffix)
    permit_desk(exercise, suffix)
    return exercise


def historical_desk(name: str = "Test exercise", suffix: str = "") -> Exercise:
    """The full desk's offices in a historical (not counterfactual) 2 March 1959 run, with only the cases in force
    then: the marriages, letters, the 1959 relocation and the permits; no later procedure's case."""
    exercise = marriage_desk(name, suffix)
    authorization_desk(exercise, suffix)
    returns_offices(exercise, suffix)
    add_offices(exercise, MEETING_OFFICES, suffix)
    permit_desk(exercise, suffix)
    return exercise


def helong_desk(name: str = "Helong test", suffix: str = "") -> Exercise:
    """A 10 September 1964 Helong County exercise (the 1964 Protocol, D10, in force) with a teacher and the
    permit desk (PER)."""
    exercise = ExerciseFactory(name=name, clock=dt.datetime(1964, 9, 10, 9, 0, tzinfo=BEIJING),
                               regime="1963_august")
    MembershipFactory(exercise=exercise, user=login("teacher" + suffix, superuser=True), office=None,
                      is_facilitator=True)
    permit_desk(exercise, suffix)
    return exercise


def ensure_border_geography() -> None:
    """Load the border geography (PER-2, PER-8, PER-9) again when an earlier transactional test flushed it: a
    flush empties every table, the rows the data migration loads among them, and the permits pack names them."""
    import importlib

    from django.apps import apps

    from permits.models import BorderCounty

    if not BorderCounty.objects.exists():
        importlib.import_module("permits.migrations.0002_load_border_geography").load(apps, None)
