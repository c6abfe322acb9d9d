"""Meetings of the two sides' representatives: one test (at least) per MEET rule, by ID."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.choices import OfficeKind, Side
from cases.errors import ApplicationError
from cases.models import (
    CaseEvent,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    EventKind,
    Exercise,
    MeetingCase,
    MeetingKind,
    RepresentativeRank,
)
from cases.services.clock import clock_write
from cases.services.deadlines import deadlines_sweep
from cases.services.meeting import (
    meeting_permit_issue,
    meeting_request,
    meeting_resolution_in_force,
    representative_acting,
    representative_appoint,
    representative_set_available,
)
from cases.services.steps import case_transition

R = RepresentativeRank
CN, KP = Side.CHINA, Side.DPRK


class Sides:
    """The test desk plus the Chinese border representative and MPS offices and the representatives."""

    def __init__(self, desk) -> None:
        self.desk = desk
        self.exercise = desk.exercise
        # The test desk (tests/desks.py meeting_desk) adds the representatives' offices and people; its seed
        # request is withdrawn from the picture so that each test starts the venue rotation afresh.
        MeetingCase.objects.filter(exercise=self.exercise).delete()
        self.cn_rep_user = desk.user("borderrep")
        self.mps_user = desk.user("mps")
        self.kp_user = desk.user("dprksafety")
        reps = {(r.side, r.rank, r.rank == R.REPRESENTATIVE): r for r in self.exercise.representatives.all()}
        self.cn_minrep = reps[(CN, R.MINISTRY, False)]
        self.kp_minrep = reps[(KP, R.MINISTRY, False)]
        self.cn_chief = reps[(CN, R.CHIEF, False)]
        self.cn_deputy = reps[(CN, R.DEPUTY_CHIEF, False)]
        self.kp_chief = reps[(KP, R.CHIEF, False)]
        self.kp_deputy = reps[(KP, R.DEPUTY_CHIEF, False)]
        self.cn_county = reps[(CN, R.REPRESENTATIVE, True)]
        self.kp_county = reps[(KP, R.REPRESENTATIVE, True)]

    @property
    def clock(self) -> dt.datetime:
        return Exercise.objects.get(pk=self.exercise.pk).clock

    def ask(self, kind=MeetingKind.CHIEF, days=35, side=CN, **kw) -> MeetingCase:
        return meeting_request(
            exercise=self.exercise, actor=self.cn_rep_user if side == CN else self.kp_user, kind=kind,
            requesting_side=side, scheduled_for=self.clock + dt.timedelta(days=days), place="Tumen bridge",
            subject="Returning illegal crossers", **kw,
        )

    def step(self, case, name, user, **data):
        return case_transition(case=case, transition=name, actor=user, data=data)


@pytest.fixture
def sides(desk) -> Sides:
    return Sides(desk)


def _sweep_to(sides: Sides, when: dt.datetime) -> None:
    clock_write(exercise=sides.exercise, actor=None, to=when)
    deadlines_sweep(exercise_id=sides.exercise.pk)


# --- D10 Arts. 7-8: representatives ------------------------------------------------------------------


def test_one_chief_and_one_deputy_per_side_and_the_deputy_acts_when_the_chief_cannot(sides):
    """D10 Art. 7 / 8(2)."""
    with pytest.raises(ApplicationError, match="already has a Chief Representative"):
        representative_appoint(exercise=sides.exercise, side=CN, rank=R.CHIEF, name="Another")
    assert representative_acting(exercise=sides.exercise, side=CN, kind=MeetingKind.CHIEF) == sides.cn_chief
    representative_set_available(representative=sides.cn_chief, available=False)
    assert representative_acting(exercise=sides.exercise, side=CN, kind=MeetingKind.CHIEF) == sides.cn_deputy
    case = sides.ask()
    assert case.requested_by == sides.cn_deputy


# --- MEET-2: notice -------------------------------------------------------------------------------------


def test_meet_2_chief_representatives_with_20_days_notice_refused_35_days_goes_through(sides):
    """MEET-2: one month's notice between Chief Representatives."""
    with pytest.raises(ApplicationError, match=r"MEET-2: .*one month's notice") as exc:
        sides.ask(days=20)
    assert exc.value.rules == ("MEET-2",)
    assert not MeetingCase.objects.exists()
    case = sides.ask(days=35)
    assert case.state == "requested" and case.requested_by == sides.cn_chief and case.counterpart == sides.kp_chief


