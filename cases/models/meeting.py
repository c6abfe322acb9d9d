"""Meetings between the two sides' border public-security representatives (D10 Arts. 7-9, 1964;
MEET-1 ... MEET-5).

Representatives (D10 Art. 7): per side one Chief and one Deputy Chief Representative at provincial
level and Representatives at county/city level; the Deputy acts when the Chief cannot (Art. 8(2)).
A meeting request goes to the other side, which consents before the date or the request lapses
(MEET-1, a deadline with reminders); notice periods are checked when it is filed (MEET-2); the venue
alternates and the host chairs (MEET-3); visitors carry entry permits (MEET-5), issued as a step of the
agreed meeting by the office D10 Art. 9(4) names; a resolution takes effect after both sides' senior
approval, from mutual notification (MEET-4).

Assumptions (the sources are silent): on the Chinese side the border representative office plays
every level of representative and the Ministry of Public Security gives senior approval, issues the
minister's permits and records the mutual notification; on the DPRK side the Social Safety Ministry
office does all of that. The first meeting of an exercise is hosted by the side that asks for it.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.utils import timezone

from cases.choices import OfficeKind, Side
from cases.engine import DeadlineSpec, guard, step
from cases.errors import ApplicationError
from cases.models.case import Case, DeadlineKind
from cases.models.exercise import Exercise
from cases.wording import short_date

K = OfficeKind


class RepresentativeRank(models.TextChoices):
    MINISTRY = "ministry", "Ministry representative"
    CHIEF = "chief", "Chief Representative"
    DEPUTY_CHIEF = "deputy_chief", "Deputy Chief Representative"
    REPRESENTATIVE = "representative", "Representative (county / city)"


class Representative(models.Model):
    """A Border Area Public Security (and Safety) Representative of one side (D10 Art. 7)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="representatives")
    side = models.CharField(max_length=2, choices=Side.choices)
    rank = models.CharField(max_length=20, choices=RepresentativeRank.choices)
    name = models.CharField(max_length=120)
    area = models.CharField(max_length=120, blank=True, help_text="Province, or county / city for Representatives.")
    available = models.BooleanField(
        default=True, help_text="D10 Art. 8(2): when the Chief cannot carry out the task, the Deputy takes charge."
    )

    class Meta:
        ordering = ["exercise", "side", "rank", "name"]
        constraints = [
            # D10 Art. 7: one Chief and one Deputy Chief Representative per side.
            models.UniqueConstraint(
                fields=["exercise", "side", "rank"],
                condition=models.Q(rank__in=["chief", "deputy_chief", "ministry"]),
                name="representative_one_senior_per_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_rank_display()}, {self.get_side_display()})"


class MeetingKind(models.TextChoices):
    MINISTRY = "ministry", "Meeting of the ministries' representatives"
    CHIEF = "chief", "Meeting of the Chief Representatives"
    CONFERENCE = "conference", "Representatives' conference"
    MEETING = "meeting", "Representatives' meeting"


# MEET-2: advance notice per kind, as (months, days).
NOTICE: dict[str, tuple[int, int]] = {
    MeetingKind.MINISTRY: (2, 0),
    MeetingKind.CHIEF: (1, 0),
    MeetingKind.CONFERENCE: (0, 15),
    MeetingKind.MEETING: (0, 3),
}
NOTICE_TEXT: dict[str, str] = {
    MeetingKind.MINISTRY: "two months",
    MeetingKind.CHIEF: "one month",
    MeetingKind.CONFERENCE: "15 days",
    MeetingKind.MEETING: "3 days",
}
# Which ranks meet at each kind of meeting.
LEVEL_RANKS: dict[str, tuple[str, ...]] = {
    MeetingKind.MINISTRY: (RepresentativeRank.MINISTRY,),
    MeetingKind.CHIEF: (RepresentativeRank.CHIEF, RepresentativeRank.DEPUTY_CHIEF),
    MeetingKind.CONFERENCE: (RepresentativeRank.REPRESENTATIVE,),
    MeetingKind.MEETING: (RepresentativeRank.REPRESENTATIVE,),
}
# The office that acts for each side's representatives, and for its senior authority (assumption).
SIDE_OFFICE = {Side.CHINA: K.BORDER_REPRESENTATIVE, Side.DPRK: K.DPRK_SAFETY}
SENIOR_OFFICE = {Side.CHINA: K.MPS, Side.DPRK: K.DPRK_SAFETY}


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    """Return ``when`` moved by calendar months (clamped to the month's last day)."""
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    days_in = [31, 29 if (year % 4 == 0 and (year % 100 or year % 400 == 0)) else 28, 31, 30, 31, 30,
               31, 31, 30, 31, 30, 31][month - 1]
    return when.replace(year=year, month=month, day=min(when.day, days_in))


def notice_deadline(kind: str, now: dt.datetime) -> dt.datetime:
    """Return the earliest time a meeting of ``kind`` asked for at ``now`` may be held (MEET-2)."""
    months, days = NOTICE[kind]
    return add_months(now, months) + dt.timedelta(days=days)


class MeetingState(models.TextChoices):
    REQUESTED = "requested", "Requested: awaiting the other side's consent"
    CONSENTED = "consented", "Agreed: time, place and subject consented to"
    DECLINED = "declined", "Declined by the other side"
    LAPSED = "lapsed", "Lapsed: no consent before the date"
    HELD = "held", "Held, chaired by the host side"
    ADOPTED = "adopted", "Resolution adopted: awaiting senior approval on both sides"
    CN_APPROVED = "cn_approved", "Approved by the Chinese senior authority; DPRK approval awaited"
    KP_APPROVED = "kp_approved", "Approved by the DPRK senior authority; Chinese approval awaited"
    BOTH_APPROVED = "both_approved", "Approved on both sides: awaiting mutual notification"
    EFFECTIVE = "effective", "Resolution in effect (from mutual notification)"


S = MeetingState
# MEET-5: whose permit the minister signs; a county Representative's is the Chief Representative's.
SENIOR_RANKS = (RepresentativeRank.CHIEF, RepresentativeRank.DEPUTY_CHIEF)
# The steps that issue a visitor's entry permit (MEET-5); cases/services/meeting.py takes them with the permit row.
PERMIT_STEPS = ("issue_permit_kp", "issue_permit_cn_minister", "issue_permit_cn_chief")
PERMIT_NUMBER_MAX = 40
CN_ASKS = ("cn_cn", "cn_kp")  # variant = requesting side _ host side
KP_ASKS = ("kp_cn", "kp_kp")
CN_HOSTS = ("cn_cn", "kp_cn")
KP_HOSTS = ("cn_kp", "kp_kp")


@guard("MEET-1: consent must be given before the date of the meeting; this request has lapsed.")
def before_the_date(case: MeetingCase) -> bool:
    return case.exercise.clock < case.scheduled_for


@guard("MEET-1: the request lapses only when the date has come without consent.")
def date_reached(case: MeetingCase) -> bool:
    return case.exercise.clock >= case.scheduled_for


@guard("MEET-1: the meeting can be held only on or after its agreed date.")
def meeting_day_reached(case: MeetingCase) -> bool:
    return case.exercise.clock >= case.scheduled_for


@guard("MEET-5: the visiting representatives need entry permits for the other side's territory.")
def visitors_hold_permits(case: MeetingCase) -> bool:
    return not case.visitors_without_permit()


@guard("MEET-5: the visiting representative already holds an entry permit for this meeting, or none is needed "
       "(ministry representatives are not in MEET-5).")
def visitor_needs_permit(case: MeetingCase) -> bool:
    return bool(case.visitors_without_permit())


@guard("MEET-5: the Minister of Public Security signs the permits of visiting Chief and Deputy Chief "
       "Representatives; this meeting's Chinese visitor is a county Representative, whose permit comes from the "
       "Chief Representative.")
def visitor_is_chief_or_deputy(case: MeetingCase) -> bool:
    return not any(r.rank == RepresentativeRank.REPRESENTATIVE for r in case.visitors())


@guard("MEET-5: the Chief Representative signs the permits of visiting county Representatives; this meeting's "
       "Chinese visitor is a Chief or Deputy Chief Representative, whose permit comes from the Minister of Public "
       "Security.")
def visitor_is_county_representative(case: MeetingCase) -> bool:
    return not any(r.rank in SENIOR_RANKS for r in case.visitors())


@guard("MEET-4: the resolution takes effect only after senior approval on both sides.")
def both_sides_approved(case: MeetingCase) -> bool:
    return case.approved_cn_at is not None and case.approved_kp_at is not None


class MeetingCase(Case):
    """A request for a meeting between the two sides' representatives, and its resolution."""

    PROCEDURE_KIND = "meeting"
    VARIANT_LABELS = {"cn_cn": "asked by the Chinese side, held in China",
                      "cn_kp": "asked by the Chinese side, held in the DPRK",
                      "kp_cn": "asked by the DPRK side, held in China",
                      "kp_kp": "asked by the DPRK side, held in the DPRK"}
    REFERENCE_PREFIX = "MEET"
    State = MeetingState
    OFFICE_FIELDS: ClassVar[dict[str, str]] = {}

    meeting_kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    requesting_side = models.CharField(max_length=2, choices=Side.choices)
    host_side = models.CharField(max_length=2, choices=Side.choices, help_text="MEET-3: the venue alternates.")
    scheduled_for = models.DateTimeField("meeting time (simulated)")
    place = models.CharField(max_length=160)
    subject = models.TextField()
    emergency = models.BooleanField(default=False)
    emergency_agreed = models.BooleanField(
        "emergency agreed by both sides", default=False, help_text="MEET-2: any time, by mutual agreement."
    )
    requested_by = models.ForeignKey(Representative, on_delete=models.RESTRICT, related_name="meetings_requested")
    counterpart = models.ForeignKey(Representative, on_delete=models.RESTRICT, related_name="meetings_invited")
    chair = models.ForeignKey(
        Representative, on_delete=models.RESTRICT, related_name="meetings_chaired", help_text="MEET-3: the host chairs."
    )
    resolution = models.TextField(blank=True)
    approved_cn_at = models.DateTimeField("approved by the Chinese side (simulated)", null=True, blank=True)
    approved_kp_at = models.DateTimeField("approved by the DPRK side (simulated)", null=True, blank=True)
    effective_from = models.DateTimeField("in effect from (simulated)", null=True, blank=True)
    reason = models.TextField("reason given", blank=True)
    entry_permit_number = models.CharField(
        "entry permit number", max_length=PERMIT_NUMBER_MAX, blank=True,
        help_text="MEET-5: the visiting representative's permit to enter the host side's territory.",
    )

    class Meta:
        verbose_name = "meeting of representatives"
        verbose_name_plural = "meetings of representatives"

    def visitors(self) -> list[Representative]:
        """Return the participants who travel to the host side (MEET-5)."""
        return [r for r in (self.requested_by, self.counterpart) if r.side != self.host_side]

    def visitors_without_permit(self) -> list[Representative]:
        """Return visiting Chief, Deputy or county Representatives with no entry permit for this meeting.

        One side's representative visits (the two participants are of opposite sides, MEET-3): the permit
        step records his permit's number on the case; a permit row written for him counts as well.
        """
        needing = [r for r in self.visitors() if r.rank != RepresentativeRank.MINISTRY]
        if self.entry_permit_number:
            return []
        if not needing or self.pk is None:
            return needing
        held = set(self.entry_permits.values_list("representative_id", flat=True))
        return [r for r in needing if r.pk not in held]

    def deadlines_on_enter(self, state: str, now: dt.datetime) -> list[DeadlineSpec]:
        """Set the consent deadline (the date itself) and reminders when a request is filed (MEET-1)."""
        if state != S.REQUESTED or self.scheduled_for <= now:
            return []
        left = self.scheduled_for - now
        when = short_date(timezone.localtime(self.scheduled_for))
        specs = [DeadlineSpec(DeadlineKind.CONSENT, left, "lapse", ("MEET-1",), f"Consent needed before {when}")]
        # Reminders (assumption: half-way, and one day before the date when there is room for it).
        reminders = {left / 2}
        if left > dt.timedelta(days=2):
            reminders.add(left - dt.timedelta(days=1))
        for after in sorted(reminders):
            specs.append(
                DeadlineSpec(DeadlineKind.REMINDER, after, "remind", ("MEET-1",), f"Consent needed before {when}")
            )
        return specs

    # --- MEET-1: the other side consents before the date, or declines, or the request lapses ---

    @step(source=S.REQUESTED, target=S.CONSENTED, office=K.DPRK_SAFETY, rules=["MEET-1"], variants=CN_ASKS,
          label="Consent to time, place and subject (DPRK side)", guards=[before_the_date])
    def consent_kp(self) -> None:
        """The DPRK side consents to a Chinese request before the date (MEET-1)."""

    @step(source=S.REQUESTED, target=S.CONSENTED, office=K.BORDER_REPRESENTATIVE, rules=["MEET-1"],
          variants=KP_ASKS, label="Consent to time, place and subject (Chinese side)", guards=[before_the_date])
    def consent_cn(self) -> None:
        """The Chinese side consents to a DPRK request before the date (MEET-1)."""

    @step(source=S.REQUESTED, target=S.DECLINED, office=K.DPRK_SAFETY, rules=["MEET-1"], variants=CN_ASKS,
          label="Decline (DPRK side)", reason_required=True, style="refuse")
    def decline_kp(self, *, reason: str) -> None:
        """The DPRK side does not consent (MEET-1)."""
        self.reason = reason

    @step(source=S.REQUESTED, target=S.DECLINED, office=K.BORDER_REPRESENTATIVE, rules=["MEET-1"],
          variants=KP_ASKS, label="Decline (Chinese side)", reason_required=True, style="refuse")
    def decline_cn(self, *, reason: str) -> None:
        """The Chinese side does not consent (MEET-1)."""
        self.reason = reason

    @step(source=S.REQUESTED, target=S.LAPSED, office=K.BORDER_REPRESENTATIVE, rules=["MEET-1"],
          label="Lapse: no consent before the date", guards=[date_reached], style="close",
          assumption="Fired by the consent deadline; either side's representative may also record it.")
    def lapse(self) -> None:
        """The date came without the other side's consent: the request lapses (MEET-1)."""

    # --- MEET-3 / MEET-5: the host side holds and chairs the meeting; visitors carry permits ---

    @step(source=S.CONSENTED, target=S.HELD, office=K.BORDER_REPRESENTATIVE, rules=["MEET-3", "MEET-5"],
          variants=CN_HOSTS, label="Hold the meeting in China (Chinese chair)",
          guards=[meeting_day_reached, visitors_hold_permits])
    def hold_in_cn(self) -> None:
        """Hold the meeting on the Chinese side, chaired by the Chinese representative (MEET-3, MEET-5)."""

    @step(source=S.CONSENTED, target=S.HELD, office=K.DPRK_SAFETY, rules=["MEET-3", "MEET-5"],
          variants=KP_HOSTS, label="Hold the meeting in the DPRK (DPRK chair)",
          guards=[meeting_day_reached, visitors_hold_permits])
    def hold_in_kp(self) -> None:
        """Hold the meeting on the DPRK side, chaired by the DPRK representative (MEET-3, MEET-5)."""

    # --- MEET-5 (D10 Art. 9(4)): the visitor's entry permit, from the office that signs it --------------
    # Steps of the agreed meeting that leave its state as it is: the meeting still waits for its date. They
    # come after the hold steps, so that once the permit is issued the host is the office the case waits for.

    def _record_permit(self, entry_permit_number: str) -> None:
        """Record the permit's number on the case; refuse a number the permit could not carry (MEET-5)."""
        if not isinstance(entry_permit_number, str):
            raise ApplicationError("MEET-5: give the entry permit's number as text.", rules=("MEET-5",))
        number = entry_permit_number.strip()
        if len(number) > PERMIT_NUMBER_MAX:
            raise ApplicationError(
                f"MEET-5: an entry permit number has at most {PERMIT_NUMBER_MAX} characters.", rules=("MEET-5",)
            )
        self.entry_permit_number = number

    @step(source=S.CONSENTED, target=S.CONSENTED, office=K.DPRK_SAFETY, rules=["MEET-5"], variants=CN_HOSTS,
          label="Issue the visiting DPRK representative's entry permit", fields=["entry_permit_number"],
          guards=[visitor_needs_permit],
          assumption="D10 Art. 9(4) names the two ministers and the Chief Representative without saying whose "
                     "permit is whose; as MEET-5 reads it, the visitor's own side signs: the DPRK Minister of Social "
                     "Safety for a Chief or Deputy Chief, the DPRK Chief Representative for a county Representative. "
                     "The Social Safety Ministry office plays both; the permit is issued once the meeting is agreed.")
    def issue_permit_kp(self, *, entry_permit_number: str) -> None:
        """Issue the visiting DPRK representative's permit to enter China for the meeting (MEET-5)."""
        self._record_permit(entry_permit_number)

    @step(source=S.CONSENTED, target=S.CONSENTED, office=K.MPS, rules=["MEET-5"], variants=KP_HOSTS,
          label="Issue the visiting Chinese Chief Representative's entry permit (Minister of Public Security)",
          fields=["entry_permit_number"], guards=[visitor_needs_permit, visitor_is_chief_or_deputy],
          assumption="The Ministry of Public Security office acts for the Minister, who signs the permit of a "
                     "Chief or Deputy Chief Representative (D10 Art. 9(4)); issued once the meeting is agreed.")
    def issue_permit_cn_minister(self, *, entry_permit_number: str) -> None:
        """Issue the visiting Chinese Chief or Deputy Chief Representative's permit to enter the DPRK (MEET-5)."""
        self._record_permit(entry_permit_number)

    @step(source=S.CONSENTED, target=S.CONSENTED, office=K.BORDER_REPRESENTATIVE, rules=["MEET-5"],
          variants=KP_HOSTS, label="Issue the visiting Chinese Representative's entry permit (Chief Representative)",
          fields=["entry_permit_number"], guards=[visitor_needs_permit, visitor_is_county_representative],
          assumption="The border representative office plays the Chinese Chief Representative, who signs a county "
                     "Representative's permit (D10 Art. 9(4)); issued once the meeting is agreed.")
    def issue_permit_cn_chief(self, *, entry_permit_number: str) -> None:
        """Issue the visiting Chinese county Representative's permit to enter the DPRK (MEET-5)."""
        self._record_permit(entry_permit_number)

    @step(source=S.HELD, target=S.ADOPTED, office=K.BORDER_REPRESENTATIVE, rules=["MEET-3", "MEET-4"],
          variants=CN_HOSTS, label="Record the resolution (Chinese chair)", fields=["resolution"])
    def adopt_in_cn(self, *, resolution: str) -> None:
        """The Chinese chair records the resolution, which now needs both sides' approval (MEET-4)."""
        self.resolution = resolution

    @step(source=S.HELD, target=S.ADOPTED, office=K.DPRK_SAFETY, rules=["MEET-3", "MEET-4"],
          variants=KP_HOSTS, label="Record the resolution (DPRK chair)", fields=["resolution"])
    def adopt_in_kp(self, *, resolution: str) -> None:
        """The DPRK chair records the resolution, which now needs both sides' approval (MEET-4)."""
        self.resolution = resolution

    # --- MEET-4: senior approval on both sides, effective from mutual notification ---------------

    @step(source=S.ADOPTED, target=S.CN_APPROVED, office=K.MPS, rules=["MEET-4"],
          label="Approve the resolution (Chinese senior authority)")
    def approve_cn(self) -> None:
        """The Ministry of Public Security approves the resolution (MEET-4)."""
        self.approved_cn_at = self.exercise.clock

    @step(source=S.ADOPTED, target=S.KP_APPROVED, office=K.DPRK_SAFETY, rules=["MEET-4"],
          label="Approve the resolution (DPRK senior authority)")
    def approve_kp(self) -> None:
        """The Social Safety Ministry approves the resolution (MEET-4)."""
        self.approved_kp_at = self.exercise.clock

    @step(source=S.KP_APPROVED, target=S.BOTH_APPROVED, office=K.MPS, rules=["MEET-4"],
          label="Approve the resolution (Chinese senior authority)")
    def approve_cn_second(self) -> None:
        """The Chinese side approves after the DPRK side (MEET-4)."""
        self.approved_cn_at = self.exercise.clock

    @step(source=S.CN_APPROVED, target=S.BOTH_APPROVED, office=K.DPRK_SAFETY, rules=["MEET-4"],
          label="Approve the resolution (DPRK senior authority)")
    def approve_kp_second(self) -> None:
        """The DPRK side approves after the Chinese side (MEET-4)."""
        self.approved_kp_at = self.exercise.clock

    @step(source=S.BOTH_APPROVED, target=S.EFFECTIVE, office=K.MPS, rules=["MEET-4"],
          label="Record mutual notification: the resolution takes effect", guards=[both_sides_approved],
          assumption="The Ministry of Public Security records the exchange of notifications.")
    def notify_mutually(self) -> None:
        """Both sides have notified each other: the resolution is in effect from today (MEET-4)."""
        self.effective_from = self.exercise.clock


class EntryPermit(models.Model):
    """A permit for a representative to enter the other side's territory for a meeting (MEET-5)."""

    meeting = models.ForeignKey(MeetingCase, on_delete=models.CASCADE, related_name="entry_permits")
    representative = models.ForeignKey(Representative, on_delete=models.RESTRICT, related_name="entry_permits")
    issued_by = models.CharField(max_length=160, help_text="The minister, or the Chief Representative (MEET-5).")
    issuer = models.ForeignKey(
        Representative, on_delete=models.RESTRICT, null=True, blank=True, related_name="permits_issued"
    )
    number = models.CharField(max_length=40)
    issued_at = models.DateTimeField("issued (simulated)")

    class Meta:
        ordering = ["meeting", "issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "representative"], name="entry_permit_one_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"Entry permit {self.number} for {self.representative.name}"
