"""Reporting the detention or sentencing of a Korean national for approval (OTH-2, D11 §4, 1970).

Only public security handles a Korean national who breaks a decree; work units and street committees may
not detain him (the service refuses their reports). Assumption: the report goes to the provincial public
security department, which approves or refuses.
"""

from __future__ import annotations

from django.db import models

from cases.choices import OfficeKind
from cases.engine import guard, step
from cases.models.case import Case
from cases.models.exercise import Person

K = OfficeKind


class DetentionMeasure(models.TextChoices):
    DETENTION = "detention", "Detention"
    SENTENCE = "sentence", "Sentencing"


class DetentionState(models.TextChoices):
    REPORTED = "reported", "Reported for approval"
    APPROVED = "approved", "Approved: public security may proceed"
    CARRIED_OUT = "carried_out", "Detained / sentenced after approval"
    REFUSED = "refused", "Not approved: released"


S = DetentionState


@guard("OTH-2: a Korean national may be detained or sentenced only after the report was approved.")
def report_approved(case: DetentionCase) -> bool:
    return case.approved_at is not None


class DetentionCase(Case):
    """A public security bureau's report asking approval to detain or sentence a Korean national."""

    PROCEDURE_KIND = "detention"
    REFERENCE_PREFIX = "DET"
    State = DetentionState

    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="detention_cases")
    measure = models.CharField(max_length=10, choices=DetentionMeasure.choices)
    grounds = models.TextField(help_text="The decree broken and the facts.")
    approved_at = models.DateTimeField("approved (simulated)", null=True, blank=True)
    reason = models.TextField("reason given", blank=True)

    class Meta:
        verbose_name = "detention report"

    @step(source=S.REPORTED, target=S.APPROVED, office=K.PROVINCIAL_PSB, rules=["OTH-2"],
          label="Approve the detention / sentence")
    def approve(self) -> None:
        """Approve the reported measure (OTH-2)."""
        self.approved_at = self.exercise.clock

    @step(source=S.REPORTED, target=S.REFUSED, office=K.PROVINCIAL_PSB, rules=["OTH-2"], reason_required=True,
          label="Refuse: release him", style="refuse")
    def refuse(self, *, reason: str) -> None:
        """Refuse the measure; he is not detained (OTH-2)."""
        self.reason = reason

    @step(source=S.APPROVED, target=S.CARRIED_OUT, office=K.COUNTY_PSB, rules=["OTH-2"], guards=[report_approved],
          label="Carry out the approved measure", style="close")
    def carry_out(self) -> None:
        """Detain or sentence him, as approved (OTH-2)."""
