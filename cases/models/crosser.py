"""Illegal border crossers: identity, the disaster exemption, the crime check, return at an agreed
handover point, or leave to stay with the other side's consent (RET-1 ... RET-12).

Three variants (kept in ``Case.variant``):

* ``inbound``: someone crossed into China without papers (a DPRK citizen or Korean national, or a
  Chinese resident coming back from the DPRK); Chinese offices decide, the DPRK receives or consents.
* ``outbound``: a Chinese resident crossed into the DPRK; the DPRK holds him, the Embassy persuades,
  and the DPRK hands him over or keeps him.
* ``intercepted``: a Chinese resident stopped at the border before getting across (D5).

The policy lines of 1961, 1962 and 1970 (RET-8, RET-9, RET-10, RET-12) are regime data
(``cases/regimes/returns.py``) read through ``case.regime_obj``. Transition bodies only set fields in
memory; services save, log and check offices.
Assumptions (the sources are silent): which office performs each step; that the Chinese county bureau
records the result of the crime check whichever side's records it rests on (D10 Art. 5(5) lets either
side ask the other to investigate); the list of agreed handover points (D10 Art. 9(2) leaves the places
to the two sides).
"""

from __future__ import annotations

from django.db import models

from cases.choices import Nationality, OfficeKind
from cases.engine import guard, step
from cases.errors import ApplicationError
from cases.models.case import Case
from cases.models.exercise import Person
from cases.regimes.returns import ReturnsPolicy, returns_policy

K = OfficeKind
INBOUND = ("inbound",)
OUTBOUND = ("outbound",)
INTERCEPTED = ("intercepted",)


class CrossingDirection(models.TextChoices):
    INBOUND = "inbound", "Crossed into China"
    OUTBOUND = "outbound", "Crossed into the DPRK"
    INTERCEPTED = "intercepted", "Stopped at the border (Chinese side)"


class CrossingSource(models.TextChoices):
    """How the case came to the desk (the issue's three openings, plus a crossing found afterwards)."""

    INTERCEPTION = "interception", "Interception at the border"
    NOTIFICATION = "notification", "Notification from the other side"
    REFUSED_CROSSING = "refused_crossing", "Crossing refused at a crossing point"
    UNRECORDED_CROSSING = "unrecorded_crossing", "Crossing without a record (no valid papers)"
    FOUND = "found", "Found after crossing"


class CrossingCause(models.TextChoices):
    FIRE = "fire", "Forced across by fire"
    FLOOD = "flood", "Forced across by flood"
    TYPHOON = "typhoon", "Forced across by typhoon"
    LABOUR_INCIDENT = "labour_incident", "Forced across by a labour incident"
    OTHER_DISASTER = "other_disaster", "Forced across by another disaster"
    LIVELIHOOD = "livelihood", "Food shortage / hope of a better living"
    FAMILY = "family", "To join family"
    WORK = "work", "To find work"
    SMUGGLING = "smuggling", "Smuggling or trading"
    FLIGHT = "flight", "Fleeing a crime or a case"
    OTHER = "other", "Other"


# RET-4: causes that make a crossing no illegal crossing at all (D10 Art. 1(1), Art. 4(1)).
DISASTER_CAUSES = frozenset(
    {
        CrossingCause.FIRE,
        CrossingCause.FLOOD,
        CrossingCause.TYPHOON,
        CrossingCause.LABOUR_INCIDENT,
        CrossingCause.OTHER_DISASTER,
    }
)


class HandoverPoint(models.TextChoices):
    """Places of exchange (RET-7). Assumption: pairs of crossing points of the 1960s; which of them
    the two sides agreed on for exchanges is not in the sources (D10 Art. 9(2))."""

    TUMEN_NAMYANG = "tumen_namyang", "Tumen - Namyang"
    SANHE_HOERYONG = "sanhe_hoeryong", "Sanhe - Hoeryong"
    KAISHANTUN_SAMBONG = "kaishantun_sambong", "Kaishantun - Sambong"
    NANPING_MUSAN = "nanping_musan", "Nanping - Musan"
    QUANHE_WONJONG = "quanhe_wonjong", "Quanhe - Wonjong"
    CHANGBAI_HYESAN = "changbai_hyesan", "Changbai - Hyesan"
    JIAN_MANPO = "jian_manpo", "Ji'an - Manpo"
    ANDONG_SINUIJU = "andong_sinuiju", "Andong - Sinuiju"
    ELSEWHERE = "elsewhere", "Somewhere not agreed between the sides"


