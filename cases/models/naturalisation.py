"""Naturalisation of a Korean national as a Chinese citizen (OTH-1, D11 §9, 1970): the provincial
revolutionary committee reviews, the Ministry of Public Security issues the letter of naturalisation.

Assumption: the application is lodged with the county public security bureau, which forwards it.
"""

from __future__ import annotations

from django.db import models

from cases.choices import OfficeKind
from cases.engine import guard, step
from cases.models.case import Case
from cases.models.exercise import Person

K = OfficeKind


class NaturalisationState(models.TextChoices):
    APPLIED = "applied", "Application lodged"
    PROVINCE_REVIEW = "province_review", "With the provincial revolutionary committee"
    MPS_REVIEW = "mps_review", "With the Ministry of Public Security"
    NATURALISED = "naturalised", "Letter of naturalisation issued"
    REFUSED = "refused", "Refused"


S = NaturalisationState


@guard("OTH-1: the MPS issues the letter only on a case the provincial revolutionary committee reviewed.")
def reviewed_by_province(case: NaturalisationCase) -> bool:
    return case.province_reviewed_at is not None


class NaturalisationCase(Case):
    """A Korean national's application for Chinese citizenship."""

    PROCEDURE_KIND = "naturalisation"
    REFERENCE_PREFIX = "NAT"
    State = NaturalisationState

    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="naturalisation_cases")
    grounds = models.TextField(blank=True)
    province_reviewed_at = models.DateTimeField("reviewed by the province (simulated)", null=True, blank=True)
    letter_number = models.CharField("letter of naturalisation no.", max_length=40, blank=True)
    reason = models.TextField("reason given", blank=True)

    class Meta:
        verbose_name = "naturalisation case"

    @step(source=S.APPLIED, target=S.PROVINCE_REVIEW, office=K.COUNTY_PSB, rules=["OTH-1"],
          label="Forward to the provincial revolutionary committee")
    def forward_to_province(self) -> None:
        """Send the application up for the province's review (OTH-1)."""

    @step(source=S.PROVINCE_REVIEW, target=S.MPS_REVIEW, office=K.PROVINCIAL_COMMITTEE, rules=["OTH-1"],
          label="Reviewed: send to the Ministry of Public Security")
    def send_to_mps(self) -> None:
        """The provincial revolutionary committee reviews and sends the case on (OTH-1)."""
        self.province_reviewed_at = self.exercise.clock

    @step(source=S.PROVINCE_REVIEW, target=S.REFUSED, office=K.PROVINCIAL_COMMITTEE, rules=["OTH-1"],
          reason_required=True, label="Refuse at the province", style="refuse")
    def refuse_at_province(self, *, reason: str) -> None:
        """The province does not support the application (OTH-1)."""
        self.reason = reason

    @step(source=S.MPS_REVIEW, target=S.NATURALISED, office=K.MPS, rules=["OTH-1"], guards=[reviewed_by_province],
          fields=["letter_number"], label="Issue the letter of naturalisation", style="close")
    def issue_naturalisation_letter(self, *, letter_number: str) -> None:
        """Issue the letter of naturalisation (OTH-1)."""
        self.letter_number = letter_number

    @step(source=S.MPS_REVIEW, target=S.REFUSED, office=K.MPS, rules=["OTH-1"], reason_required=True,
          label="Refuse at the ministry", style="refuse")
    def refuse_at_mps(self, *, reason: str) -> None:
        """The Ministry of Public Security refuses (OTH-1)."""
        self.reason = reason
