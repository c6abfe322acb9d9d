"""The border resident crossing permit: application, issue, use and return (PER-1 ... PER-12).

One permit type in the Jilin border region (PER-1). An applicant files with the local public security
or border work station, or with the commune's special personnel where there is no station (PER-5),
bringing the documents of PER-4. Residents, Korean nationals and officials go to the county/city
public security bureau, which issues a one-month transit pass or an official permit of up to a year
(PER-7); state employees need the county/city police AND the deputy representative of border defence
(PER-6). The holder crosses at the named point within the hours (PER-8, PER-9) and must be back by
expiry (PER-12).

Transition bodies only set fields in memory; services save, log, number and check permissions.
Step order matters: the engine names the office of a state's first step, in the order the steps are
written here, as next to act; so the inspection's steps come before the system's follow-ups
(``set_overdue``, ``set_expired``) and, once a holder is overdue, the bureau's follow-up
(``follow_up_not_returned``) comes before the late return.
Assumptions (the sources are silent): a transit pass serves one journey out and back; the border
defence's inspection post records each crossing; the county/city public security bureau also issues
officials' permits and follows up holders not back.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cases.choices import OfficeKind
from cases.engine import DeadlineSpec, guard, step
from cases.errors import ApplicationError
from cases.models import Case, DeadlineKind, Office, Person
from cases.wording import in_sentence
from permits.models.geography import BorderCounty, CrossingPoint, county_in_region

if TYPE_CHECKING:
    from cases.regimes import Regime

K = OfficeKind
BEIJING = ZoneInfo("Asia/Shanghai")
OFFICIAL_MAX_MONTHS = 12  # PER-7: an official permit is valid up to one year.


class PermitState(models.TextChoices):
    FILED = "filed", "Application filed at the station: documents checked"
    COUNTY_REVIEW = "county_review", "With the county/city public security bureau"
    DEFENCE_REVIEW = "defence_review", "Police approved: with the deputy representative of border defence"
    ISSUED = "issued", "Permit issued: holder in China"
    ABROAD = "abroad", "Holder across the border"
    RETURNED = "returned", "Holder back: permit used"
    OVERDUE = "overdue", "Holder not back by expiry: follow-up"
    RETURNED_LATE = "returned_late", "Holder came back late"
    NOT_RETURNED = "not_returned", "Reported as not returned"
    EXPIRED = "expired", "Permit expired unused"
    REFUSED = "refused", "Refused"


class ApplicantCategory(models.TextChoices):
    """Who may hold the permit (PER-3) and the official holders of PER-7. The value is the case's variant."""

    RESIDENT = "resident", "Border resident (Chinese citizen)"
    KOREAN_NATIONAL = "korean_national", "Korean national legally residing in the border region"
    STATE_EMPLOYEE = "state_employee", "State employee above commune level living in the region"
    OFFICIAL = "official", "Border representative or public servant (official permit)"


class Purpose(models.TextChoices):
    """Purposes of travel: the 1953 list (PER-11), and official business for official permits (PER-7)."""

    RELATIVES = "relatives", "Visiting relatives"
    FRIENDS = "friends", "Visiting friends"
    SCHOOL = "school", "Attending school"
    DOCTOR = "doctor", "Seeing a doctor"
    WEDDING = "wedding", "Attending a wedding"
    FUNERAL = "funeral", "Attending a funeral"
    OFFICIAL = "official", "Official business"


class PermitKind(models.TextChoices):
    """What a permit case is issued: before the 1964 Protocol the one permit of PER-1 (D9 §1), from the station;
    from it (D10 Art. 3(3), PER-7) the county's one-month transit pass or an official permit."""

    BORDER_PERMIT = "border_permit", "Sino-Korean Border Resident Border Crossing Permit"
    TRANSIT_PASS = "transit_pass", "Border resident transit pass (one month)"
    OFFICIAL_PERMIT = "official_permit", "Official permit (up to one year)"


# The number each kind is given on issue: its prefix, then the case's year and serial (BP-1963-0001).
PERMIT_NUMBER_PREFIX = {PermitKind.BORDER_PERMIT: "BP", PermitKind.TRANSIT_PASS: "TP", PermitKind.OFFICIAL_PERMIT: "OP"}


