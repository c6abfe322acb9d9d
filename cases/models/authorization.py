"""Authorization letters and applications to go to the DPRK (AUT-1 ... AUT-11).

The DPRK side issues an "authorization letter" to a named person in China; the holder applies to
local public security, which examines (political issues, pending civil or criminal cases, the papers
the regime demands) and approves or refuses with a reason. An approved settler settles commune
accounts and property before departure (AUT-8); departure is recorded at a crossing point. Visitors
get a return date enforced by an overdue-return deadline (AUT-11). The regime a case runs under
(``case.regime_obj.param("authorization")``, see cases/regimes/authorization.py) decides who decides, which
papers are needed, whether property may travel, what may be refused and when a wait escalates.

The procedure's variant is the purpose of the application: ``settle`` (move to the DPRK, including
joining its construction, AUT-6), ``family_join`` (family of someone already settled, AUT-5),
``visit`` (AUT-11), ``return_home`` (a Korean national going home, AUT-6, AUT-9) and ``abroad``
(South Korea, Hong Kong, Macau or a capitalist country, AUT-10).

Assumptions (the sources are silent): the DPRK Ministry of Internal Affairs (later Social Safety)
issues the letters; the county public security bureau receives and examines applications and
decides them unless the regime names another office; the commune settles accounts; the border work
station records the departure; the Ministry of Public Security answers for both ministries when an
insistent applicant is reported (AUT-10); waits escalate to the provincial public security
department's attention after the regime's number of simulated days.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models

from cases.choices import OfficeKind
from cases.engine import DeadlineSpec, guard, step
from cases.errors import ApplicationError
from cases.models.case import Case, DeadlineKind
from cases.models.exercise import Person
from cases.regimes.authorization import DOCUMENTS, AuthorizationPolicy
from cases.wording import short_date

K = OfficeKind

SETTLE = "settle"
FAMILY_JOIN = "family_join"
VISIT = "visit"
RETURN_HOME = "return_home"
ABROAD = "abroad"
TO_DPRK = (SETTLE, FAMILY_JOIN, VISIT, RETURN_HOME)
MOVING = (SETTLE, FAMILY_JOIN, RETURN_HOME)
LETTER_PURPOSES = (SETTLE, VISIT, RETURN_HOME)  # family_join starts at examination, abroad has no letter


class Purpose(models.TextChoices):
    """Why the applicant wants to go (stored in ``Case.variant``)."""

    SETTLE = SETTLE, "Move to the DPRK (settle, join its construction)"
    FAMILY_JOIN = FAMILY_JOIN, "Join family already settled in the DPRK"
    VISIT = VISIT, "Visit with a proper reason (sick relative, children, husband)"
    RETURN_HOME = RETURN_HOME, "Korean national returning home"
    ABROAD = ABROAD, "Go to South Korea, Hong Kong, Macau or a capitalist country"


class Destination(models.TextChoices):
    DPRK = "dprk", "DPRK"
    SOUTH_KOREA = "south_korea", "South Korea"
    HONG_KONG = "hong_kong", "Hong Kong"
    MACAU = "macau", "Macau"
    CAPITALIST = "capitalist", "Another capitalist country"


class AuthorizationState(models.TextChoices):
    LETTER_ISSUED = "letter_issued", "Authorization letter issued; the holder has not applied yet"
    LETTER_UNUSED = "letter_unused", "Letter not used: the holder did not apply"
    EXAMINATION = "examination", "Local public security examining the application"
    EXAMINATION_OVERDUE = "examination_overdue", "Examination overdue (escalated)"
    DOCUMENTS_REQUESTED = "documents_requested", "Papers the regime demands are missing"
    DECISION = "decision", "Examined; awaiting the decision"
    DECISION_OVERDUE = "decision_overdue", "Decision overdue (escalated)"
    PROVINCE_REVIEW = "province_review", "With the provincial revolutionary committee"
    PROVINCE_OVERDUE = "province_overdue", "Provincial decision overdue (escalated)"
    APPROVED = "approved", "Approved"
    SETTLED = "settled", "Commune accounts and property settled; ready to leave"
    DEPARTED = "departed", "Departed for the DPRK"
    VISIT_CLEARED = "visit_cleared", "Visit cleared; return date set"
    ON_VISIT = "on_visit", "On a visit in the DPRK"
    RETURNED = "returned", "Back from the visit by the set date"
    OVERDUE = "overdue", "Not back by the set date"
    RETURNED_LATE = "returned_late", "Came back late from the visit"
    IMPROPER_DEPARTURE = "improper_departure", "Not back: treated as an improper departure"
    REFUSED = "refused", "Refused"
    DESTINATION_REFUSED = "destination_refused", "Refused: destination not allowed"
    REPORTED = "reported", "Insistent applicant reported to the MFA and MPS"
    MINISTRIES_INSTRUCTED = "ministries_instructed", "Ministries' instruction received"


S = AuthorizationState
WAITING_STATES = {
    # state -> the transition an escalation deadline fires (AUT-3: long waits made visible)
    S.EXAMINATION: "escalate_examination",
    S.DECISION: "escalate_decision",
    S.PROVINCE_REVIEW: "escalate_province_review",
}


def policy_of(case: AuthorizationCase) -> AuthorizationPolicy:
    """Return the authorization policy of the regime the case runs under."""
    return case.regime_obj.param("authorization")


# The sources never name the papers a letter holder brought. D1 §4 approves "justified" applications; D6 and D7
# call the 1961 examination too strict. The project asks under every line for the commune or work-unit
# introduction letter, and under the 1961 practice also for the relatives' letter and a political clearance,
# after the papers D9 §4 lists for the border permit in 1963 (cases/regimes/authorization.py, DOCUMENTS).
PAPERS_ASSUMED = (
    "Which papers a letter holder brought, the sources do not say: the commune or work-unit introduction letter "
    "(every line) and the relatives' letter and political clearance (the 1961 practice only, AUT-3) are "
    "assumptions, after the papers D9 §4 lists for the border permit in 1963."
)


# --- Guards (names must not shadow model fields) ------------------------------------------------


@guard("AUT-1: an authorization letter from the DPRK side must be on file (its number).")
def letter_on_file(case: AuthorizationCase) -> bool:
    return bool(case.letter_number.strip())


@guard("AUT-10: this procedure approves travel to the DPRK only; other destinations are refused.")
def bound_for_dprk(case: AuthorizationCase) -> bool:
    return case.destination == Destination.DPRK


@guard("AUT-10: only applications for South Korea, Hong Kong, Macau or capitalist countries take this step.")
def bound_elsewhere(case: AuthorizationCase) -> bool:
    return case.destination != Destination.DPRK


@guard("Papers the line in force asks for are missing (which papers is an assumption: the sources name none for "
       "letter holders); ask for them first.")
def papers_complete(case: AuthorizationCase) -> bool:
    return not case.missing_documents()


@guard("All the papers the regime demands are already on file.")
def papers_incomplete(case: AuthorizationCase) -> bool:
    return bool(case.missing_documents())


def return_approved_regardless(case: AuthorizationCase) -> bool:
    """Return whether the case is a Korean national's return the regime approves whatever was found (AUT-6).

    D8 §2 (8 Aug 1963): every request of a Korean national to return is approved; it names no ground
    for refusal, so neither a political issue nor a pending case blocks the approval.
    """
    return case.variant == RETURN_HOME and policy_of(case).return_home_always_approved


@guard("AUT-2: the examination found a political issue; the application cannot be approved.")
def no_political_issue(case: AuthorizationCase) -> bool:
    return not case.political_issue or return_approved_regardless(case)


@guard("AUT-2: a civil or criminal case is pending against the applicant; it cannot be approved.")
def no_pending_case(case: AuthorizationCase) -> bool:
    return not case.pending_case or return_approved_regardless(case)


@guard(
    "AUT-2/AUT-4/AUT-6: under the regime in force an application is refused only for a political issue "
    "or a pending civil or criminal case, and the examination found neither."
)
def refusal_grounds_allowed(case: AuthorizationCase) -> bool:
    if not policy_of(case).refuse_only_for_grounds:
        return True  # AUT-3: the 1961 practice refused on other grounds too
    return bool(case.political_issue or case.pending_case)


@guard("AUT-6: under the August 1963 instructions every Korean national asking to return home is approved.")
def return_may_be_refused(case: AuthorizationCase) -> bool:
    return not (case.variant == RETURN_HOME and policy_of(case).return_home_always_approved)


@guard("AUT-9: under the regime in force the provincial revolutionary committee decides this return.")
def decided_locally(case: AuthorizationCase) -> bool:
    return case.deciding_office_kind() == K.COUNTY_PSB


@guard("AUT-9: under the regime in force the county decides this case itself.")
def decided_by_province(case: AuthorizationCase) -> bool:
    return case.deciding_office_kind() == K.PROVINCIAL_COMMITTEE


@guard("AUT-9: the applicant is a suspect in a serious political case; only then may the province refuse.")
def serious_political_suspect(case: AuthorizationCase) -> bool:
    return bool(case.political_issue)


@guard(
    "AUT-4/AUT-7: the expedited track is for KPA officers' families (from August 1963) and relatives of "
    "DPRK cadres (from the March 1962 correction)."
)
def expedited_track_open(case: AuthorizationCase) -> bool:
    return case.qualifies_for_expedited_track()


@guard("AUT-10: reporting the insistent to the MFA and MPS belongs to the 1970 State Council opinions.")
def reporting_in_force(case: AuthorizationCase) -> bool:
    return policy_of(case).report_insistent_to_ministries


@guard("AUT-3: the wait has not yet passed the regime's escalation threshold.")
def wait_exceeded(case: AuthorizationCase) -> bool:
    return case.exercise.clock >= case.state_since + case.escalation_after()


class AuthorizationCase(Case):
    """A person's application to go to the DPRK, normally on an authorization letter (AUT-1)."""

    PROCEDURE_KIND = "authorization"
    VARIANT_LABELS = dict(Purpose.choices)
    REFERENCE_PREFIX = "AUT"
    State = AuthorizationState
    OFFICE_FIELDS: ClassVar[dict[str, str]] = {}

    applicant = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="authorization_cases")
    destination = models.CharField(max_length=20, choices=Destination.choices, default=Destination.DPRK)
    letter_number = models.CharField("authorization letter no.", max_length=60, blank=True)
    letter_issued_at = models.DateTimeField("letter issued (simulated)", null=True, blank=True)
    inviting_relative = models.CharField(
        "relative or body in the DPRK", max_length=160, blank=True,
        help_text="Who in the DPRK asked for the applicant (relative, work place, army unit).",
    )
    reason_for_travel = models.TextField("reason given by the applicant", blank=True)
    follows = models.ForeignKey(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="followers",
        help_text="AUT-5: the case of the family member already settled in the DPRK.",
    )
    kpa_officer_family = models.BooleanField(
        "family of a KPA officer", default=False, help_text="AUT-7: State Council Foreign Affairs Telegram 182."
    )
    relative_of_dprk_cadre = models.BooleanField(
        "relative of a DPRK cadre", default=False, help_text="AUT-4: reunions with DPRK cadres handled promptly."
    )
    has_commune_introduction = models.BooleanField("commune / work unit introduction letter", default=False)
    has_relative_letter = models.BooleanField("letter from relatives in the DPRK", default=False)
    has_political_clearance = models.BooleanField("political clearance", default=False)
    political_issue = models.BooleanField(
        "political issue found", null=True, blank=True,
        help_text="AUT-2; from 1970 (AUT-9): suspect in a serious political case.",
    )
    pending_case = models.BooleanField("pending civil or criminal case", null=True, blank=True)
    taking_property = models.BooleanField("takes property along", default=False)
    accounts_settled_at = models.DateTimeField("commune accounts settled (simulated)", null=True, blank=True)
    property_disposition = models.TextField("what was done with the property", blank=True)
    crossing_point = models.CharField(max_length=120, blank=True)
    departed_at = models.DateTimeField("departed (simulated)", null=True, blank=True)
    visit_days = models.PositiveSmallIntegerField("length of the visit (days)", null=True, blank=True)
    return_by = models.DateField("must be back by", null=True, blank=True)
    returned_at = models.DateTimeField("came back (simulated)", null=True, blank=True)
    decided_by = models.CharField(max_length=40, blank=True, help_text="Office kind that decided.")
    instruction = models.TextField("ministries' instruction", blank=True)
    reason = models.TextField("reason recorded", blank=True)

    class Meta:
        verbose_name = "authorization letter case"

    # --- Helpers read by guards, deadlines and services -----------------------------------------

    @property
    def policy(self) -> AuthorizationPolicy:
        return policy_of(self)

    def missing_documents(self) -> list[str]:
        """Return the labels of the papers the case's regime demands that are not on file."""
        if self.variant == ABROAD:
            return []
        have = {
            "commune_introduction": self.has_commune_introduction,
            "relative_letter": self.has_relative_letter,
            "political_clearance": self.has_political_clearance,
        }
        return [DOCUMENTS[d] for d in self.policy.required_documents if not have.get(d, False)]

    def deciding_office_kind(self) -> str:
        """Return the office kind that decides this case under its regime (AUT-9)."""
        if self.variant == RETURN_HOME:
            return self.policy.return_home_decider
        return self.policy.decider

    def qualifies_for_expedited_track(self) -> bool:
        """Return whether AUT-7 (KPA officers' families) or AUT-4 (cadres' relatives) applies now."""
        if self.variant not in (SETTLE, FAMILY_JOIN, VISIT):
            return False
        p = self.policy
        return (self.kpa_officer_family and p.kpa_family_expedited) or (
            self.relative_of_dprk_cadre and p.cadre_relatives_prompt
        )

    def escalation_after(self) -> dt.timedelta:
        """Return how long the case may wait in an examining state before it escalates (AUT-3)."""
        if self.qualifies_for_expedited_track():
            return dt.timedelta(days=self.policy.expedited_escalate_after_days)
        return dt.timedelta(days=self.policy.escalate_after_days)

    def deadlines_on_enter(self, state: str, now: dt.datetime) -> list[DeadlineSpec]:
        """Set the escalation deadline of a waiting state (AUT-3) and the return date of a visit (AUT-11)."""
        if state in WAITING_STATES:
            from cases.rules.in_force import case_in_force

            p = self.policy
            # AUT-3 (the 1961 practice: too slow) while it is in force; after the correction the regime's own
            # rules; with neither (a regime citing none), AUT-3 as the assumption behind every waiting limit.
            rules = tuple(dict.fromkeys((*(("AUT-3",) if case_in_force(self, "AUT-3") else ()), *p.rules))) or (
                "AUT-3",)
            return [
                DeadlineSpec(
                    kind=DeadlineKind.ESCALATION,
                    after=self.escalation_after(),
                    action=WAITING_STATES[state],
                    rules=rules,
                    note=f"Escalates after {self.escalation_after().days} simulated days ({self.regime}).",
                )
            ]
        if state == S.ON_VISIT and self.return_by is not None:
            due = dt.datetime.combine(self.return_by + dt.timedelta(days=1), dt.time(0), tzinfo=now.tzinfo)
            return [
                DeadlineSpec(
                    kind=DeadlineKind.OVERDUE_RETURN,
                    after=max(due - now, dt.timedelta(0)),
                    action="mark_overdue",
                    rules=("AUT-11",),
                    note=f"Due back by {short_date(self.return_by)}.",
                )
            ]
        return []

    # --- The holder applies (AUT-1) -------------------------------------------------------------

    @step(source=S.LETTER_ISSUED, target=S.EXAMINATION, office=K.COUNTY_PSB, rules=["AUT-1"],
          label="Receive the holder's application", guards=[letter_on_file, bound_for_dprk],
          fields=["has_commune_introduction", "has_relative_letter", "has_political_clearance"],
          assumption="The county public security bureau receives applications; D6 says only 'local authorities'.",
          variants=list(LETTER_PURPOSES))
    def receive_application(
        self, *, has_commune_introduction: bool, has_relative_letter: bool, has_political_clearance: bool
    ) -> None:
        """Take in the letter holder's application with the papers they bring (AUT-1)."""
        self.has_commune_introduction = bool(has_commune_introduction)
        self.has_relative_letter = bool(has_relative_letter)
        self.has_political_clearance = bool(has_political_clearance)

    @step(source=S.LETTER_ISSUED, target=S.LETTER_UNUSED, office=K.COUNTY_PSB, rules=["AUT-1"],
          cites_while_in_force=["AUT-3"],
          label="Record that the holder did not apply", style="close",
          assumption="Yanbian 1961 (D6): 2,667 letters but about 1,778 applications; the rest were never used.",
          variants=list(LETTER_PURPOSES))
    def record_letter_unused(self) -> None:
        """Close a letter its holder never used (AUT-1; the gap in AUT-3's Yanbian figures)."""

    # --- Examination (AUT-2, AUT-3, the papers of the regime) ----------------------------------

    # The papers are the line's (AUT-2 examines a "justified" application, D1 §4); the 1961 practice asked for
    # more (AUT-3, cited first while D6's 1961 is in force). Which papers, the sources never say: PAPERS_ASSUMED.
    # AUT-2 is dated from the period's start (assumption before D1), so a step always cites one of the two.
    @step(source=[S.EXAMINATION, S.EXAMINATION_OVERDUE], target=S.DOCUMENTS_REQUESTED, office=K.COUNTY_PSB,
          rules=[], cites_while_in_force=["AUT-3", "AUT-2"], label="Ask for the missing papers",
          guards=[papers_incomplete], reason_required=True, assumption=PAPERS_ASSUMED, variants=list(TO_DPRK))
    def request_documents(self, *, reason: str) -> None:
        """Send the applicant away for the papers the line in force asks for (AUT-2; more under AUT-3 in 1961)."""
        self.reason = reason

    @step(source=S.DOCUMENTS_REQUESTED, target=S.EXAMINATION, office=K.COUNTY_PSB, rules=[],
          cites_while_in_force=["AUT-3", "AUT-2"], label="Record the papers brought", assumption=PAPERS_ASSUMED,
          fields=["has_commune_introduction", "has_relative_letter", "has_political_clearance"], variants=list(TO_DPRK))
    def supply_documents(
        self, *, has_commune_introduction: bool, has_relative_letter: bool, has_political_clearance: bool
    ) -> None:
        """Record the papers the applicant came back with."""
        self.has_commune_introduction = bool(has_commune_introduction)
        self.has_relative_letter = bool(has_relative_letter)
        self.has_political_clearance = bool(has_political_clearance)

    @step(source=[S.EXAMINATION, S.EXAMINATION_OVERDUE], target=S.DECISION, office=K.COUNTY_PSB,
          rules=["AUT-2"], cites_while_in_force=["AUT-9", "AUT-3"], label="Record the examination",
          guards=[bound_for_dprk, papers_complete],
          fields=["political_issue", "pending_case"], variants=list(TO_DPRK))
    def record_examination(self, *, political_issue: bool, pending_case: bool) -> None:
        """Record whether a political issue or a pending civil or criminal case was found (AUT-2).

        D1's grounds are what every line examines (D1 was never revoked: D6 and D7 say it was applied too
        strictly). The step also cites, while D6's 1961 is in force, the too strict 1961 practice it was made
        under (AUT-3), and from 1970 the provincial review that follows for a return (AUT-9).
        """
        self.political_issue = bool(political_issue)
        self.pending_case = bool(pending_case)

    @step(source=[S.EXAMINATION, S.EXAMINATION_OVERDUE], target=S.APPROVED, office=K.COUNTY_PSB,
          rules=["AUT-7", "AUT-4"], label="Expedited approval (KPA officer's family / DPRK cadre's relative)",
          guards=[bound_for_dprk, expedited_track_open], variants=[SETTLE, FAMILY_JOIN, VISIT],
          assumption="The expedited track skips the separate decision step; the sources say only 'quickly'.")
    def approve_expedited(self) -> None:
        """Approve at once under Telegram 182 (AUT-7) or the March 1962 correction (AUT-4).

        The examination findings stay unrecorded (None): the fast track does not examine them.
        """
        self.decided_by = K.COUNTY_PSB

    @step(source=[S.DECISION, S.DECISION_OVERDUE], target=S.APPROVED, office=K.COUNTY_PSB,
          rules=["AUT-2"], cites_while_in_force=["AUT-6"], label="Approve",
          guards=[decided_locally, bound_for_dprk, no_political_issue, no_pending_case], variants=list(TO_DPRK))
    def approve(self) -> None:
        """Approve: no political issue and no pending case (AUT-2; AUT-6 for Koreans with ties)."""
        self.decided_by = K.COUNTY_PSB

    @step(source=[S.DECISION, S.DECISION_OVERDUE], target=S.REFUSED, office=K.COUNTY_PSB,
          rules=["AUT-2"], cites_while_in_force=["AUT-3", "AUT-6"], label="Refuse", reason_required=True,
          style="refuse",
          guards=[decided_locally, refusal_grounds_allowed, return_may_be_refused], variants=list(TO_DPRK))
    def refuse(self, *, reason: str) -> None:
        """Refuse with a reason; lenient regimes allow only AUT-2's grounds, 1963 no refusal of returns (AUT-6)."""
        self.reason = reason
        self.decided_by = K.COUNTY_PSB

    @step(source=[S.DECISION, S.DECISION_OVERDUE], target=S.PROVINCE_REVIEW, office=K.COUNTY_PSB,
          rules=["AUT-9"], label="Send to the provincial revolutionary committee", guards=[decided_by_province],
          variants=[RETURN_HOME])
    def refer_to_province(self) -> None:
        """Pass a Korean national's return to the provincial revolutionary committee (AUT-9)."""

    @step(source=[S.PROVINCE_REVIEW, S.PROVINCE_OVERDUE], target=S.APPROVED, office=K.PROVINCIAL_COMMITTEE,
          rules=["AUT-9"], label="Approve the return (province)", guards=[no_political_issue],
          variants=[RETURN_HOME])
    def province_approve(self) -> None:
        """Approve a letter holder's return home who is not a serious political suspect (AUT-9)."""
        self.decided_by = K.PROVINCIAL_COMMITTEE

    @step(source=[S.PROVINCE_REVIEW, S.PROVINCE_OVERDUE], target=S.REFUSED, office=K.PROVINCIAL_COMMITTEE,
          rules=["AUT-9"], label="Refuse the return (province)", guards=[serious_political_suspect],
          reason_required=True, style="refuse", variants=[RETURN_HOME])
    def province_refuse(self, *, reason: str) -> None:
        """Refuse a return only for a suspect in a serious political case (AUT-9)."""
        self.reason = reason
        self.decided_by = K.PROVINCIAL_COMMITTEE

    # --- Escalation of long waits (AUT-3); fired by ESCALATION deadlines -----------------------

    @step(source=S.EXAMINATION, target=S.EXAMINATION_OVERDUE, office=K.COUNTY_PSB, rules=[],
          cites_while_in_force=["AUT-3", "AUT-4"],
          label="Flag the examination as overdue", guards=[wait_exceeded],
          assumption="The sources give no time limit; each regime sets one (cases/regimes/authorization.py).")
    def escalate_examination(self) -> None:
        """Mark an examination that has waited past the regime's limit (AUT-3: too slow)."""

    @step(source=S.DECISION, target=S.DECISION_OVERDUE, office=K.COUNTY_PSB, rules=[],
          cites_while_in_force=["AUT-3", "AUT-4"],
          label="Flag the decision as overdue", guards=[wait_exceeded], variants=list(TO_DPRK))
    def escalate_decision(self) -> None:
        """Mark a decision that has waited past the regime's limit (AUT-3: too slow)."""

    @step(source=S.PROVINCE_REVIEW, target=S.PROVINCE_OVERDUE, office=K.PROVINCIAL_COMMITTEE,
          rules=["AUT-9"], cites_while_in_force=["AUT-3"], label="Flag the provincial decision as overdue",
          guards=[wait_exceeded],
          variants=[RETURN_HOME])
    def escalate_province_review(self) -> None:
        """Mark a provincial decision that has waited past the regime's limit (AUT-3)."""

    # --- Before departure: commune accounts and property (AUT-8, AUT-4, AUT-5) -----------------

    @step(source=S.APPROVED, target=S.SETTLED, office=K.COMMUNE, rules=["AUT-8"],
          cites_while_in_force=["AUT-4", "AUT-5"],
          label="Settle commune accounts and property", variants=list(MOVING),
          fields=["taking_property", "property_disposition"],
          assumption="The applicant's commune settles shares, production investments and labour returns.")
    def settle_accounts(self, *, taking_property: bool, property_disposition: str) -> None:
        """Settle shares, investments, labour returns and personal property before departure (AUT-8).

        Whether property may travel is the regime's (AUT-4: from March 1962 it may; AUT-3: not in the
        strict 1961 practice, an assumption).
        """
        if taking_property and not self.policy.property_may_travel:
            raise ApplicationError(
                "AUT-4: under the regime in force property may not travel with the applicant; "
                "record how it is disposed of in China."
            )
        self.taking_property = bool(taking_property)
        self.property_disposition = property_disposition
        self.accounts_settled_at = self.exercise.clock

    @step(source=S.SETTLED, target=S.DEPARTED, office=K.BORDER_STATION, rules=["AUT-8", "AUT-1"],
          label="Record the departure at the crossing point", variants=list(MOVING), fields=["crossing_point"])
    def record_departure(self, *, crossing_point: str) -> None:
        """Record the departure, possible only once accounts are settled (AUT-8)."""
        self.crossing_point = crossing_point
        self.departed_at = self.exercise.clock

    # --- Visits with a proper reason (AUT-11) ---------------------------------------------------

    @step(source=S.APPROVED, target=S.VISIT_CLEARED, office=K.COUNTY_PSB, rules=["AUT-11"],
          label="Clear the visit and set the return date", variants=[VISIT], fields=["visit_days"])
    def clear_visit(self, *, visit_days: int) -> None:
        """Clear the visit and tell the traveller the date to be back by: today plus ``visit_days`` (AUT-11)."""
        try:
            days = int(visit_days)
        except (TypeError, ValueError) as exc:
            raise ApplicationError("AUT-11: give the length of the visit as a number of days.") from exc
        longest = self.policy.visit_max_days
        if days < 1:
            raise ApplicationError("AUT-11: the return date must lie after today's simulated date.")
        if days > longest:
            raise ApplicationError(f"AUT-11: a visit may last at most {longest} days under this regime.")
        self.visit_days = days
        self.return_by = self.exercise.clock.date() + dt.timedelta(days=days)

    @step(source=S.VISIT_CLEARED, target=S.ON_VISIT, office=K.BORDER_STATION, rules=["AUT-11"],
          label="Record the visitor's departure", variants=[VISIT], fields=["crossing_point"])
    def record_visit_departure(self, *, crossing_point: str) -> None:
        """Record the visitor crossing; the return deadline starts now (AUT-11)."""
        self.crossing_point = crossing_point
        self.departed_at = self.exercise.clock

    @step(source=S.ON_VISIT, target=S.RETURNED, office=K.BORDER_STATION, rules=["AUT-11"],
          label="Record the return", variants=[VISIT], style="close")
    def record_return(self) -> None:
        """The visitor came back by the set date: proper travel (AUT-11)."""
        self.returned_at = self.exercise.clock

    @step(source=S.ON_VISIT, target=S.OVERDUE, office=K.BORDER_STATION, rules=["AUT-11"],
          label="Mark overdue (not back by the set date)", variants=[VISIT], style="refuse",
          assumption="Fired by the overdue-return deadline; the station may also mark it by hand.")
    def mark_overdue(self) -> None:
        """The return date passed without the visitor coming back (AUT-11)."""

    @step(source=S.OVERDUE, target=S.RETURNED_LATE, office=K.BORDER_STATION, rules=["AUT-11"],
          label="Record the late return", variants=[VISIT], style="close")
    def record_late_return(self) -> None:
        """The visitor came back after the set date."""
        self.returned_at = self.exercise.clock

    @step(source=S.OVERDUE, target=S.IMPROPER_DEPARTURE, office=K.COUNTY_PSB, rules=["AUT-11"],
          label="Treat as an improper departure", variants=[VISIT], reason_required=True, style="refuse",
          assumption="What follows belongs to the returns procedure (RET); here the case closes.")
    def treat_as_improper_departure(self, *, reason: str) -> None:
        """Keep proper travel apart from improper departure: this one did not come back (AUT-11)."""
        self.reason = reason

    # --- Capitalist destinations (AUT-10) -------------------------------------------------------

    @step(source=S.EXAMINATION, target=S.DESTINATION_REFUSED, office=K.COUNTY_PSB, rules=["AUT-10"],
          label="Refuse: destination not allowed", guards=[bound_elsewhere], variants=[ABROAD], style="refuse",
          requires=["AUT-10"])
    def refuse_destination(self) -> None:
        """Refuse an application for South Korea, Hong Kong, Macau or a capitalist country (AUT-10)."""
        self.reason = f"AUT-10: applications to go to {self.get_destination_display()} are refused."
        self.decided_by = K.COUNTY_PSB

    @step(source=S.DESTINATION_REFUSED, target=S.REFUSED, office=K.COUNTY_PSB, rules=["AUT-10"],
          label="The applicant accepts the refusal", variants=[ABROAD], style="close")
    def accept_refusal(self) -> None:
        """Close the case: the applicant does not insist (AUT-10)."""

    @step(source=S.DESTINATION_REFUSED, target=S.REPORTED, office=K.COUNTY_PSB, rules=["AUT-10"],
          label="The applicant insists: report to the MFA and MPS", variants=[ABROAD],
          guards=[reporting_in_force], reason_required=True, requires=["AUT-10"])
    def report_insistence(self, *, reason: str) -> None:
        """Report an applicant who insists on a capitalist destination to the two ministries (AUT-10)."""
        self.reason = reason

    @step(source=S.REPORTED, target=S.MINISTRIES_INSTRUCTED, office=K.MPS, rules=["AUT-10"],
          label="Record the ministries' review and instruction", variants=[ABROAD], fields=["instruction"],
          assumption="The Ministry of Public Security answers for both ministries in this exercise.")
    def record_instruction(self, *, instruction: str) -> None:
        """Record what the MFA and MPS instructed after their review (AUT-10)."""
        self.instruction = instruction
