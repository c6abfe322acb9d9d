"""Autopilot meeting policy: consent before the date, permits, the meeting at the alternating venue,
a resolution approved on both sides (MEET-1 ... MEET-5, policies/meeting.py); seeded runs."""

from __future__ import annotations

import random

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.policies.meeting import meeting_policy
from cases.classroom.timekeeping import fast_forward
from cases.models import CaseEvent
from cases.models.meeting import EntryPermit, MeetingCase

pytestmark = pytest.mark.django_db


def test_a_meeting_is_consented_held_on_its_date_and_its_resolution_takes_effect():
    """MEET-1, MEET-3, MEET-4, MEET-5: the DPRK consents before the date, the visitor gets his permit,
    the host holds and chairs it on the date, both sides approve and the resolution takes effect."""
    exercise = load_pack("protocol-1964", name="Meeting year")
    fast_forward(exercise=exercise, actor=None, days=200)
    # The seeded run may first decline with another date (MEET-1): the request that went ahead counts.
    # (The pack's own request and the ones sized to the class: the first to take effect is followed.)
    meeting = MeetingCase.objects.filter(exercise=exercise, state="effective").order_by("pk").first()
    assert meeting is not None and meeting.resolution
    events = {e.transition: e.sim_time for e in CaseEvent.objects.filter(case=meeting)}
    host = meeting.host_side.lower()
    consent = next(t for t in events if t.startswith("consent_"))
    assert events[consent] < meeting.scheduled_for <= events[f"hold_in_{host}"]  # MEET-1, MEET-3
    visitor = meeting.visitors()[0]
    permit = EntryPermit.objects.get(meeting=meeting, representative=visitor)  # MEET-5
    assert permit.issued_at <= events[f"hold_in_{host}"] and "Chief Representative" in permit.issued_by
    assert meeting.approved_cn_at and meeting.approved_kp_at and meeting.effective_from  # MEET-4


def test_the_other_side_can_propose_another_date():
    """MEET-1, MEET-2, MEET-3: declining with another date files the counter-request from the other side."""
    exercise = load_pack("protocol-1964", name="Other date")
    meeting = MeetingCase.objects.get(exercise=exercise, subject="Handover point for crossers")
    before = set(MeetingCase.objects.filter(exercise=exercise).values_list("pk", flat=True))
    params = {"meeting": {"consents": 0.0, "proposes_other_date": 1.0, "other_date_days": 14}}
    step = meeting_policy(meeting, params, random.Random(1))
    assert step is not None and step.perform is not None and step.after is not None
    step.perform(meeting, exercise.clock)
    meeting.refresh_from_db()
    assert meeting.state == "declined" and "proposes" in meeting.reason
    other = MeetingCase.objects.exclude(pk__in=before).get(exercise=exercise)
    assert other.requesting_side == "KP" and other.state == "requested"
    assert other.scheduled_for >= meeting.scheduled_for


def _log(seed: int, name: str) -> list[str]:
    exercise = load_pack("protocol-1964", name=name, seed=seed)
    return fast_forward(exercise=exercise, actor=None, days=60).log


def test_same_seed_same_run_other_seed_other_run():
    """Seeded: the same settings give the same event log; another seed gives another (RET, MEET policies)."""
    first = _log(7, "Seed A")
    assert first == _log(7, "Seed B")
    assert first != _log(8, "Seed C")
