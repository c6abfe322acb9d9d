"""Stray vessels, livestock, poultry and other property of the other side (OTH-3, D10 Art. 1(2)): kept
safe, the other side notified, and fetched by it as soon as it can, at an agreed place (RET-7).

Assumption: the border work station keeps the property; the Border Area Representative notifies.
"""

from __future__ import annotations

from django.db import models

from cases.choices import OfficeKind
from cases.engine import guard, step
from cases.models.case import Case
from cases.models.crosser import HandoverPoint, check_handover_point

K = OfficeKind


class StrayKind(models.TextChoices):
    VESSEL = "vessel", "Vessel or boat"
    LIVESTOCK = "livestock", "Livestock"
    POULTRY = "poultry", "Poultry"
    OTHER = "other", "Other property"


class StrayState(models.TextChoices):
    FOUND = "found", "Found"
    KEPT_SAFE = "kept_safe", "In safekeeping"
    NOTIFIED = "notified", "Other side notified: awaiting retrieval"
    RETRIEVED = "retrieved", "Retrieved by the other side"


S = StrayState


@guard("OTH-3: the other side must be notified before it retrieves the property.")
def other_side_told(case: StrayCase) -> bool:
    return case.notified_at is not None


class StrayCase(Case):
    """Property of the other side that strayed across."""

    PROCEDURE_KIND = "stray"
    REFERENCE_PREFIX = "STR"
    State = StrayState

    item_kind = models.CharField("what", max_length=10, choices=StrayKind.choices)
    description = models.TextField(blank=True)
    quantity = models.PositiveIntegerField(default=1)
    place_found = models.CharField(max_length=160)
    custody_place = models.CharField("kept at", max_length=160, blank=True)
    notified_at = models.DateTimeField("other side notified (simulated)", null=True, blank=True)
    handover_point = models.CharField(max_length=30, choices=HandoverPoint.choices, blank=True)

    class Meta:
        verbose_name = "stray property case"

    @step(source=S.FOUND, target=S.KEPT_SAFE, office=K.BORDER_STATION, rules=["OTH-3"], fields=["custody_place"],
          label="Place in safekeeping")
    def keep_safe(self, *, custody_place: str) -> None:
        """Keep the vessel, animals or goods safe (OTH-3)."""
        self.custody_place = custody_place

    @step(source=S.KEPT_SAFE, target=S.NOTIFIED, office=K.BORDER_REPRESENTATIVE, rules=["OTH-3"],
          label="Notify the other side")
    def notify_other_side(self) -> None:
        """Tell the DPRK side what was found (OTH-3)."""
        self.notified_at = self.exercise.clock

    @step(source=S.NOTIFIED, target=S.RETRIEVED, office=K.DPRK_INSPECTION, rules=["OTH-3", "RET-7"],
          guards=[other_side_told], fields=["handover_point"], label="Retrieve the property", style="close")
    def retrieve(self, *, handover_point: str) -> None:
        """The other side fetches its property at an agreed place (OTH-3, RET-7)."""
        self.handover_point = check_handover_point(handover_point)