class DocumentKind(models.TextChoices):
    RELATIVES_LETTER = "relatives_letter", "Introduction letter from Korean relatives"
    COMMUNE_LETTER = "commune_letter", "Introduction letter from the commune"
    NATIONAL_CREDENTIALS = "national_credentials", "Korean national credentials"
    DEPARTMENT_LETTER = "department_letter", "Introduction letter from the supervising department"
    UNIT_LETTER = "unit_letter", "Letter from the work unit's human-resources or protection department"
    EMPLOYEE_APPLICATION = "employee_application", "Application of a state employee crossing for private reasons"
    OFFICIAL_ASSIGNMENT = "official_assignment", "Letter of assignment to border duty"


# PER-4 and PER-6: what each category must bring. The official's letter is our assumption.
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    ApplicantCategory.RESIDENT: (DocumentKind.RELATIVES_LETTER, DocumentKind.COMMUNE_LETTER),
    ApplicantCategory.KOREAN_NATIONAL: (DocumentKind.NATIONAL_CREDENTIALS, DocumentKind.DEPARTMENT_LETTER),
    ApplicantCategory.STATE_EMPLOYEE: (DocumentKind.UNIT_LETTER, DocumentKind.EMPLOYEE_APPLICATION),
    ApplicantCategory.OFFICIAL: (DocumentKind.OFFICIAL_ASSIGNMENT,),
}

S = PermitState
C = ApplicantCategory
PRIVATE = (C.RESIDENT, C.KOREAN_NATIONAL)
ONE_JOURNEY = (C.RESIDENT, C.KOREAN_NATIONAL, C.STATE_EMPLOYEE)


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """Return ``moment`` moved by calendar months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry_after(issued: dt.datetime, months: int) -> dt.datetime:
    """Return when a permit issued at ``issued`` for ``months`` stops being valid (PER-7).

    Valid through the same day ``months`` later, Beijing time: issued 10 Sep 1963, valid through
    10 Oct 1963, expired from 11 Oct 1963 00:00.
    """
    last_day = add_months(issued.astimezone(BEIJING), months).date()
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=BEIJING)


# --- Guards ------------------------------------------------------------------------------------


def missing_documents(case: PermitCase) -> list[str]:
    """Return the labels of the documents PER-4 / PER-6 ask for that are not on the case."""
    have = set(case.documents.values_list("kind", flat=True)) if case.pk else set()
    return [DocumentKind(k).label for k in REQUIRED_DOCUMENTS.get(case.variant, ()) if k not in have]


@guard("PER-4: not every document this applicant must bring is on the case (see 'Documents' above).")
def documents_complete(case: PermitCase) -> bool:
    return not missing_documents(case)


def age_problem(case: PermitCase) -> str:
    """Return why the applicant is too young under the regime's age rule (PER-11), or ''."""
    minimum = case.regime_obj.param("permit_min_age", 18)
    if case.applicant.birth_year is None:
        return f"PER-11: the applicant's year of birth is not recorded; applicants must be {minimum} or over."
    age = case.exercise.clock.year - case.applicant.birth_year
    if age < minimum:
        return f"PER-11: applicants must be {minimum} or over; {case.applicant} is about {age}."
    return ""


def purpose_problem(case: PermitCase, regime: Regime | None = None) -> str:
    """Return why the purpose is not allowed for this category under the regime (PER-3, PER-7, PER-11), or ''."""
    regime = regime or case.regime_obj
    if case.variant == C.OFFICIAL:
        return "" if case.purpose == Purpose.OFFICIAL else "PER-7: an official permit is for official business."
    if case.purpose == Purpose.OFFICIAL:
        return "PER-3: this permit is for travel for non-work purposes; officials apply for an official permit."
    from cases.rules.in_force import case_in_force

    if case_in_force(case, "PER-7") and case.purpose != Purpose.RELATIVES:
        # By date, not by regime: a case still under the 1963 regime after 9 Jun 1964 crosses on the
        # Protocol's transit pass, which is for visiting relatives only.
        return "PER-7: from the 1964 Protocol (D10 Art. 3(3), 9 Jun 1964) a resident crosses only to visit relatives."
    allowed = regime.param("permit_purposes", [p.value for p in Purpose if p != Purpose.OFFICIAL])
    if case.purpose not in allowed:
        names = ", ".join(in_sentence(Purpose(p).label) for p in allowed)
        return f"PER-11: under {regime.label} a resident may cross only for: {names}."
    return ""


