"""MEET-5 (D10 Art. 9(4)) in the protocol-1964 pack with students in the offices: the office that issues a
visiting representative's entry permit does it as a step of the meeting, and the meeting can then be held.

The class walk found that once students held the offices no page issued the permits (only the autopilot
did, beside the engine), so no meeting of the pack could ever be held.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cases.choices import OfficeKind, Side
from cases.classroom.loader import load_pack
from cases.classroom.students import students_create
from cases.errors import ApplicationError
from cases.models import CaseEvent, EntryPermit, Exercise, MeetingCase, Membership
from cases.services.clock import clock_write
from cases.services.meeting import meeting_entry_permits_issue
from cases.services.steps import case_transition
from tests.desks import login

pytestmark = pytest.mark.django_db

K = OfficeKind


class Class:
    """The protocol-1964 pack with a student in every seat its roles name, and its teacher."""

    def __init__(self, name: str) -> None:
        self.teacher = login(f"teacher-{name.lower().replace(' ', '-')}")
        self.exercise = load_pack("protocol-1964", name=name, actor=self.teacher, students=7)
        students_create(exercise=self.exercise, actor=self.teacher, count=7)
        seats = Membership.objects.filter(exercise=self.exercise, office__isnull=False).select_related(
            "user", "office")
        self.students: dict[str, Any] = {}
        for m in seats:
            self.students.setdefault(m.office.kind, m.user)

    def student(self, kind: str) -> Any:
        return self.students[kind]

    @property
    def clock(self) -> dt.datetime:
        return Exercise.objects.get(pk=self.exercise.pk).clock

    def meeting(self, **filters: Any) -> MeetingCase:
        return MeetingCase.objects.filter(exercise=self.exercise, **filters).order_by("pk").first()

    def step(self, case: MeetingCase, name: str, kind: str, **data: Any) -> MeetingCase:
        return case_transition(case=case, transition=name, actor=self.student(kind), data=data)  # type: ignore[return-value]

    def to_the_day(self, case: MeetingCase) -> None:
        # The clock alone, without the autopilot (no student is waiting on it here).
        clock_write(exercise=self.exercise, actor=None, to=case.scheduled_for + dt.timedelta(hours=1))


@pytest.fixture
def room() -> Class:
    return Class("Protocol class")


def _snapshot(case: MeetingCase) -> tuple[Any, ...]:
    fresh = MeetingCase.objects.get(pk=case.pk)
    return (fresh.state, fresh.state_since, fresh.entry_permit_number, fresh.next_office_id,
            CaseEvent.objects.filter(case=case).count(), EntryPermit.objects.filter(meeting=case).count())


def test_meet_5_students_consent_issue_the_permit_and_hold_the_packs_meeting(room):
    """MEET-1, MEET-5, MEET-3: in the pack's own meeting (asked for by China, hosted in China) the DPRK
    student consents and, as the DPRK Chief Representative's office, issues the visiting DPRK
    Representative's entry permit; on the date the Chinese border representative student holds it."""
    case = room.meeting(subject="Handover point for crossers")
    assert (case.requesting_side, case.host_side) == (Side.CHINA, Side.CHINA)
    case = room.step(case, "consent_kp", K.DPRK_SAFETY)
    assert case.state == "consented"
    assert case.next_office.kind == K.DPRK_SAFETY  # the permit is what the meeting waits for first
    room.to_the_day(case)
    with pytest.raises(ApplicationError, match="MEET-5: the visiting representatives need entry permits"):
        room.step(case, "hold_in_cn", K.BORDER_REPRESENTATIVE)

    case = room.step(case, "issue_permit_kp", K.DPRK_SAFETY, entry_permit_number="KP-EP-17")
    assert case.state == "consented" and case.entry_permit_number == "KP-EP-17"
    assert case.visitors_without_permit() == []
    assert case.next_office.kind == K.BORDER_REPRESENTATIVE  # now the host holds it on its date
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.transition, event.rule_ids, event.office.kind) == ("issue_permit_kp", ["MEET-5"], K.DPRK_SAFETY)
    assert event.actor == room.student(K.DPRK_SAFETY) and event.data == {"entry_permit_number": "KP-EP-17"}

    case = room.step(case, "hold_in_cn", K.BORDER_REPRESENTATIVE)
    assert case.state == "held"


