"""Stray-property services: a vessel, livestock or poultry of the other side is found (OTH-3)."""

from __future__ import annotations

from typing import Any

from cases.choices import OfficeKind
from cases.errors import ApplicationError
from cases.models import Exercise, StrayCase, StrayState
from cases.models.stray import StrayKind
from cases.services.steps import case_open


def stray_report(
    *,
    exercise: Exercise,
    item_kind: str,
    place_found: str,
    actor: Any,
    quantity: int = 1,
    description: str = "",
    note: str = "",
) -> StrayCase:
    """Report property of the other side found on this side (OTH-3)."""
    if item_kind not in StrayKind.values:
        raise ApplicationError("OTH-3: say what was found: a vessel, livestock, poultry or other property.",
                               rules=("OTH-3",))
    if int(quantity) < 1:
        raise ApplicationError("Give how many were found (at least one).", rules=("OTH-3",))
    if not place_found.strip():
        raise ApplicationError("Say where it was found.", rules=("OTH-3",))
    case = StrayCase(
        exercise=exercise,
        title=f"{StrayKind(item_kind).label} found at {place_found.strip()}",
        item_kind=item_kind,
        quantity=int(quantity),
        place_found=place_found.strip(),
        description=description.strip(),
        state=StrayState.FOUND,
    )
    return case_open(case=case, actor=actor, office_kind=OfficeKind.BORDER_STATION, rules=("OTH-3",), note=note)