AGREED_HANDOVER_POINTS = frozenset(HandoverPoint.values) - {HandoverPoint.ELSEWHERE}


def check_handover_point(value: str) -> str:
    """Return the handover point or raise: exchanges happen only at agreed places (RET-7)."""
    if value not in AGREED_HANDOVER_POINTS:
        raise ApplicationError(
            "RET-7: people and property change hands only at a place the two sides agreed on; "
            f"choose one of: {', '.join(str(HandoverPoint(v).label) for v in sorted(AGREED_HANDOVER_POINTS))}.",
            rules=("RET-7",),
        )
    return value


class CrosserState(models.TextChoices):
    REPORTED = "reported", "Crossing reported: identity and circumstances to establish"
    IDENTIFIED = "identified", "Identity and circumstances recorded"
    CHECKED = "checked", "Checked: no crime or pending case at home; decide"
    WANTED = "wanted", "Checked: crime or pending case at home; to be sent back"
    PERSUASION = "persuasion", "Being persuaded to come back"
    DPRK_ASKED = "dprk_asked", "DPRK side asked to help him come back"
    ENTRY_PERMIT = "entry_permit", "Entry permit issued by the Embassy"
    STAY_REQUESTED = "stay_requested", "Other side asked to consent to his staying"
    INSTRUCTIONS_REQUESTED = "instructions_requested", "Special situation reported for instructions"
    STAYING_IN_CHINA = "staying_in_china", "Staying in China with DPRK approval (may be sent back later)"
    AWAITING_HANDOVER = "awaiting_handover", "To be handed over at an agreed point"
    HANDED_OVER = "handed_over", "Handed over: receipt to confirm"
    RETURNED = "returned", "Returned"
    SETTLED_IN_DPRK = "settled_in_dprk", "Stays in the DPRK with its consent"
    LEFT_ALONE = "left_alone", "Settled by the DPRK: left alone"
    TRIED_WHERE_CAUGHT = "tried_where_caught", "Kept for trial where the crime was committed"
    PERSUADED_BACK = "persuaded_back", "Persuaded to go back to the DPRK"
    READMITTED = "readmitted", "Back home in China"
    SENT_HOME = "sent_home", "Sent home"


S = CrosserState


# --- Guards (names differ from every field name: class-body shadowing) -------------------------


def _policy(case: CrosserCase) -> ReturnsPolicy:
    return returns_policy(case.regime_obj)


# RET-4: D10 Art. 1(1) says only that people forced across by disaster are assisted; that they then go home
# through the handover is the project's assumption (shown on the step).
DISASTER_RETURN = ("D10 Art. 1(1) says only that disaster victims are assisted; that they then go home through "
                   "the handover is an assumption.")


@guard("RET-4: a person forced across by disaster is not an illegal crosser: assist him instead.")
def not_disaster(case: CrosserCase) -> bool:
    # Someone stopped before crossing was not forced across, whatever drove him to the river.
    return case.variant == CrossingDirection.INTERCEPTED or case.crossing_cause not in DISASTER_CAUSES


@guard("RET-4: only people forced across by fire, flood, typhoon, a labour incident or another disaster "
       "are exempt; record such a cause first.")
def forced_by_disaster(case: CrosserCase) -> bool:
    return case.crossing_cause in DISASTER_CAUSES


@guard("RET-3: a crosser who committed a crime or has a pending civil or criminal case at home is always "
       "repatriated.")
def no_home_case(case: CrosserCase) -> bool:
    return case.home_case is False


@guard("RET-5: only a crime committed after crossing is tried where it was committed.")
def crime_here(case: CrosserCase) -> bool:
    return bool(case.crime_after_crossing)


@guard("RET-5: record the person's identity and circumstances first; they go across with him.")
def identity_recorded(case: CrosserCase) -> bool:
    return bool(case.identity_details.strip() and case.circumstances.strip())


