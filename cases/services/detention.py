"""Detention-report services: public security reports a Korean national's detention for approval (OTH-2)."""

from __future__ import annotations

from typing import Any

from cases.choices import Nationality, OfficeKind
from cases.errors import ApplicationError
from cases.models import DetentionCase, DetentionState, Exercise, Person
from cases.models.detention import DetentionMeasure
from cases.services.steps import case_open
from cases.wording import in_sentence

# OTH-2: only public security organs handle a Korean national who breaks a decree.
PUBLIC_SECURITY = frozenset({OfficeKind.COUNTY_PSB, OfficeKind.BORDER_STATION})


def detention_report(
    *,
    exercise: Exercise,
    person: Person,
    measure: str,
    grounds: str,
    actor: Any,
    reporting_office_kind: str = OfficeKind.COUNTY_PSB,
    note: str = "",
) -> DetentionCase:
    """Report the detention or sentencing of a Korean national for approval (OTH-2).

    Work units (and street committees) may not detain Korean nationals at all: their reports are refused.
    """
    if person.exercise_id != exercise.pk:
        raise ApplicationError("The person must belong to this exercise.")
    if reporting_office_kind not in PUBLIC_SECURITY:
        raise ApplicationError(
            "OTH-2: work units and street committees may not detain Korean nationals; only public security "
            "handles them, and only after reporting for approval.",
            rules=("OTH-2",),
        )
    if person.nationality not in (Nationality.KOREAN_IN_CHINA, Nationality.DPRK):
        raise ApplicationError("OTH-2 concerns Korean nationals; choose a Korean national.", rules=("OTH-2",))
    if measure not in DetentionMeasure.values:
        raise ApplicationError("Choose detention or sentencing.", rules=("OTH-2",))
    if not grounds.strip():
        raise ApplicationError("OTH-2: state the decree broken and the facts.", rules=("OTH-2",))
    case = DetentionCase(
        exercise=exercise,
        title=f"{person.name}: {in_sentence(DetentionMeasure(measure).label)} for approval",
        person=person,
        measure=measure,
        grounds=grounds.strip(),
        state=DetentionState.REPORTED,
    )
    return case_open(case=case, actor=actor, office_kind=reporting_office_kind, rules=("OTH-2",), note=note)
