"""Naturalisation services: a Korean national applies for Chinese citizenship (OTH-1)."""

from __future__ import annotations

from typing import Any

from cases.choices import Nationality, OfficeKind
from cases.errors import ApplicationError
from cases.models import Exercise, NaturalisationCase, NaturalisationState, Person
from cases.services.steps import case_open


def naturalisation_apply(
    *, exercise: Exercise, person: Person, actor: Any, grounds: str = "", note: str = ""
) -> NaturalisationCase:
    """Lodge a Korean national's application for Chinese citizenship (OTH-1)."""
    if person.exercise_id != exercise.pk:
        raise ApplicationError("The person must belong to this exercise.")
    if person.nationality not in (Nationality.KOREAN_IN_CHINA, Nationality.DPRK):
        raise ApplicationError("OTH-1: naturalisation is for Korean nationals; this person is already Chinese.",
                               rules=("OTH-1",))
    case = NaturalisationCase(
        exercise=exercise,
        title=f"{person.name}: Chinese citizenship",
        person=person,
        grounds=grounds.strip(),
        state=NaturalisationState.APPLIED,
    )
    return case_open(case=case, actor=actor, office_kind=OfficeKind.COUNTY_PSB, rules=("OTH-1",), note=note)
