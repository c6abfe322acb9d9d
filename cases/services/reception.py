"""Reception-station services: a crosser from China arrives at a DPRK reception station (RET-13)."""

from __future__ import annotations

from typing import Any

from cases.choices import OfficeKind
from cases.errors import ApplicationError
from cases.models import CrosserCase, Exercise, Person, ReceptionCase, ReceptionState
from cases.services.crosser import CHINESE_RESIDENTS
from cases.services.steps import case_open, case_transition


def reception_arrive(
    *,
    exercise: Exercise,
    person: Person,
    actor: Any,
    station: str = "Hoeryong",
    has_diploma: bool = False,
    crosser_case: CrosserCase | None = None,
    note: str = "",
) -> ReceptionCase:
    """Register a crosser from China at a reception station; the files check comes first (RET-13)."""
    if person.exercise_id != exercise.pk:
        raise ApplicationError("The person must belong to this exercise.")
    if person.nationality not in CHINESE_RESIDENTS:
        raise ApplicationError("RET-13: reception stations took in crossers coming from China.", rules=("RET-13",))
    if not station.strip():
        raise ApplicationError("Name the reception station.", rules=("RET-13",))
    if crosser_case is not None and (crosser_case.exercise_id != exercise.pk or crosser_case.person_id != person.pk):
        raise ApplicationError("The crosser case must be this person's, in this exercise.")
    case = ReceptionCase(
        exercise=exercise,
        title=f"{person.name} at {station.strip()}",
        person=person,
        station=station.strip(),
        has_diploma=has_diploma,
        crosser_case=crosser_case,
        state=ReceptionState.ARRIVED,
    )
    return case_open(case=case, actor=actor, office_kind=OfficeKind.DPRK_RECEPTION, rules=("RET-13",), note=note)


def reception_issue_funds(
    *, case: ReceptionCase, actor: Any, travel_funds_won: int, ration_coupons: int, note: str = ""
) -> ReceptionCase:
    """Give travel funds and ration coupons and begin the fifteen days' quarantine (RET-13)."""
    if int(travel_funds_won) <= 0 or int(ration_coupons) <= 0:
        raise ApplicationError("RET-13: give both travel funds (won) and ration coupons.", rules=("RET-13",))
    return case_transition(
        case=case, transition="issue_funds_and_coupons", actor=actor, note=note,
        data={"travel_funds_won": int(travel_funds_won), "ration_coupons": int(ration_coupons)},
    )  # type: ignore[return-value]