@guard("PER-11: the applicant must be of the age the travel rules require (18 or over under the 1953 rules).")
def applicant_of_age(case: PermitCase) -> bool:
    return case.variant == C.OFFICIAL or not age_problem(case)


@guard("PER-11: the purpose of travel is not one the rules in force allow for this applicant.")
def purpose_allowed(case: PermitCase) -> bool:
    return not purpose_problem(case)


@guard("PER-2: the permit is valid only inside the border region of both sides; home or destination is outside it.")
def within_border_region(case: PermitCase) -> bool:
    ex = case.exercise
    return county_in_region(ex, case.home_county) and county_in_region(ex, case.destination_county)


@guard("PER-6: the deputy representative of border defence approves only after the county/city police.")
def police_has_approved(case: PermitCase) -> bool:
    return case.police_approved_at is not None


@guard("PER-9: exits are recorded by 'Record a crossing' at the crossing point, which checks hours, point and region.")
def exit_on_record(case: PermitCase) -> bool:
    return case.last_allowed_crossing_direction() == "exit"


@guard("PER-9: returns are recorded by 'Record a crossing' at the crossing point, which checks hours and point.")
def return_on_record(case: PermitCase) -> bool:
    return case.last_allowed_crossing_direction() == "return"


@guard("PER-5/PER-7: from the 1964 Protocol (D10 Art. 3(3)) the county/city bureau issues the transit pass; "
       "before it the station issued the permit itself (D9 §4).")
def protocol_not_in_force(case: PermitCase) -> bool:
    from cases.rules.in_force import case_in_force

    return not case_in_force(case, "PER-7")


@guard("PER-5/PER-7: before the 1964 Protocol the station issues the permit itself (D9 §4); the county/city "
       "bureau's one-month transit pass is D10's (Art. 3(3), from 9 Jun 1964).")
def county_issues(case: PermitCase) -> bool:
    from cases.rules.in_force import case_in_force

    return case.variant not in PRIVATE or case_in_force(case, "PER-7")


# Before D10 the sources give no validity for the border resident permit: ASSUMPTION, one month, as D10
# later fixed for the transit pass (shown on the step).
PRE_PROTOCOL_VALIDITY_MONTHS = 1
PRE_PROTOCOL_VALIDITY = ("Before the 1964 Protocol the sources give no validity for the permit; one month is "
                         "assumed (D10 Art. 3(3) later fixed one month for the transit pass).")


@guard("PER-12: the permit has not expired yet.")
def past_expiry(case: PermitCase) -> bool:
    return case.expires_at is not None and case.exercise.clock >= case.expires_at


@guard("PER-7: the permit has expired; the holder needs a new one.")
def still_valid(case: PermitCase) -> bool:
    return case.expires_at is not None and case.exercise.clock < case.expires_at