def test_meet_5_the_chinese_chief_representatives_office_issues_for_a_visit_to_the_dprk(room):
    """MEET-5, MEET-3: a meeting hosted in the DPRK: the Chinese county Representative's permit comes from
    the Chinese Chief Representative (the border representative office), not from the DPRK side."""
    case = room.meeting(host_side=Side.DPRK, meeting_kind="meeting")  # the venue alternates (MEET-3)
    assert case is not None and case.requesting_side == Side.CHINA
    case = room.step(case, "consent_kp", K.DPRK_SAFETY)
    assert case.next_office.kind == K.BORDER_REPRESENTATIVE
    with pytest.raises(ApplicationError, match=r"Only .* may take this step"):
        room.step(case, "issue_permit_cn_chief", K.DPRK_SAFETY, entry_permit_number="X-1")
    case = room.step(case, "issue_permit_cn_chief", K.BORDER_REPRESENTATIVE, entry_permit_number="CN-EP-3")
    room.to_the_day(case)
    assert room.step(case, "hold_in_kp", K.DPRK_SAFETY).state == "held"


def test_meet_5_another_office_is_refused_on_the_server_and_nothing_changes(room):
    """MEET-5: a student of another office (the work station, the Chinese representative for a DPRK
    visitor) cannot issue the permit, however the request reaches the server."""
    case = room.step(room.meeting(subject="Handover point for crossers"), "consent_kp", K.DPRK_SAFETY)
    before = _snapshot(case)
    for kind in (K.BORDER_STATION, K.BORDER_REPRESENTATIVE, K.COUNTY_PSB):
        with pytest.raises(ApplicationError, match=r"Only .* may take this step \(MEET-5\)"):
            room.step(case, "issue_permit_kp", kind, entry_permit_number="KP-EP-1")
        with pytest.raises(ApplicationError, match="you do not hold that office"):
            meeting_entry_permits_issue(meeting=case, actor=room.student(kind), entry_permit_number="KP-EP-1")
    # The Chinese-side steps are not this meeting's (it is hosted in China: the visitor is DPRK).
    with pytest.raises(ApplicationError, match="That step cannot be taken while the case is at"):
        room.step(case, "issue_permit_cn_chief", K.BORDER_REPRESENTATIVE, entry_permit_number="CN-EP-1")
    assert _snapshot(case) == before


@pytest.mark.parametrize(
    ("number", "message"),
    [("", "needs: entry permit number"), ("   ", "needs: entry permit number"),
     ("N" * 41, "MEET-5: an entry permit number has at most 40 characters")],
)
def test_meet_5_bad_input_is_refused_with_a_clear_message_and_changes_nothing(room, number, message):
    """MEET-5: the permit needs its number; a refusal writes nothing (no event, no permit, same case)."""
    case = room.step(room.meeting(subject="Handover point for crossers"), "consent_kp", K.DPRK_SAFETY)
    before = _snapshot(case)
    with pytest.raises(ApplicationError, match=message):
        room.step(case, "issue_permit_kp", K.DPRK_SAFETY, entry_permit_number=number)
    with pytest.raises(ApplicationError, match=message):
        meeting_entry_permits_issue(meeting=case, actor=room.student(K.DPRK_SAFETY), entry_permit_number=number)
    assert _snapshot(case) == before


def test_meet_5_not_before_consent_and_only_once(room):
    """MEET-1, MEET-5: permits are for an agreed meeting, and a visitor gets one permit per meeting."""
    case = room.meeting(subject="Handover point for crossers")
    with pytest.raises(ApplicationError, match="cannot be taken while the case is at 'Requested"):
        room.step(case, "issue_permit_kp", K.DPRK_SAFETY, entry_permit_number="KP-EP-1")
    case = room.step(case, "consent_kp", K.DPRK_SAFETY)
    meeting_entry_permits_issue(meeting=case, actor=room.student(K.DPRK_SAFETY), entry_permit_number="KP-EP-1")
    before = _snapshot(case)
    with pytest.raises(ApplicationError, match="MEET-5: the visiting representative already holds"):
        meeting_entry_permits_issue(meeting=case, actor=room.student(K.DPRK_SAFETY), entry_permit_number="KP-EP-2")
    with pytest.raises(ApplicationError, match="MEET-5: the visiting representative already holds"):
        room.step(case, "issue_permit_kp", K.DPRK_SAFETY, entry_permit_number="KP-EP-2")
    assert _snapshot(case) == before