@guard("RET-2: a Chinese resident coming back is not a DPRK crosser; readmit him or (1961) persuade him back.")
def not_returnee(case: CrosserCase) -> bool:
    return not case.returned_from_dprk


@guard("RET-3: a Chinese resident coming back is already home; a case against him there is his own "
       "bureau's matter, not a repatriation.")
def repatriable(case: CrosserCase) -> bool:
    return not case.returned_from_dprk


@guard("RET-10: this step is for a Chinese resident who crossed back from the DPRK.")
def is_returnee(case: CrosserCase) -> bool:
    return case.returned_from_dprk


@guard("RET-12: under the 1970 State Council opinions Koreans who crossed illegally are sent back promptly; "
       "report a special situation for instructions instead of arranging a stay.")
def stay_allowed_by_line(case: CrosserCase) -> bool:
    return _policy(case).inbound_stay_allowed


@guard("RET-12: reporting a special situation for instructions is the 1970 line; before it, request the "
       "DPRK's approval of a stay directly (RET-2).")
def special_report_line(case: CrosserCase) -> bool:
    return _policy(case).report_special_inbound


@guard("RET-10: persuading returnees to go back to the DPRK was the Jilin line of 1961 only.")
def returnees_persuaded_back_line(case: CrosserCase) -> bool:
    return _policy(case).persuade_returnees_back


@guard("RET-10: living arrangements and money to go home for intercepted crossers were the Liaoning "
       "measure of 1961.")
def aid_intercepted_line(case: CrosserCase) -> bool:
    return _policy(case).aid_intercepted_crossers


@guard("RET-9: in 1961 the Embassy does not hear the cases of crossers who want to come back; it asks the "
       "DPRK side for help.")
def embassy_hears_line(case: CrosserCase) -> bool:
    return _policy(case).embassy_hears_return_cases


@guard("RET-9: referring a returning crosser to the DPRK side instead of hearing him is the 1961 line.")
def embassy_refers_line(case: CrosserCase) -> bool:
    return not _policy(case).embassy_hears_return_cases


@guard("RET-9: only Han Chinese whom the DPRK has settled are left alone, and only under the 1961 line.")
def settled_han_left_alone(case: CrosserCase) -> bool:
    return (
        _policy(case).leave_settled_han_alone
        and case.person.nationality == Nationality.HAN
        and case.settled_by_dprk
    )


@guard("RET-9: this step is for a crosser who says he wants to come back.")
def says_wants_return(case: CrosserCase) -> bool:
    return case.wants_to_return


@guard("RET-8: settling a crosser who wishes to stay, without first persuading him, is the line of "
       "24 March 1962 onwards; before it he is first persuaded to return (RET-1).")
def d7_line(case: CrosserCase) -> bool:
    return _policy(case).settle_willing_without_persuasion


@guard("RET-1: he already wants to come back; there is no one to persuade.")
def not_yet_willing(case: CrosserCase) -> bool:
    return not case.wants_to_return