class PermitCase(Case):
    """An application for the Sino-Korean Border Resident Border Crossing Permit, and its use (PER-1)."""

    PROCEDURE_KIND = "permit"
    VARIANT_LABELS = dict(ApplicantCategory.choices)
    REFERENCE_PREFIX = "PER"
    State = PermitState
    OFFICE_FIELDS: ClassVar[dict[str, str]] = {K.BORDER_STATION: "filing_office", K.COUNTY_PSB: "county_bureau"}
    # Offices the rules bind that take no step of their own here (the role cards list these rules, each only on a
    # date it is in force): the commune writes its members' introduction letters (PER-4) and, where it has no
    # station, its special personnel take the application (PER-5); the unit's personnel or protection department
    # writes the employee's letter (PER-6); the DPRK inspection body admits holders at the agreed point (PER-9),
    # in set hours from the 1964 Protocol (PER-8).
    OFFICE_RULES: ClassVar[dict[str, tuple[str, ...]]] = {
        K.COMMUNE: ("PER-4", "PER-5"),
        K.WORK_UNIT: ("PER-6",),
        K.DPRK_INSPECTION: ("PER-9", "PER-8"),
    }

    applicant = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="permit_cases")
    category = models.CharField(max_length=20, choices=ApplicantCategory.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    home_county = models.ForeignKey(
        BorderCounty, on_delete=models.PROTECT, related_name="+", help_text="PER-2: where the applicant lives."
    )
    destination_county = models.ForeignKey(
        BorderCounty, on_delete=models.PROTECT, related_name="+", help_text="PER-2: where on the other side."
    )
    crossing_point = models.ForeignKey(
        CrossingPoint, on_delete=models.PROTECT, related_name="+", help_text="PER-9/PER-10: the point named."
    )
    filing_office = models.ForeignKey(
        Office, on_delete=models.RESTRICT, related_name="permit_filings",
        limit_choices_to={"kind__in": [OfficeKind.BORDER_STATION, OfficeKind.COMMUNE]},
        help_text="PER-5: the public security or border work station, or the commune's special personnel.",
    )
    special_personnel = models.BooleanField(
        default=False, help_text="PER-5: filed with special personnel of a commune that has no station."
    )
    county_bureau = models.ForeignKey(
        Office, on_delete=models.RESTRICT, related_name="permit_reviews",
        limit_choices_to={"kind": OfficeKind.COUNTY_PSB},
        help_text="PER-6/PER-7: the county/city public security bureau.",
    )
    permit_kind = models.CharField(max_length=20, choices=PermitKind.choices, blank=True)
    permit_number = models.CharField(max_length=40, blank=True)
    issued_at = models.DateTimeField("issued (simulated)", null=True, blank=True)
    expires_at = models.DateTimeField("expires (simulated)", null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        "validity in months", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(OFFICIAL_MAX_MONTHS)],
        help_text="PER-7: one month for a transit pass; up to twelve for an official permit.",
    )
    police_approved_at = models.DateTimeField("county/city police approved (simulated)", null=True, blank=True)
    defence_approved_at = models.DateTimeField("border defence approved (simulated)", null=True, blank=True)
    exited_at = models.DateTimeField("last exit (simulated)", null=True, blank=True)
    returned_at = models.DateTimeField("last return (simulated)", null=True, blank=True)
    reason = models.TextField("reason given", blank=True)

    class Meta:
        verbose_name = "border crossing permit case"

    # --- Reads used by guards and pages -------------------------------------------------------

    def last_allowed_crossing_direction(self) -> str:
        """Return the direction of the latest crossing let through on this permit, or ''."""
        last = self.crossings.filter(outcome="allowed").order_by("-at", "-id").values_list("direction", flat=True)
        return last.first() or ""

    @property
    def valid_through(self) -> dt.date | None:
        """Return the last day (Beijing) on which the permit is valid."""
        if self.expires_at is None:
            return None
        return (self.expires_at.astimezone(BEIJING) - dt.timedelta(seconds=1)).date()

    def _issue(self, kind: str, months: int) -> None:
        # The number derives from the case reference (unique in the exercise): no query needed here.
        now = self.exercise.clock
        self.permit_kind = kind
        self.permit_number = f"{PERMIT_NUMBER_PREFIX[PermitKind(kind)]}-{self.reference.removeprefix('PER-')}"
        self.issued_at = now
        self.validity_months = months
        self.expires_at = expiry_after(now, months)

    def deadlines_on_enter(self, state: str, now: dt.datetime) -> list[DeadlineSpec]:
        """Set the expiry of an unused permit and the return deadline of a holder abroad (PER-7, PER-12)."""
        if self.expires_at is None:
            return []
        after = max(self.expires_at - now, dt.timedelta(0))
        if state == S.ISSUED:
            # The pass's month is D10's (PER-7); before it the permit's month is an assumption (PER-12 alone).
            rules = ("PER-12",) if self.permit_kind == PermitKind.BORDER_PERMIT else ("PER-7", "PER-12")
            return [DeadlineSpec(DeadlineKind.EXPIRY, after, "set_expired", rules,
                                 f"Permit {self.permit_number} lapses unused")]
        if state == S.ABROAD:
            return [DeadlineSpec(DeadlineKind.OVERDUE_RETURN, after, "set_overdue", ("PER-12",),
                                 f"{self.applicant} must be back by the expiry of {self.permit_number}")]
        return []

    # --- The station takes the application (PER-3, PER-4, PER-5, PER-11) -----------------------

    @step(source=S.FILED, target=S.COUNTY_REVIEW, office=K.BORDER_STATION,
          rules=["PER-4", "PER-11", "PER-2"], cites_while_in_force=["PER-5", "PER-7"],
          label="Documents complete: forward to the county/city bureau",
          guards=[documents_complete, applicant_of_age, purpose_allowed, within_border_region, county_issues],
          requires=["PER-1"])
    def forward_to_county(self) -> None:
        """Pass a complete application on to the county/city public security bureau (PER-4, PER-5, PER-7, PER-11).

        Residents and Korean nationals go to the county only from the 1964 Protocol (PER-7); state employees
        always need the county/city police and border defence (PER-6, D9 §4). The step cites the station's
        PER-5 (D9 §4) until D10 ends it and the county's PER-7 (D10 Art. 3(3)) from then on.
        """

    @step(source=S.FILED, target=S.ISSUED, office=K.BORDER_STATION,
          rules=["PER-5", "PER-1", "PER-4", "PER-11", "PER-2"],
          variants=PRIVATE, label="Issue the border resident permit at the station",
          guards=[documents_complete, applicant_of_age, purpose_allowed, within_border_region, protocol_not_in_force],
          requires=["PER-1", "PER-5"], assumption=PRE_PROTOCOL_VALIDITY)
    def issue_at_station(self) -> None:
        """Issue PER-1's permit at the station, as D9 §4 describes before the Protocol (PER-5); validity assumed."""
        self._issue(PermitKind.BORDER_PERMIT, PRE_PROTOCOL_VALIDITY_MONTHS)

    @step(source=S.FILED, target=S.REFUSED, office=K.BORDER_STATION, rules=["PER-4", "PER-11"],
          label="Turn the application away", reason_required=True, style="refuse")
    def reject_at_station(self, *, reason: str) -> None:
        """Turn away an application the station cannot accept (PER-4, PER-11)."""
        self.reason = reason

    # --- The county/city bureau issues (PER-7) ------------------------------------------------

    @step(source=S.COUNTY_REVIEW, target=S.ISSUED, office=K.COUNTY_PSB, rules=["PER-7", "PER-1"],
          variants=PRIVATE, label="Issue a border resident transit pass (one month)",
          guards=[documents_complete, within_border_region], requires=["PER-1", "PER-7"])
    def issue_transit_pass(self) -> None:
        """Issue the numbered "border resident transit pass", valid one month (PER-7)."""
        self._issue(PermitKind.TRANSIT_PASS, 1)

    @step(source=S.COUNTY_REVIEW, target=S.ISSUED, office=K.COUNTY_PSB, rules=["PER-7"], variants=["official"],
          label="Issue an official permit (up to one year)", fields=["validity_months"],
          guards=[documents_complete, within_border_region], requires=["PER-1", "PER-7"],
          assumption="The county/city bureau also issues officials' permits; D10 does not say who does.")
    def issue_official_permit(self, *, validity_months: int) -> None:
        """Issue an official permit for up to twelve months (PER-7)."""
        if not 1 <= int(validity_months) <= OFFICIAL_MAX_MONTHS:
            raise ApplicationError(f"PER-7: an official permit is valid up to one year; {validity_months} months "
                                   "is not possible.", rules=("PER-7",))
        self._issue(PermitKind.OFFICIAL_PERMIT, int(validity_months))

    @step(source=S.COUNTY_REVIEW, target=S.DEFENCE_REVIEW, office=K.COUNTY_PSB, rules=["PER-6"],
          variants=["state_employee"], label="Approve (county/city police): on to border defence",
          guards=[documents_complete, within_border_region])
    def police_approve(self) -> None:
        """Record the county/city police's approval of a state employee's application (PER-6)."""
        self.police_approved_at = self.exercise.clock

    @step(source=S.DEFENCE_REVIEW, target=S.ISSUED, office=K.BORDER_DEFENCE, rules=["PER-6"],
          cites_while_in_force=["PER-7"], variants=["state_employee"],
          label="Approve (border defence): release the permit",
          guards=[police_has_approved], requires=["PER-1"],
          assumption="The state employee, crossing for private reasons, gets what a resident gets: before the 1964 "
          "Protocol PER-1's permit (D9 §4), its month an assumption (the sources give no validity); from it the "
          "one-month transit pass (PER-7).")
    def defence_approve(self) -> None:
        """Approve as deputy representative of border defence; with both approvals the permit is released (PER-6)."""
        from cases.rules.in_force import case_in_force

        self.defence_approved_at = self.exercise.clock
        self._issue(PermitKind.TRANSIT_PASS if case_in_force(self, "PER-7") else PermitKind.BORDER_PERMIT, 1)

    @step(source=S.COUNTY_REVIEW, target=S.REFUSED, office=K.COUNTY_PSB, rules=["PER-6"],
          cites_while_in_force=["PER-7"], label="Refuse (county/city bureau)", reason_required=True, style="refuse")
    def refuse_at_county(self, *, reason: str) -> None:
        """Refuse the permit at the county/city bureau (PER-6, PER-7)."""
        self.reason = reason

    @step(source=S.DEFENCE_REVIEW, target=S.REFUSED, office=K.BORDER_DEFENCE, rules=["PER-6"],
          variants=["state_employee"], label="Refuse (border defence)", reason_required=True, style="refuse")
    def refuse_at_defence(self, *, reason: str) -> None:
        """Refuse as deputy representative of border defence: without both approvals there is no permit (PER-6)."""
        self.reason = reason

    # --- Crossings (PER-8, PER-9, PER-10) and the return (PER-12) -------------------------------

    @step(source=S.ISSUED, target=S.ABROAD, office=K.BORDER_DEFENCE, rules=["PER-9"], cites_while_in_force=["PER-8"],
          label="Holder crossed out", guards=[exit_on_record, still_valid],
          assumption="The border defence's inspection post records crossings at the point.")
    def record_exit(self) -> None:
        """Record the holder's exit, checked at the point by crossing_record (PER-8, PER-9)."""
        self.exited_at = self.exercise.clock

    @step(source=S.ABROAD, target=S.RETURNED, office=K.BORDER_DEFENCE, rules=["PER-12", "PER-9"],
          variants=ONE_JOURNEY, label="Holder came back", guards=[return_on_record], style="close",
          assumption="A transit pass serves one journey out and back.")
    def record_return(self) -> None:
        """Record the holder's return in time; the pass is used up (PER-12)."""
        self.returned_at = self.exercise.clock

    @step(source=S.ABROAD, target=S.ISSUED, office=K.BORDER_DEFENCE, rules=["PER-7", "PER-9"],
          variants=["official"], label="Official came back", guards=[return_on_record],
          assumption="An official permit serves any number of journeys while valid.")
    def record_official_return(self) -> None:
        """Record an official's return; the permit stays valid until expiry (PER-7)."""
        self.returned_at = self.exercise.clock

    @step(source=S.ABROAD, target=S.OVERDUE, office=K.COUNTY_PSB, rules=["PER-12"],
          label="Not back by expiry: follow up", guards=[past_expiry], style="refuse")
    def set_overdue(self) -> None:
        """Mark a holder not back by the expiry of the pass as overdue (PER-12); the deadline sweep fires it."""

    @step(source=S.ISSUED, target=S.EXPIRED, office=K.COUNTY_PSB, rules=["PER-12"], cites_while_in_force=["PER-7"],
          label="Permit lapsed unused", guards=[past_expiry], style="close")
    def set_expired(self) -> None:
        """Let a permit lapse that was not used before expiry (PER-12; the pass's month is PER-7's from D10)."""

    @step(source=S.OVERDUE, target=S.NOT_RETURNED, office=K.COUNTY_PSB, rules=["PER-12"],
          label="Report as not returned", reason_required=True, style="refuse",
          assumption="The bureau reports the holder as not returned; the returns procedure (RET) may take it up.")
    def follow_up_not_returned(self, *, reason: str) -> None:
        """Close the follow-up by reporting the holder as not returned (PER-12)."""
        self.reason = reason

    @step(source=S.OVERDUE, target=S.RETURNED_LATE, office=K.BORDER_DEFENCE, rules=["PER-12", "PER-9"],
          label="Overdue holder came back", guards=[return_on_record], style="close")
    def record_late_return(self) -> None:
        """Record the late return of an overdue holder, closing the follow-up (PER-12)."""
        self.returned_at = self.exercise.clock


class PermitDocument(models.Model):
    """A document the applicant brought, recorded on the case by the filing office (PER-4, PER-6)."""

    case = models.ForeignKey(PermitCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    issued_by = models.CharField(max_length=160, help_text="Who wrote or issued it.")
    reference = models.CharField(max_length=60, blank=True)
    received_at = models.DateTimeField("received (simulated)")
    recorded_by = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["case", "received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="permit_document_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.issued_by})"
