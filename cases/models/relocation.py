"""The 1959 organised relocation to the DPRK (AUT-12, AUT-8) as a batch procedure: one case per province.

The State Council sets a control figure; the province's relocation committee records the applications
(far above the figure in Jilin: 20,000 households for 7,000 places), selects households, gives those
not chosen persuasion education, has the communes settle accounts (AUT-8) and records the departures.
Figures are households (and people at departure), not individual cases: the source reports them so.

Assumptions: the provincial party / people's committee acts for its relocation committee; a province
may select up to 5 % above its control figure (Jilin sent 7,127 households on a plan of 7,000).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from cases.choices import OfficeKind
from cases.engine import step
from cases.errors import ApplicationError
from cases.models.case import Case
from cases.relocation_1959 import PROVINCE_CHOICES

K = OfficeKind
OVERSHOOT = 1.05  # assumption: selection may exceed the control figure by 5 % (Jilin: 7,127 / 7,000)


class RelocationState(models.TextChoices):
    FIGURE_SET = "figure_set", "Control figure set; applications being taken"
    SELECTION = "selection", "Applications counted; households to be selected"
    PERSUASION = "persuasion", "Households not chosen receiving persuasion education"
    SETTLEMENT = "settlement", "Communes settling accounts of the chosen households"
    DEPARTURE = "departure", "Chosen households leaving"
    COMPLETED = "completed", "Relocation completed"


S = RelocationState


def _count(value: object, label: str) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise ApplicationError(f"AUT-12: {label} must be a whole number.") from exc
    if number < 0:
        raise ApplicationError(f"AUT-12: {label} cannot be negative.")
    return number


class RelocationQuota(Case):
    """One province's share of the 1959 relocation (AUT-12)."""

    PROCEDURE_KIND = "relocation"
    REFERENCE_PREFIX = "REL"
    State = RelocationState
    OFFICE_FIELDS: ClassVar[dict[str, str]] = {}

    province = models.CharField(max_length=20, choices=PROVINCE_CHOICES)
    control_households = models.PositiveIntegerField("control figure (households)")
    applied_households = models.PositiveIntegerField("households applied", null=True, blank=True)
    selected_households = models.PositiveIntegerField("households selected", null=True, blank=True)
    persuaded_households = models.PositiveIntegerField("households given persuasion", null=True, blank=True)
    settlement_note = models.TextField("accounts settlement", blank=True)
    departed_households = models.PositiveIntegerField("households departed", null=True, blank=True)
    departed_people = models.PositiveIntegerField("people departed", null=True, blank=True)

    class Meta:
        verbose_name = "1959 relocation quota"

    @property
    def not_chosen(self) -> int:
        """Return how many applying households were not selected (they receive persuasion, AUT-12)."""
        return max((self.applied_households or 0) - (self.selected_households or 0), 0)

    @step(source=S.FIGURE_SET, target=S.SELECTION, office=K.PROVINCIAL_COMMITTEE, rules=["AUT-12"],
          label="Count the applications", fields=["applied_households"])
    def record_applications(self, *, applied_households: int) -> None:
        """Record how many households applied against the control figure (AUT-12)."""
        self.applied_households = _count(applied_households, "households applied")

    @step(source=S.SELECTION, target=S.PERSUASION, office=K.PROVINCIAL_COMMITTEE, rules=["AUT-12"],
          label="Select households within the control figure", fields=["selected_households"],
          assumption="Up to 5 % above the control figure is tolerated (Jilin: 7,127 sent on 7,000 planned).")
    def select_households(self, *, selected_households: int) -> None:
        """Choose households up to the control figure, never more than applied (AUT-12)."""
        selected = _count(selected_households, "households selected")
        if selected > (self.applied_households or 0):
            raise ApplicationError("AUT-12: a province cannot select more households than applied.")
        if selected > int(self.control_households * OVERSHOOT):
            raise ApplicationError(
                f"AUT-12: the control figure is {self.control_households:,} households; "
                f"select at most {int(self.control_households * OVERSHOOT):,}."
            )
        self.selected_households = selected

    @step(source=S.PERSUASION, target=S.SETTLEMENT, office=K.PROVINCIAL_COMMITTEE, rules=["AUT-12"],
          label="Record persuasion of those not chosen", fields=["persuaded_households"])
    def record_persuasion(self, *, persuaded_households: int) -> None:
        """Record that every household not chosen received persuasion education (AUT-12)."""
        persuaded = _count(persuaded_households, "households given persuasion")
        if persuaded != self.not_chosen:
            raise ApplicationError(
                f"AUT-12: all {self.not_chosen:,} households not chosen must receive persuasion education."
            )
        self.persuaded_households = persuaded

    @step(source=S.SETTLEMENT, target=S.DEPARTURE, office=K.COMMUNE, rules=["AUT-8", "AUT-12"],
          label="Settle commune accounts of the chosen households", fields=["settlement_note"])
    def settle_accounts(self, *, settlement_note: str) -> None:
        """Settle shares, production investments and labour returns before departure (AUT-8)."""
        self.settlement_note = settlement_note

    @step(source=S.DEPARTURE, target=S.COMPLETED, office=K.PROVINCIAL_COMMITTEE, rules=["AUT-12"],
          label="Record the departures", fields=["departed_households", "departed_people"])
    def record_departures(self, *, departed_households: int, departed_people: int) -> None:
        """Record households and people sent (AUT-12; R1959 totals for the debrief)."""
        households = _count(departed_households, "households departed")
        people = _count(departed_people, "people departed")
        if households > (self.selected_households or 0):
            raise ApplicationError("AUT-12: more households cannot leave than were selected.")
        if people < households:
            raise ApplicationError("AUT-12: each departing household has at least one person.")
        self.departed_households = households
        self.departed_people = people