@pytest.mark.parametrize(
    ("kind", "too_short", "enough"),
    [(MeetingKind.MINISTRY, 58, 62), (MeetingKind.CONFERENCE, 14, 15), (MeetingKind.MEETING, 2, 3)],
)
def test_meet_2_notice_for_every_kind(sides, kind, too_short, enough):
    """MEET-2: two months (ministries), 15 days (conference), 3 days (meeting)."""
    with pytest.raises(ApplicationError, match="MEET-2"):
        sides.ask(kind=kind, days=too_short)
    assert sides.ask(kind=kind, days=enough).meeting_kind == kind


def test_meet_2_emergency_at_any_time_only_by_mutual_agreement(sides):
    """MEET-2: in an emergency, any time, if both sides agree."""
    with pytest.raises(ApplicationError, match=r"MEET-2: an emergency meeting .* mutual agreement"):
        sides.ask(days=1, emergency=True)
    case = sides.ask(days=1, emergency=True, emergency_agreed=True)
    assert case.emergency and case.emergency_agreed


# --- MEET-1: consent before the date, or the request lapses ---------------------------------------------


def test_meet_1_only_the_other_side_consents(sides):
    """MEET-1: the other side's prior consent."""
    case = sides.ask()
    assert case.next_office.kind == OfficeKind.DPRK_SAFETY
    with pytest.raises(ApplicationError):
        sides.step(case, "consent_cn", sides.cn_rep_user)  # not a step of a Chinese request
    with pytest.raises(ApplicationError, match="Only"):
        sides.step(case, "consent_kp", sides.cn_rep_user)
    assert sides.step(case, "consent_kp", sides.kp_user).state == "consented"


