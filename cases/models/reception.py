"""The DPRK reception-station path of a crosser from China (RET-13, E1961): files check, travel funds and
ration coupons, fifteen days at the station, then work through a Labour Bureau.

The fifteen days are a deadline row (``DeadlineKind.QUARANTINE_END``) whose action ends the quarantine;
the deadline sweep fires it through the state machine. Assumptions (E1961 is silent): a crosser whose
files show a problem is held for the DPRK safety organs; the station staff (cadres of the provincial
people's committee, the Cabinet Office and the Labour Bureau) act as one office.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from cases.choices import OfficeKind
from cases.engine import DeadlineSpec, guard, step
from cases.errors import ApplicationError
from cases.models.case import Case, DeadlineKind
from cases.models.crosser import CrosserCase
from cases.models.exercise import Person

K = OfficeKind
QUARANTINE_DAYS = 15  # RET-13: "must stay at the reception center for fifteen days" (E1961)


class WorkAssignment(models.TextChoices):
    FACTORY = "factory", "Factory or enterprise"
    FARM = "farm", "Agricultural cooperative"
    MINE = "mine", "Mine"
    CENTRAL = "central", "Higher education / central department"


class ReceptionState(models.TextChoices):
    ARRIVED = "arrived", "Arrived at the reception station: files check"
    FILES_CLEARED = "files_cleared", "Files check clear: travel funds and ration coupons"
    QUARANTINE = "quarantine", "Fifteen days' quarantine (washing, disinfection, vaccination, examination)"
    READY_FOR_WORK = "ready_for_work", "Quarantine over: awaiting a job from the Labour Bureau"
    ASSIGNED = "assigned", "Assigned to work"
    HELD = "held", "Held: a problem in his files"


S = ReceptionState


@guard("RET-13: fifteen days of quarantine at the station must pass before a job is assigned.")
def quarantine_served(case: ReceptionCase) -> bool:
    start = case.quarantine_started_at
    return start is not None and case.exercise.clock >= start + dt.timedelta(days=QUARANTINE_DAYS)


@guard("RET-13: the Labour Bureau assigns work only after the quarantine has ended.")
def quarantine_over(case: ReceptionCase) -> bool:
    return case.quarantine_ended_at is not None


class ReceptionCase(Case):
    """A crosser from China passing through a DPRK reception station."""

    PROCEDURE_KIND = "reception"
    REFERENCE_PREFIX = "REC"
    State = ReceptionState

    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="reception_cases")
    crosser_case = models.ForeignKey(
        CrosserCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="reception_cases",
    )
    station = models.CharField(max_length=80, default="Hoeryong", help_text="E1961 names six stations "
                               "in North Hamgyong (Hoeryong, Namyang, Kyongsong, Musan ...).")
    has_diploma = models.BooleanField(
        "holds a diploma or technical certificate", default=False,
        help_text="RET-13: only such holders are introduced to central departments (E1961).",
    )
    files_cleared_at = models.DateTimeField("files cleared (simulated)", null=True, blank=True)
    travel_funds_won = models.PositiveIntegerField("travel funds (won)", null=True, blank=True)
    ration_coupons = models.PositiveIntegerField("ration coupons", null=True, blank=True)
    quarantine_started_at = models.DateTimeField("quarantine began (simulated)", null=True, blank=True)
    quarantine_ended_at = models.DateTimeField("quarantine ended (simulated)", null=True, blank=True)
    assignment = models.CharField(max_length=10, choices=WorkAssignment.choices, blank=True)
    workplace = models.CharField(max_length=160, blank=True)
    reason = models.TextField("reason given", blank=True)

    class Meta:
        verbose_name = "reception-station case"

    def deadlines_on_enter(self, state: str, now: dt.datetime) -> list[DeadlineSpec]:
        """Start the fifteen days of quarantine on entering it (RET-13)."""
        if state == S.QUARANTINE:
            return [
                DeadlineSpec(
                    kind=DeadlineKind.QUARANTINE_END,
                    after=dt.timedelta(days=QUARANTINE_DAYS),
                    action="end_quarantine",
                    rules=("RET-13",),
                    note="Fifteen days at the reception station (E1961).",
                )
            ]
        return []

    @step(source=S.ARRIVED, target=S.FILES_CLEARED, office=K.DPRK_RECEPTION, rules=["RET-13"],
          label="Files check: no problem")
    def clear_files(self) -> None:
        """The Cabinet Office's files check finds nothing against him (RET-13)."""
        self.files_cleared_at = self.exercise.clock

    @step(source=S.ARRIVED, target=S.HELD, office=K.DPRK_RECEPTION, rules=["RET-13"], reason_required=True,
          label="Files check: a problem", style="refuse",
          assumption="E1961 does not say what happens to one whose files show a problem; he is held.")
    def flag_files(self, *, reason: str) -> None:
        """The files check finds a problem (RET-13)."""
        self.reason = reason

    @step(source=S.FILES_CLEARED, target=S.QUARANTINE, office=K.DPRK_RECEPTION, rules=["RET-13"],
          fields=["travel_funds_won", "ration_coupons"], label="Give travel funds and ration coupons; begin quarantine")
    def issue_funds_and_coupons(self, *, travel_funds_won: int, ration_coupons: int) -> None:
        """Give travel funds and ration coupons and start the fifteen days at the station (RET-13)."""
        funds, coupons = int(travel_funds_won), int(ration_coupons)
        if funds <= 0 or coupons <= 0:
            raise ApplicationError("RET-13: give both travel funds (won) and ration coupons.", rules=("RET-13",))
        self.travel_funds_won = funds
        self.ration_coupons = coupons
        self.quarantine_started_at = self.exercise.clock

    @step(source=S.QUARANTINE, target=S.READY_FOR_WORK, office=K.DPRK_RECEPTION, rules=["RET-13"],
          guards=[quarantine_served], label="End quarantine")
    def end_quarantine(self) -> None:
        """Close the fifteen days of washing, disinfection, vaccination and examination (RET-13).

        The quarantine ends fifteen days after it began, whether the deadline sweep or a clerk closes it.
        """
        self.quarantine_ended_at = self.quarantine_started_at + dt.timedelta(days=QUARANTINE_DAYS)

    @step(source=S.READY_FOR_WORK, target=S.ASSIGNED, office=K.DPRK_LABOUR, rules=["RET-13"],
          guards=[quarantine_over], fields=["assignment", "workplace"], label="Assign work", style="close")
    def assign_work(self, *, assignment: str, workplace: str) -> None:
        """Assign a job; central departments take only diploma holders (RET-13)."""
        if assignment not in WorkAssignment.values:
            raise ApplicationError("Choose a kind of work from the list.", rules=("RET-13",))
        if assignment == WorkAssignment.CENTRAL and not self.has_diploma:
            raise ApplicationError(
                "RET-13: only people with diplomas or technical certificates are introduced to higher "
                "education and the central departments.",
                rules=("RET-13",),
            )
        self.assignment = assignment
        self.workplace = workplace

