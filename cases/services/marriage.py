"""Marriage services: filing an application (D2 §4) or opening an illegal-entry case (D2 §3)."""

from __future__ import annotations

from typing import Any

from cases.choices import Nationality, OfficeKind, Sex
from cases.errors import ApplicationError
from cases.models import Exercise, MarriageCase, MarriageState, Office, Person
from cases.services.steps import case_open


def marriage_file(
    *,
    exercise: Exercise,
    man: Person,
    woman: Person,
    work_unit: Office,
    actor: Any,
    copies: int = 2,
    woman_crossed_illegally: bool = False,
    woman_has_work_in_dprk: bool = False,
    man_can_find_work_in_dprk: bool = False,
    variant: str = "",
    note: str = "",
) -> MarriageCase:
    """File a marriage application with the man's work unit, or an illegal-entry case (MAR-9).

    The variant (``pre1958`` or ``1958``, MAR-0) follows the exercise's regime unless given.
    """
    variant = marriage_validate(
        exercise=exercise, man=man, woman=woman, work_unit=work_unit, copies=copies,
        woman_crossed_illegally=woman_crossed_illegally, variant=variant,
    )
    illegal = woman_crossed_illegally
    case = MarriageCase(
        exercise=exercise,
        title=f"{man.name} and {woman.name}",
        man=man,
        woman=woman,
        work_unit=work_unit,
        copies=copies,
        variant=variant,
        woman_crossed_illegally=illegal,
        woman_has_work_in_dprk=woman_has_work_in_dprk,
        man_can_find_work_in_dprk=man_can_find_work_in_dprk,
        state=MarriageState.ILLEGAL_ENTRY if illegal else MarriageState.FILED,
    )
    return case_open(
        case=case,
        actor=actor,
        office_kind=OfficeKind.COUNTY_PSB if illegal else OfficeKind.WORK_UNIT,
        rules=("MAR-9",) if illegal else ("MAR-4", "MAR-0") if variant == "pre1958" else ("MAR-4",),
        note=note,
    )


def marriage_validate(
    *,
    exercise: Exercise,
    man: Person,
    woman: Person,
    work_unit: Office,
    copies: int,
    woman_crossed_illegally: bool,
    variant: str,
) -> str:
    """Check a marriage filing against D2 and return the procedure variant it will follow."""
    if {man.exercise_id, woman.exercise_id, work_unit.exercise_id} != {exercise.pk}:
        raise ApplicationError("The man, the woman and the work unit must all belong to this exercise.")
    if man.sex != Sex.MALE or man.nationality not in (Nationality.HAN, Nationality.CN_KOREAN):
        raise ApplicationError("D2 concerns a Chinese man: choose a male Chinese citizen as the man.")
    if woman.sex != Sex.FEMALE or woman.nationality != Nationality.DPRK:
        raise ApplicationError("D2 concerns a Korean woman: choose a female DPRK citizen as the woman.")
    if work_unit.kind != OfficeKind.WORK_UNIT:
        raise ApplicationError("The application goes to the man's work unit: choose a work-unit office.")
    if copies != 2 and not woman_crossed_illegally:
        raise ApplicationError("MAR-4: the application is one form in two copies; bring both copies.")
    variant = variant or exercise.regime_obj.param("marriage_variant", "1958")
    if variant not in ("pre1958", "1958"):
        raise ApplicationError("The procedure variant must be 'pre1958' or '1958' (MAR-0).")
    return variant
