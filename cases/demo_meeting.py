"""Demo data for meetings of the two sides' representatives (D10 Arts. 7-9; MEET-1 ... MEET-5).

``build_meeting_demo(exercise)`` adds the Chinese border representative office (with a login), the
Ministry of Public Security and DPRK Social Safety offices if the exercise lacks them, fictional
representatives of both sides and one meeting request, all through the services. Calling it twice on
the same exercise changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.db import transaction

from cases.choices import OfficeKind, Side
from cases.demo import _user, student_group
from cases.models import Exercise, MeetingCase, MeetingKind, Membership, Office, Representative, RepresentativeRank
from cases.services.meeting import meeting_request, representative_appoint

MEET_OFFICES: list[tuple[str, str, str, str]] = [
    ("borderrep", OfficeKind.BORDER_REPRESENTATIVE, "Jilin Border Area Public Security Representative", "Changchun"),
    ("mps", OfficeKind.MPS, "Ministry of Public Security, Fourth Bureau", "Beijing"),
    ("dprksafety", OfficeKind.DPRK_SAFETY, "DPRK Ministry of Internal Affairs", "Pyongyang"),
]
STUDENT_CODENAMES = ["view_meetingcase", "view_representative", "view_entrypermit", "view_clockmove"]
# Everyone here is fictional; the ranks are those of D10 Art. 7.
REPRESENTATIVES = [
    (Side.CHINA, RepresentativeRank.MINISTRY, "Lin Guowei", "Ministry of Public Security"),
    (Side.DPRK, RepresentativeRank.MINISTRY, "Jon Myong-chol", "Social Safety Ministry"),
    (Side.CHINA, RepresentativeRank.CHIEF, "Gao Ming", "Jilin Province"),
    (Side.CHINA, RepresentativeRank.DEPUTY_CHIEF, "Sun Li", "Jilin Province"),
    (Side.DPRK, RepresentativeRank.CHIEF, "Kim Chol-su", "North Hamgyong Province"),
    (Side.DPRK, RepresentativeRank.DEPUTY_CHIEF, "Pak Sung-il", "North Hamgyong Province"),
    (Side.CHINA, RepresentativeRank.REPRESENTATIVE, "Zhao Yi", "Tumen City"),
    (Side.DPRK, RepresentativeRank.REPRESENTATIVE, "Choe Nam-ho", "Namyang"),
]


@dataclass
class MeetingDemo:
    exercise: Exercise
    logins: list[tuple[str, str]] = field(default_factory=list)
    meetings: list[MeetingCase] = field(default_factory=list)


def _office(exercise: Exercise, login: str, kind: str, name: str, place: str, suffix: str) -> tuple[str, Office]:
    office = exercise.offices.filter(kind=kind).order_by("id").first()
    if office is None:
        office = Office.objects.create(exercise=exercise, kind=kind, name=name, place=place)
    membership = Membership.objects.filter(exercise=exercise, office=office).select_related("user").first()
    if membership is None:
        user = _user(login, suffix=suffix)
        membership, _ = Membership.objects.get_or_create(exercise=exercise, user=user, defaults={"office": office})
    return membership.user.username, office


@transaction.atomic
def build_meeting_demo(exercise: Exercise, *, login_suffix: str = "") -> MeetingDemo:
    """Add the offices, logins, representatives and a seed meeting request for MEET-1 ... MEET-5."""
    demo = MeetingDemo(exercise)
    student_group().permissions.add(
        *Permission.objects.filter(content_type__app_label="cases", codename__in=STUDENT_CODENAMES)
    )
    for login, kind, name, place in MEET_OFFICES:
        user_login, office = _office(exercise, login, kind, name, place, login_suffix)
        demo.logins.append((user_login, office.name))
    if not Representative.objects.filter(exercise=exercise).exists():
        for side, rank, name, area in REPRESENTATIVES:
            representative_appoint(exercise=exercise, side=side, rank=rank, name=name, area=area)
    if MeetingCase.objects.filter(exercise=exercise).exists():
        demo.meetings = list(MeetingCase.objects.filter(exercise=exercise).order_by("id"))
        return demo
    exercise.refresh_from_db(fields=["clock"])
    demo.meetings = [
        meeting_request(
            exercise=exercise, actor=None, kind=MeetingKind.CHIEF, requesting_side=Side.CHINA,
            scheduled_for=exercise.clock + dt.timedelta(days=35), place="Tumen, Chinese side of the bridge",
            subject="Handing back illegal border crossers at Tumen-Namyang",
            note="Walk-through: the DPRK side consents (MEET-1); its Chief needs the minister's permit (MEET-5).",
        ),
    ]
    return demo
