"""Corpses found in the border region on the Chinese side (RET-14, D10 Art. 1(5)): nationality and cause
of death are investigated; a resident of the DPRK is returned; a joint inspection *can* be conducted where the
death is linked to a criminal case of both countries or the nationality is unknown (D10 says "can": it is
never required before the body is returned or handled); what cannot be established is dealt with where found.

Assumptions: the county public security bureau investigates and the Border Area Representative arranges
joint inspections and returns (D10 Arts. 8-9); "handled where found" means burial by the county.
"""

from __future__ import annotations

from django.db import models

from cases.choices import OfficeKind
from cases.engine import guard, step
from cases.errors import ApplicationError
from cases.models.case import Case
from cases.models.crosser import HandoverPoint, check_handover_point

K = OfficeKind


class CorpseNationality(models.TextChoices):
    CHINESE = "chinese", "Chinese national (resident of China)"
    KOREAN = "korean", "DPRK resident"
    UNKNOWN = "unknown", "Not established"


class CauseOfDeath(models.TextChoices):
    DROWNING = "drowning", "Drowning"
    VIOLENCE = "violence", "Violence"
    ACCIDENT = "accident", "Accident"
    EXPOSURE = "exposure", "Exposure or illness"
    UNKNOWN = "unknown", "Not established"


class CorpseState(models.TextChoices):
    FOUND = "found", "Found: investigate nationality and cause of death"
    INVESTIGATED = "investigated", "Investigated: decide"
    JOINT_INSPECTION = "joint_inspection", "Joint inspection with the other side"
    RETURNED = "returned", "Returned to the other side"
    HANDLED_HERE = "handled_here", "Handled where found"


S = CorpseState


@guard("RET-14: only a resident of the other side is returned to it.")
def other_side_resident(case: CorpseCase) -> bool:
    return case.nationality_finding == CorpseNationality.KOREAN


@guard("RET-14: a joint inspection is for a death involving a crime or of unknown nationality.")
def joint_inspection_warranted(case: CorpseCase) -> bool:
    return bool(case.crime_suspected) or case.nationality_finding == CorpseNationality.UNKNOWN


@guard("RET-14: a resident of the other side is returned to it, not handled here.")
def not_other_side_resident(case: CorpseCase) -> bool:
    return case.nationality_finding != CorpseNationality.KOREAN


class CorpseCase(Case):
    """A body found in the border region."""

    PROCEDURE_KIND = "corpse"
    REFERENCE_PREFIX = "CRP"
    State = CorpseState

    place_found = models.CharField(max_length=160, help_text="E.g. the Tumen near Kaishantun.")
    description = models.TextField(blank=True)
    nationality_finding = models.CharField("nationality", max_length=10, choices=CorpseNationality.choices,
                                           blank=True)
    cause_of_death = models.CharField(max_length=10, choices=CauseOfDeath.choices, blank=True)
    crime_suspected = models.BooleanField("related to a criminal case", null=True, blank=True)
    joint_inspection_held = models.BooleanField(default=False)
    joint_findings = models.TextField(blank=True)
    handover_point = models.CharField(max_length=30, choices=HandoverPoint.choices, blank=True)
    disposal = models.TextField("how it was handled", blank=True)

    class Meta:
        verbose_name = "corpse case"

    @step(source=S.FOUND, target=S.INVESTIGATED, office=K.COUNTY_PSB, rules=["RET-14"],
          fields=["nationality_finding", "cause_of_death", "crime_suspected"],
          label="Record nationality and cause of death")
    def record_investigation(self, *, nationality_finding: str, cause_of_death: str, crime_suspected: bool) -> None:
        """Investigate nationality and cause of death (RET-14)."""
        _set_findings(self, nationality_finding, cause_of_death)
        self.crime_suspected = bool(crime_suspected)

    @step(source=S.INVESTIGATED, target=S.JOINT_INSPECTION, office=K.BORDER_REPRESENTATIVE, rules=["RET-14"],
          guards=[joint_inspection_warranted], label="Call a joint inspection with the DPRK side")
    def request_joint_inspection(self) -> None:
        """Inspect jointly where a crime is involved or nationality is unknown (RET-14)."""

    @step(source=S.JOINT_INSPECTION, target=S.INVESTIGATED, office=K.DPRK_INSPECTION, rules=["RET-14"],
          fields=["nationality_finding", "cause_of_death", "joint_findings"], label="Record the joint findings",
          assumption="The DPRK inspection body signs off the joint findings.")
    def record_joint_findings(self, *, nationality_finding: str, cause_of_death: str, joint_findings: str) -> None:
        """Record what the joint inspection established (RET-14)."""
        _set_findings(self, nationality_finding, cause_of_death)
        self.joint_findings = joint_findings
        self.joint_inspection_held = True

    @step(source=S.INVESTIGATED, target=S.RETURNED, office=K.BORDER_REPRESENTATIVE, rules=["RET-14", "RET-7"],
          guards=[other_side_resident], fields=["handover_point"],
          label="Return the body to the DPRK", style="close")
    def return_remains(self, *, handover_point: str) -> None:
        """Return a DPRK resident's body at an agreed place (RET-14, RET-7)."""
        self.handover_point = check_handover_point(handover_point)

    @step(source=S.INVESTIGATED, target=S.HANDLED_HERE, office=K.COUNTY_PSB, rules=["RET-14"],
          guards=[not_other_side_resident], fields=["disposal"],
          label="Handle where found", style="close")
    def handle_where_found(self, *, disposal: str) -> None:
        """Deal with a Chinese national's body, or one whose nationality cannot be established (RET-14)."""
        self.disposal = disposal


def _set_findings(case: CorpseCase, nationality: str, cause: str) -> None:
    if nationality not in CorpseNationality.values or cause not in CauseOfDeath.values:
        raise ApplicationError("RET-14: choose a nationality and a cause of death from the lists.", rules=("RET-14",))
    case.nationality_finding = nationality
    case.cause_of_death = cause