def test_meet_5_the_service_records_the_permit_and_its_named_issuer(room):
    """MEET-5: a Representative's permit is signed by his side's Chief Representative (named in the pack)."""
    case = room.step(room.meeting(subject="Handover point for crossers"), "consent_kp", K.DPRK_SAFETY)
    case = meeting_entry_permits_issue(meeting=case, actor=room.student(K.DPRK_SAFETY),
                                       entry_permit_number=" KP-EP-9 ", note="Signed at Chongjin")
    permit = EntryPermit.objects.get(meeting=case)
    visitor = case.visitors()[0]
    assert permit.representative == visitor and visitor.side == Side.DPRK
    assert permit.number == "KP-EP-9" and permit.issued_at == room.clock
    assert permit.issuer is not None and permit.issuer.name == "Chief Representative Ri Myong-su (North Hamgyong)"
    assert "Chief Representative" in permit.issued_by
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.transition == "issue_permit_kp" and event.note == "Signed at Chongjin"


def test_meet_5_the_case_page_offers_the_step_and_the_meeting_can_then_be_held(room):
    """MEET-5 through the admin: the DPRK student sees the permit step under "Your steps", takes it, and the
    hold step of the Chinese student is then possible on the date; the teacher could have issued it too."""
    case = room.step(room.meeting(subject="Handover point for crossers"), "consent_kp", K.DPRK_SAFETY)
    page_url = reverse("admin:cases_meetingcase_change", args=[case.pk])
    step_url = reverse("admin:cases_meetingcase_step", args=[case.pk, "issue_permit_kp"])
    kp = Client()
    kp.force_login(room.student(K.DPRK_SAFETY))
    page = kp.get(page_url)
    assert page.status_code == 200
    mine = page.context["my_steps"]
    assert [s["option"].name for s in mine] == ["issue_permit_kp"] and mine[0]["option"].enabled
    assert b"Issue the visiting DPRK representative&#x27;s entry permit" in page.content

    # A student of another office posting the same form is refused on the server.
    station = Client()
    station.force_login(room.student(K.BORDER_STATION))
    station.post(step_url, {"issue_permit_kp-entry_permit_number": "FAKE-1"}, follow=True)
    assert not EntryPermit.objects.filter(meeting=case).exists()

    response = kp.post(step_url, {"issue_permit_kp-entry_permit_number": "KP-EP-44",
                                  "issue_permit_kp-note": ""}, follow=True)
    assert response.status_code == 200
    permit = EntryPermit.objects.get(meeting=case)
    assert permit.number == "KP-EP-44" and MeetingCase.objects.get(pk=case.pk).entry_permit_number == "KP-EP-44"

    room.to_the_day(case)
    cn = Client()
    cn.force_login(room.student(K.BORDER_REPRESENTATIVE))
    page = cn.get(page_url)
    hold = next(s for s in page.context["my_steps"] if s["option"].name == "hold_in_cn")
    assert hold["option"].enabled, hold["option"].blocked_by
    cn.post(reverse("admin:cases_meetingcase_step", args=[case.pk, "hold_in_cn"]), {}, follow=True)
    assert MeetingCase.objects.get(pk=case.pk).state == "held"


def test_meet_5_the_teacher_can_issue_a_permit_from_the_case_page(room):
    """MEET-5: the facilitator may act for any office (the event says the teacher did)."""
    case = room.step(room.meeting(subject="Handover point for crossers"), "consent_kp", K.DPRK_SAFETY)
    teacher = Client()
    teacher.force_login(room.teacher)
    teacher.post(reverse("admin:cases_meetingcase_step", args=[case.pk, "issue_permit_kp"]),
                 {"issue_permit_kp-entry_permit_number": "KP-EP-T"}, follow=True)
    assert EntryPermit.objects.get(meeting=case).number == "KP-EP-T"
    assert CaseEvent.objects.filter(case=case).latest("id").actor == room.teacher