class CrosserCase(Case):
    """A person who crossed, or tried to cross, the border without valid papers."""

    PROCEDURE_KIND = "crosser"
    VARIANT_LABELS = dict(CrossingDirection.choices)
    REFERENCE_PREFIX = "RET"
    State = CrosserState

    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="crosser_cases")
    source = models.CharField("how the case came in", max_length=30, choices=CrossingSource.choices)
    source_reference = models.CharField(
        max_length=120,
        blank=True,
        help_text="Reference of the record this case was opened from (an interception report, the other "
        "side's notification, a refused or unrecorded crossing).",
    )
    crossing_place = models.CharField(max_length=120, blank=True)
    crossed_at = models.DateTimeField("crossed (simulated)", null=True, blank=True)
    returned_from_dprk = models.BooleanField(
        "Chinese resident coming back from the DPRK", default=False,
        help_text="Inbound only: he had crossed into the DPRK and now crossed back (RET-10).",
    )
    settled_by_dprk = models.BooleanField("settled by the DPRK side", default=False)
    wants_to_return = models.BooleanField("says he wants to come back", default=False)
    identity_details = models.TextField("identity", blank=True, help_text="RET-5: name, origin, household.")
    circumstances = models.TextField(blank=True, help_text="RET-5: how, when and why he crossed.")
    crossing_cause = models.CharField(max_length=20, choices=CrossingCause.choices, blank=True)
    disaster_exempt = models.BooleanField("forced across by disaster (not illegal)", default=False)
    home_case = models.BooleanField(
        "crime or pending civil/criminal case at home", null=True, blank=True,
        help_text="RET-3, RET-6: counter-revolutionaries and ordinary criminals fleeing across included.",
    )
    crime_after_crossing = models.BooleanField("committed a crime after crossing", null=True, blank=True)
    keep_agreed = models.BooleanField(
        "other side agreed to his being kept for trial", default=False,
        help_text="RET-6: needed when he is also wanted at home.",
    )
    other_side_notified_at = models.DateTimeField("other side notified (simulated)", null=True, blank=True)
    handover_point = models.CharField(max_length=30, choices=HandoverPoint.choices, blank=True)
    handed_over_at = models.DateTimeField("handed over (simulated)", null=True, blank=True)
    entry_permit_number = models.CharField(max_length=40, blank=True)
    travel_money_yuan = models.PositiveIntegerField("money to go home (yuan)", null=True, blank=True)
    reason = models.TextField("reason given", blank=True)

    class Meta:
        verbose_name = "illegal-crosser case"

    def filing_rules(self) -> tuple[str, ...]:
        """Return the rule the case is filed under: D10's hand-back with identity and circumstances (RET-5) once
        the 1964 Protocol is in force; before it the 1957 principles, a resident who crossed into the DPRK is
        persuaded to return (RET-1), a DPRK citizen who crossed into China is in principle repatriated (RET-2);
        a resident stopped before crossing under the 1961 measures (RET-10), outside them RET-5 as an assumption
        (the page's date note says so)."""
        from cases.rules.in_force import case_in_force

        if case_in_force(self, "RET-5"):
            return ("RET-5",)
        if self.variant == CrossingDirection.OUTBOUND:
            return ("RET-1",)
        if self.variant == CrossingDirection.INBOUND:
            return ("RET-2",)
        return ("RET-10",) if case_in_force(self, "RET-10") else ("RET-5",)

    # --- Identity and circumstances (RET-5), the disaster exemption (RET-4), the check (RET-3) -----

    @step(source=S.REPORTED, target=S.IDENTIFIED, office=K.BORDER_STATION, rules=["RET-5", "RET-4"],
          label="Record identity and circumstances", fields=["identity_details", "circumstances", "crossing_cause"],
          assumption="The local public security or border work station takes down identity and circumstances.")
    def record_identity(self, *, identity_details: str, circumstances: str, crossing_cause: str) -> None:
        """Record who he is, how he crossed and why: the papers that go with him (RET-5, RET-4)."""
        if crossing_cause not in CrossingCause.values:
            raise ApplicationError("Choose the cause of the crossing from the list.", rules=("RET-4",))
        self.identity_details = identity_details
        self.circumstances = circumstances
        self.crossing_cause = crossing_cause

    @step(source=S.IDENTIFIED, target=S.AWAITING_HANDOVER, office=K.BORDER_STATION, rules=["RET-4"],
          variants=INBOUND, guards=[forced_by_disaster], label="Assist the disaster victim and prepare his return",
          assumption=DISASTER_RETURN)
    def assist_disaster_victim(self) -> None:
        """Help someone forced into China by disaster; he is no illegal crosser and goes home (RET-4)."""
        self.disaster_exempt = True

    @step(source=S.IDENTIFIED, target=S.AWAITING_HANDOVER, office=K.DPRK_SAFETY, rules=["RET-4"],
          variants=OUTBOUND, guards=[forced_by_disaster], label="Assist the disaster victim and prepare his return",
          assumption=DISASTER_RETURN)
    def assist_disaster_victim_dprk(self) -> None:
        """The DPRK helps a Chinese resident forced across by disaster and returns him (RET-4)."""
        self.disaster_exempt = True

    @step(source=S.IDENTIFIED, target=S.CHECKED, office=K.COUNTY_PSB, rules=["RET-3", "RET-5", "RET-4"],
          guards=[not_disaster], label="Checked: no crime or pending case at home",
          fields=["crime_after_crossing"],
          assumption="The county public security bureau records the check, asking the other side where needed "
          "(D10 Art. 5(5)).")
    def check_record(self, *, crime_after_crossing: bool) -> None:
        """Record a clean check at home and whether he offended after crossing (RET-3, RET-5)."""
        self.home_case = False
        self.crime_after_crossing = bool(crime_after_crossing)

    @step(source=S.IDENTIFIED, target=S.WANTED, office=K.COUNTY_PSB, rules=["RET-3", "RET-6", "RET-4"],
          variants=INBOUND + OUTBOUND, guards=[not_disaster, repatriable],
          label="Checked: crime or pending case at home", fields=["crime_after_crossing"], style="refuse",
          assumption="The county public security bureau records the check, asking the other side where needed "
          "(D10 Art. 5(5)).")
    def record_home_case(self, *, crime_after_crossing: bool) -> None:
        """Record that he committed a crime or has a pending case at home: he is always sent back (RET-3),
        a fugitive criminal reported to the other side (RET-6)."""
        self.home_case = True
        self.crime_after_crossing = bool(crime_after_crossing)

    # --- Inbound: a crosser into China (RET-2, RET-3, RET-6, RET-12) ---------------------------

    @step(source=[S.CHECKED, S.WANTED], target=S.AWAITING_HANDOVER, office=K.COUNTY_PSB,
          rules=["RET-2", "RET-3"], cites_while_in_force=["RET-6", "RET-12"], variants=INBOUND, guards=[not_returnee],
          label="Decide to send him back")
    def prepare_return(self) -> None:
        """Repatriate, the rule in principle and always for one wanted at home (RET-2, RET-3, RET-12).

        A fugitive criminal is reported to the other side at once (RET-6).
        """
        if self.home_case:
            self.other_side_notified_at = self.exercise.clock

    @step(source=S.CHECKED, target=S.STAY_REQUESTED, office=K.COUNTY_PSB, rules=["RET-2", "RET-3"],
          cites_while_in_force=["RET-12"],
          variants=INBOUND, guards=[not_returnee, no_home_case, stay_allowed_by_line], reason_required=True,
          label="Return impractical: ask the DPRK to approve his stay")
    def request_stay(self, *, reason: str) -> None:
        """Ask the DPRK to let him stay where sending him back is really impractical (RET-2)."""
        self.reason = reason

    @step(source=S.CHECKED, target=S.INSTRUCTIONS_REQUESTED, office=K.COUNTY_PSB, rules=["RET-12", "RET-3"],
          variants=INBOUND, guards=[not_returnee, no_home_case, special_report_line], reason_required=True,
          label="Report a special situation for instructions",
          assumption="The report goes up to the Ministry of Public Security, one of the two ministries D11 names.")
    def report_special_situation(self, *, reason: str) -> None:
        """Report a special situation and wait for instructions instead of sending him back (RET-12)."""
        self.reason = reason

    @step(source=S.INSTRUCTIONS_REQUESTED, target=S.AWAITING_HANDOVER, office=K.MPS, rules=["RET-12"],
          variants=INBOUND, label="Instruct: send him back")
    def instruct_return(self) -> None:
        """The ministry instructs that he be sent back after all (RET-12)."""

    @step(source=S.INSTRUCTIONS_REQUESTED, target=S.STAY_REQUESTED, office=K.MPS, rules=["RET-12", "RET-2"],
          reason_required=True, variants=INBOUND, label="Instruct: he may stay if the DPRK approves")
    def instruct_stay(self, *, reason: str) -> None:
        """The ministry lets the special case go to the DPRK for approval of a stay (RET-12, RET-2)."""
        self.reason = reason

    @step(source=S.STAY_REQUESTED, target=S.STAYING_IN_CHINA, office=K.DPRK_SAFETY, rules=["RET-2"],
          variants=INBOUND, label="Approve his staying in China")
    def approve_stay_in_china(self) -> None:
        """The DPRK approves: he continues to reside in China (RET-2)."""

    @step(source=S.STAY_REQUESTED, target=S.AWAITING_HANDOVER, office=K.DPRK_SAFETY, rules=["RET-2"],
          variants=INBOUND, reason_required=True, label="Refuse: he must come back", style="refuse")
    def refuse_stay_in_china(self, *, reason: str) -> None:
        """The DPRK wants him back, so he is repatriated (RET-2)."""
        self.reason = reason

    @step(source=S.STAYING_IN_CHINA, target=S.AWAITING_HANDOVER, office=K.COUNTY_PSB, rules=["RET-2"],
          reason_required=True, variants=INBOUND, label="Send him back after all")
    def recall_to_dprk(self, *, reason: str) -> None:
        """Mobilise him to go back when it becomes necessary later (RET-2)."""
        self.reason = reason

    @step(source=[S.CHECKED, S.WANTED], target=S.TRIED_WHERE_CAUGHT, office=K.COUNTY_PSB, rules=["RET-5", "RET-6"],
          variants=INBOUND, guards=[crime_here], reason_required=True, fields=["keep_agreed"],
          label="Keep him for trial in China; notify the DPRK")
    def keep_for_trial_in_china(self, *, keep_agreed: bool, reason: str) -> None:
        """Try a crime committed in China here and tell the other side (RET-5); one also wanted at home
        is kept only with the other side's agreement (RET-6)."""
        _check_keep_agreement(self, keep_agreed)
        self.keep_agreed = bool(keep_agreed)
        self.reason = reason
        self.other_side_notified_at = self.exercise.clock

    @step(source=S.CHECKED, target=S.PERSUADED_BACK, office=K.COUNTY_PSB, rules=["RET-10"], variants=INBOUND,
          guards=[is_returnee, returnees_persuaded_back_line], label="Persuade him to go back to the DPRK")
    def persuade_back_to_dprk(self) -> None:
        """Firmly persuade a returnee to go back to the DPRK, the Jilin line of 1961 (RET-10)."""

    @step(source=S.CHECKED, target=S.READMITTED, office=K.COUNTY_PSB, rules=["RET-1", "RET-10"], variants=INBOUND,
          guards=[is_returnee], label="Readmit him to his home", style="close",
          assumption="A resident who came back is returned to his commune; the sources describe the return "
          "they asked for (RET-1), not this last step.")
    def readmit_returnee(self) -> None:
        """Take back a Chinese resident who came home from the DPRK (RET-1)."""

    # --- Outbound: a Chinese resident in the DPRK (RET-1, RET-3, RET-8, RET-9) -------------------

    @step(source=S.WANTED, target=S.AWAITING_HANDOVER, office=K.COUNTY_PSB, rules=["RET-3", "RET-6"],
          variants=OUTBOUND, label="Report him and ask the DPRK to hand him over")
    def ask_dprk_to_hand_over(self) -> None:
        """A crosser wanted at home is always sent back; the other side is told (RET-3, RET-6)."""
        self.other_side_notified_at = self.exercise.clock

    @step(source=S.CHECKED, target=S.PERSUASION, office=K.EMBASSY, rules=["RET-1", "RET-8", "RET-3"],
          variants=OUTBOUND, guards=[no_home_case, not_yet_willing], label="Persuade him to come back",
          assumption="The Embassy persuades, from 1962 with the DPRK's help (RET-8).")
    def persuade_to_return(self) -> None:
        """Mobilise him to return to China, the principle for those already across (RET-1, RET-8)."""

    @step(source=S.PERSUASION, target=S.AWAITING_HANDOVER, office=K.EMBASSY, rules=["RET-1"],
          variants=OUTBOUND, label="He agrees to come back")
    def agrees_to_return(self) -> None:
        """Persuasion worked: the DPRK is asked to hand him over (RET-1)."""
        self.wants_to_return = True

    @step(source=S.PERSUASION, target=S.STAY_REQUESTED, office=K.EMBASSY, rules=["RET-1", "RET-8"],
          reason_required=True, variants=OUTBOUND, label="He refuses: ask whether the DPRK will keep him")
    def refuses_to_return(self, *, reason: str) -> None:
        """He will not come back; the DPRK is asked whether it consents to keep him (RET-1, RET-8)."""
        self.reason = reason

    @step(source=S.CHECKED, target=S.STAY_REQUESTED, office=K.EMBASSY, rules=["RET-8", "RET-3"],
          variants=OUTBOUND, guards=[no_home_case, not_yet_willing, d7_line],
          label="He wishes to stay: ask whether the DPRK will settle him")
    def ask_dprk_to_settle(self) -> None:
        """From March 1962 one willing to stay may stay if the DPRK is willing to settle him (RET-8)."""

    @step(source=S.STAY_REQUESTED, target=S.PERSUASION, office=K.DPRK_SAFETY, rules=["RET-8"],
          variants=OUTBOUND, reason_required=True, label="Cannot settle him: help persuade him to return")
    def help_persuade(self, *, reason: str) -> None:
        """The DPRK has difficulty settling him and helps mobilise him to return (RET-8)."""
        self.reason = reason

    @step(source=S.STAY_REQUESTED, target=S.SETTLED_IN_DPRK, office=K.DPRK_SAFETY, rules=["RET-1", "RET-8"],
          variants=OUTBOUND, label="Consent to keep and settle him", style="close")
    def consent_to_keep(self) -> None:
        """The DPRK consents: he is not repatriated; the Embassy may give him an emigrant passport (RET-1)."""
        self.settled_by_dprk = True

    @step(source=S.STAY_REQUESTED, target=S.AWAITING_HANDOVER, office=K.DPRK_SAFETY, rules=["RET-8"],
          variants=OUTBOUND, reason_required=True, label="Decline to keep him: hand him back", style="refuse")
    def decline_to_keep(self, *, reason: str) -> None:
        """The DPRK cannot settle him; it helps send him back (RET-8)."""
        self.reason = reason

    @step(source=S.CHECKED, target=S.AWAITING_HANDOVER, office=K.EMBASSY, rules=["RET-9", "RET-1"],
          variants=OUTBOUND, guards=[says_wants_return, embassy_hears_line], label="Hear his request to come back")
    def hear_return_request(self) -> None:
        """The Embassy takes up the request of a crosser who wants to come back (outside the 1961 line)."""

    @step(source=S.CHECKED, target=S.DPRK_ASKED, office=K.EMBASSY, rules=["RET-9"], variants=OUTBOUND,
          guards=[says_wants_return, embassy_refers_line], label="Do not hear the case: ask the DPRK side for help")
    def refer_return_to_dprk(self) -> None:
        """Under the 1961 line the Embassy does not hear the case and asks the DPRK to help (RET-9)."""

    @step(source=S.DPRK_ASKED, target=S.AWAITING_HANDOVER, office=K.DPRK_SAFETY, rules=["RET-9", "RET-7"],
          variants=OUTBOUND, label="Repatriate him under the agreed rules")
    def dprk_repatriates(self) -> None:
        """The DPRK sends him back under the mutually agreed regulations (RET-9)."""

    @step(source=S.DPRK_ASKED, target=S.ENTRY_PERMIT, office=K.EMBASSY, rules=["RET-9"],
          fields=["entry_permit_number"], variants=OUTBOUND, label="He came to the Embassy: issue an entry permit")
    def issue_entry_permit(self, *, entry_permit_number: str) -> None:
        """Give an entry permit to a crosser who comes to the Embassy himself (RET-9)."""
        self.entry_permit_number = entry_permit_number

    @step(source=S.ENTRY_PERMIT, target=S.RETURNED, office=K.BORDER_STATION, rules=["RET-9"],
          variants=OUTBOUND, label="Record his entry on the permit", style="close")
    def record_return_entry(self) -> None:
        """He comes back through a crossing point on the Embassy's entry permit (RET-9)."""

    @step(source=S.CHECKED, target=S.LEFT_ALONE, office=K.EMBASSY, rules=["RET-9"], variants=OUTBOUND,
          guards=[no_home_case, settled_han_left_alone], label="Han Chinese settled by the DPRK: leave him alone",
          style="close")
    def leave_settled_han_alone(self) -> None:
        """Under the 1961 line a Han Chinese the DPRK has settled is not pursued (RET-9)."""

    @step(source=[S.CHECKED, S.WANTED], target=S.TRIED_WHERE_CAUGHT, office=K.DPRK_SAFETY, rules=["RET-5", "RET-6"],
          variants=OUTBOUND, guards=[crime_here], reason_required=True, fields=["keep_agreed"],
          label="Keep him for trial in the DPRK; notify China")
    def keep_for_trial_in_dprk(self, *, keep_agreed: bool, reason: str) -> None:
        """The DPRK tries a crime committed there and tells China (RET-5, RET-6)."""
        _check_keep_agreement(self, keep_agreed)
        self.keep_agreed = bool(keep_agreed)
        self.reason = reason
        self.other_side_notified_at = self.exercise.clock

    # --- Intercepted before crossing (RET-10) ----------------------------------------------------

    @step(source=S.CHECKED, target=S.SENT_HOME, office=K.COUNTY_PSB, rules=["RET-10"], variants=INTERCEPTED,
          guards=[aid_intercepted_line], fields=["travel_money_yuan"],
          label="Make living arrangements and give money to go home", style="close")
    def send_home_with_aid(self, *, travel_money_yuan: int) -> None:
        """Settle an intercepted crosser's livelihood and pay his way home, as Liaoning did in 1961 (RET-10)."""
        money = int(travel_money_yuan)
        if money <= 0:
            raise ApplicationError("RET-10: give an amount of money in yuan for the journey home.", rules=("RET-10",))
        self.travel_money_yuan = money

    @step(source=S.CHECKED, target=S.SENT_HOME, office=K.COUNTY_PSB, rules=["RET-10"], variants=INTERCEPTED,
          label="Educate him and send him home", style="close",
          assumption="Outside the 1961 Liaoning measure an intercepted crosser is educated and sent home "
          "without money; the sources of RET-10 do not say.")
    def send_home(self) -> None:
        """Send an intercepted crosser home (RET-10 names the 1961 variant with aid)."""

    # --- Handover at an agreed point (RET-5, RET-7) ----------------------------------------------

    @step(source=S.AWAITING_HANDOVER, target=S.HANDED_OVER, office=K.BORDER_REPRESENTATIVE,
          rules=["RET-5", "RET-7"], variants=INBOUND, guards=[identity_recorded], fields=["handover_point"],
          label="Hand him over with his identity papers",
          assumption="The county-level Border Area Representative organises the exchange (D10 Art. 8(3)).")
    def hand_over_to_dprk(self, *, handover_point: str) -> None:
        """Hand him to the DPRK at an agreed point with his identity and circumstances (RET-5, RET-7)."""
        self.handover_point = check_handover_point(handover_point)
        self.handed_over_at = self.exercise.clock

    @step(source=S.HANDED_OVER, target=S.RETURNED, office=K.DPRK_INSPECTION, rules=["RET-7"], variants=INBOUND,
          label="Confirm receipt", style="close")
    def confirm_receipt(self) -> None:
        """The DPRK border inspection body takes him over (RET-7)."""

    @step(source=S.AWAITING_HANDOVER, target=S.HANDED_OVER, office=K.DPRK_INSPECTION, rules=["RET-5", "RET-7"],
          variants=OUTBOUND, guards=[identity_recorded], fields=["handover_point"],
          label="Hand him over with his identity papers")
    def hand_over_to_china(self, *, handover_point: str) -> None:
        """The DPRK hands him back at an agreed point with his identity and circumstances (RET-5, RET-7)."""
        self.handover_point = check_handover_point(handover_point)
        self.handed_over_at = self.exercise.clock

    @step(source=S.HANDED_OVER, target=S.RETURNED, office=K.BORDER_REPRESENTATIVE, rules=["RET-7"],
          variants=OUTBOUND, label="Receive him", style="close")
    def receive_from_dprk(self) -> None:
        """The Chinese representative takes him over at the agreed point (RET-7)."""


def _check_keep_agreement(case: CrosserCase, keep_agreed: bool) -> None:
    """Refuse to keep a fugitive wanted at home without the other side's agreement (RET-6)."""
    if case.home_case and not keep_agreed:
        raise ApplicationError(
            "RET-6: he is also wanted at home; he may be kept for a graver crime here only when the other "
            "side agrees. Otherwise send him back.",
            rules=("RET-6",),
        )
