"""Corpse services: report a body found in the border region (RET-14)."""

from __future__ import annotations

from typing import Any

from cases.choices import OfficeKind
from cases.errors import ApplicationError
from cases.models import CorpseCase, CorpseState, Exercise
from cases.services.steps import case_open


def corpse_report(
    *, exercise: Exercise, place_found: str, actor: Any, description: str = "", note: str = ""
) -> CorpseCase:
    """Report a body found in the border region; nationality and cause of death come next (RET-14)."""
    if not place_found.strip():
        raise ApplicationError("RET-14: say where the body was found.", rules=("RET-14",))
    case = CorpseCase(
        exercise=exercise,
        title=f"Body found: {place_found.strip()}",
        place_found=place_found.strip(),
        description=description.strip(),
        state=CorpseState.FOUND,
    )
    return case_open(case=case, actor=actor, office_kind=OfficeKind.BORDER_STATION, rules=("RET-14",), note=note)