def test_meet_1_request_lapses_with_reminders_when_no_consent_before_the_date(sides):
    """MEET-1: the consent deadline (the date itself) and its reminders."""
    case = sides.ask(days=35)
    kinds = sorted(Deadline.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == [DeadlineKind.CONSENT, DeadlineKind.REMINDER, DeadlineKind.REMINDER]
    _sweep_to(sides, sides.clock + dt.timedelta(days=20))
    assert CaseEvent.objects.filter(case=case, kind=EventKind.REMINDER).count() == 1
    assert MeetingCase.objects.get(pk=case.pk).state == "requested"
    _sweep_to(sides, sides.clock + dt.timedelta(days=30))
    case.refresh_from_db()
    assert case.state == "lapsed"
    assert CaseEvent.objects.filter(case=case, kind=EventKind.REMINDER).count() == 2
    lapse = CaseEvent.objects.get(case=case, kind=EventKind.DEADLINE)
    assert lapse.sim_time == case.scheduled_for and lapse.rule_ids == ["MEET-1"]
    with pytest.raises(ApplicationError):
        sides.step(case, "consent_kp", sides.kp_user)


def test_meet_1_consent_after_the_date_is_refused_and_consent_cancels_the_lapse(sides):
    """MEET-1: consent is given before the date; once given, the lapse deadline is void."""
    late = sides.ask(days=35, side=KP)
    clock_write(exercise=sides.exercise, actor=None, days=36)  # no sweep yet
    with pytest.raises(ApplicationError, match="MEET-1: consent must be given before the date"):
        sides.step(late, "consent_cn", sides.cn_rep_user)
    on_time = sides.ask(days=40, side=KP)
    sides.step(on_time, "consent_cn", sides.cn_rep_user)
    _sweep_to(sides, sides.clock + dt.timedelta(days=41))
    assert MeetingCase.objects.get(pk=on_time.pk).state == "consented"
    lapse = Deadline.objects.get(case=on_time, kind=DeadlineKind.CONSENT)
    assert lapse.status == DeadlineStatus.CANCELLED
    # Nobody is reminded of a consent already given.
    reminders = Deadline.objects.filter(case=on_time, kind=DeadlineKind.REMINDER)
    assert reminders.count() == 2 and not reminders.exclude(status=DeadlineStatus.CANCELLED).exists()
    assert not CaseEvent.objects.filter(case=on_time, kind=EventKind.REMINDER).exists()


# --- MEET-3: the venue alternates, the host chairs -----------------------------------------------------


def test_meet_3_venue_alternates_and_the_host_chairs(sides):
    """MEET-3."""
    first = sides.ask(days=35)
    second = sides.ask(days=70)  # China asks again, but the DPRK hosts this time
    third = sides.ask(days=100, side=KP)
    assert (first.host_side, second.host_side, third.host_side) == (CN, KP, CN)
    assert first.chair == sides.cn_chief and second.chair == sides.kp_chief and third.chair == sides.cn_chief
    sides.step(second, "consent_kp", sides.kp_user)
    meeting_permit_issue(meeting=second, representative=sides.cn_chief, actor=sides.mps_user, number="P-1")
    clock_write(exercise=sides.exercise, actor=None, days=70)
    with pytest.raises(ApplicationError):
        sides.step(second, "hold_in_cn", sides.cn_rep_user)  # not the host
    assert sides.step(second, "hold_in_kp", sides.kp_user).state == "held"


# --- MEET-4: in force after both sides' approval, from mutual notification -----------------------------


def test_meet_4_resolution_effective_only_after_both_approvals_from_mutual_notification(sides):
    """MEET-4."""
    case = sides.ask(days=35)
    sides.step(case, "consent_kp", sides.kp_user)
    meeting_permit_issue(meeting=case, representative=sides.kp_chief, actor=sides.kp_user, number="K-7")
    clock_write(exercise=sides.exercise, actor=None, days=35)
    sides.step(case, "hold_in_cn", sides.cn_rep_user)
    sides.step(case, "adopt_in_cn", sides.cn_rep_user, resolution="Hand over crossers at Tumen on Mondays.")
    sides.step(case, "approve_cn", sides.mps_user)
    assert not meeting_resolution_in_force(meeting=case, on=sides.clock)
    with pytest.raises(ApplicationError):
        sides.step(case, "notify_mutually", sides.mps_user)  # DPRK approval still missing
    clock_write(exercise=sides.exercise, actor=None, days=10)
    sides.step(case, "approve_kp_second", sides.kp_user)
    assert not meeting_resolution_in_force(meeting=case, on=sides.clock)  # approved, not yet notified
    approved_on = sides.clock
    clock_write(exercise=sides.exercise, actor=None, days=5)
    case = sides.step(case, "notify_mutually", sides.mps_user)
    assert case.state == "effective" and case.effective_from == sides.clock
    assert meeting_resolution_in_force(meeting=case, on=sides.clock)
    assert not meeting_resolution_in_force(meeting=case, on=approved_on)  # not back-dated to approval


# --- MEET-5: entry permits -------------------------------------------------------------------------------


def test_meet_5_visitors_need_permits_from_the_right_authority(sides):
    """MEET-5: Chiefs/Deputies from their minister, Representatives from their Chief Representative."""
    chiefs = sides.ask(days=35)  # hosted in China: the DPRK Chief visits
    county = sides.ask(kind=MeetingKind.CONFERENCE, days=20, side=KP,
                       requested_by=sides.kp_county, counterpart=sides.cn_county)  # hosted in the DPRK
    assert county.host_side == KP
    sides.step(chiefs, "consent_kp", sides.kp_user)
    sides.step(county, "consent_cn", sides.cn_rep_user)
    clock_write(exercise=sides.exercise, actor=None, days=36)
    with pytest.raises(ApplicationError, match="MEET-5: the visiting representatives need entry permits"):
        sides.step(chiefs, "hold_in_cn", sides.cn_rep_user)
    with pytest.raises(ApplicationError, match="needs no entry permit"):
        meeting_permit_issue(meeting=chiefs, representative=sides.cn_chief, actor=sides.mps_user, number="X")
    meeting_permit_issue(meeting=chiefs, representative=sides.kp_chief, actor=sides.kp_user, number="K-1")
    assert sides.step(chiefs, "hold_in_cn", sides.cn_rep_user).state == "held"

    # The Chinese county Representative's permit comes from the Chinese Chief Representative, not the minister.
    with pytest.raises(ApplicationError, match="MEET-5: Zhao Yi's permit is issued by the Gao Ming"):
        meeting_permit_issue(meeting=county, representative=sides.cn_county, actor=sides.mps_user, number="C-1")
    permit = meeting_permit_issue(meeting=county, representative=sides.cn_county, actor=sides.cn_rep_user,
                                  number="C-1")
    assert permit.issuer == sides.cn_chief
    with pytest.raises(ApplicationError, match="already holds a permit"):
        meeting_permit_issue(meeting=county, representative=sides.cn_county, actor=sides.cn_rep_user, number="C-2")
    assert sides.step(county, "hold_in_kp", sides.kp_user).state == "held"


def test_meet_5_a_chiefs_permit_is_the_ministers(sides):
    """MEET-5: the border representative office cannot issue a Chief's permit; the permit is for an agreed
    meeting (MEET-1), so none is issued before the other side consents."""
    case = sides.ask(days=35, side=KP)  # first meeting: hosted by the DPRK, so the Chinese Chief visits
    with pytest.raises(ApplicationError, match="permits are issued for an agreed meeting"):
        meeting_permit_issue(meeting=case, representative=sides.cn_chief, actor=sides.mps_user, number="C-9")
    sides.step(case, "consent_cn", sides.cn_rep_user)
    with pytest.raises(ApplicationError, match="PRC Minister of Public Security"):
        meeting_permit_issue(meeting=case, representative=sides.cn_chief, actor=sides.cn_rep_user, number="C-9")
    assert meeting_permit_issue(meeting=case, representative=sides.cn_chief, actor=sides.mps_user, number="C-9")


def test_meet_5_the_ministry_takes_the_permit_step_for_a_visiting_chief(sides):
    """MEET-5 as a step: for a Chief Representatives' meeting in the DPRK the ministry (for the Minister of
    Public Security) issues the Chinese Chief's permit; the Chief Representative's step is not for him."""
    case = sides.ask(days=35, side=KP)
    case = sides.step(case, "consent_cn", sides.cn_rep_user)
    assert case.next_office.kind == OfficeKind.MPS
    with pytest.raises(ApplicationError, match="MEET-5: the Chief Representative signs the permits of visiting county"):
        sides.step(case, "issue_permit_cn_chief", sides.cn_rep_user, entry_permit_number="C-1")
    with pytest.raises(ApplicationError, match=r"Only .* \(MEET-5\)"):
        sides.step(case, "issue_permit_cn_minister", sides.cn_rep_user, entry_permit_number="C-1")
    case = sides.step(case, "issue_permit_cn_minister", sides.mps_user, entry_permit_number="C-1")
    assert case.state == "consented" and case.entry_permit_number == "C-1" and not case.visitors_without_permit()
    assert case.next_office.kind == OfficeKind.DPRK_SAFETY  # the host holds it on the date
    clock_write(exercise=sides.exercise, actor=None, days=35)
    assert sides.step(case, "hold_in_kp", sides.kp_user).state == "held"


def test_meet_5_ministry_representatives_need_no_permit_step(sides):
    """MEET-5 covers the border representatives only: a ministries' meeting is held without a permit."""
    case = sides.ask(kind=MeetingKind.MINISTRY, days=62)
    case = sides.step(case, "consent_kp", sides.kp_user)
    with pytest.raises(ApplicationError, match="none is needed"):
        sides.step(case, "issue_permit_kp", sides.kp_user, entry_permit_number="K-1")
    from cases.services.meeting import meeting_entry_permits_issue

    with pytest.raises(ApplicationError, match="nobody visiting this meeting needs an entry permit"):
        meeting_entry_permits_issue(meeting=case, actor=sides.kp_user, entry_permit_number="K-1")
    clock_write(exercise=sides.exercise, actor=None, days=62)
    assert sides.step(case, "hold_in_cn", sides.cn_rep_user).state == "held"


def test_meeting_case_page_shows_steps_for_the_other_side(sides):
    """MEET-1: the DPRK office sees its consent step on the case page."""
    from django.test import Client
    from django.urls import reverse

    case = sides.ask(days=35)
    client = Client()
    client.force_login(sides.kp_user)
    page = client.get(reverse("admin:cases_meetingcase_change", args=[case.pk]))
    assert page.status_code == 200
    assert b"Consent to time, place and subject (DPRK side)" in page.content
    response = client.post(reverse("admin:cases_meetingcase_step", args=[case.pk, "consent_kp"]), {}, follow=True)
    assert response.status_code == 200
    assert MeetingCase.objects.get(pk=case.pk).state == "consented"


def test_meet_2_refusal_shown_on_the_admin_request_form(sides):
    """MEET-2 through the admin: 20 days between Chief Representatives refused, 35 days filed."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(sides.cn_rep_user)
    url = reverse("admin:cases_meetingcase_add")
    assert client.get(url).status_code == 200
    form = {"exercise": sides.exercise.pk, "meeting_kind": MeetingKind.CHIEF, "requesting_side": CN,
            "place": "Tumen", "subject": "Crossing hours"}
    short = (sides.clock + dt.timedelta(days=20)).date().isoformat()
    page = client.post(url, {**form, "scheduled_for": short})
    assert page.status_code == 200 and b"MEET-2" in page.content and not MeetingCase.objects.exists()
    enough = (sides.clock + dt.timedelta(days=35)).date().isoformat()
    response = client.post(url, {**form, "scheduled_for": enough})
    assert response.status_code == 302
    assert MeetingCase.objects.get().counterpart == sides.kp_chief
    # A student of another office is not offered the form.
    other = Client()
    other.force_login(sides.desk.user("workunit"))
    assert other.get(url).status_code in (302, 403)
