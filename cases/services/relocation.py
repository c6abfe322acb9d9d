"""Services of the 1959 organised relocation (AUT-12): open the provinces' quotas, debrief against R1959."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.choices import OfficeKind
from cases.errors import ApplicationError
from cases.models import Exercise, RelocationQuota, RelocationState
from cases.relocation_1959 import (
    R1959_PROVINCES,
    R1959_TOTAL_HOUSEHOLDS,
    R1959_TOTAL_PEOPLE,
)
from cases.services.steps import case_open


def relocation_open_quota(
    *, exercise: Exercise, province: str, actor: Any, control_households: int | None = None, note: str = ""
) -> RelocationQuota:
    """Set a province's control figure and open its quota (AUT-12); the State Council acts.

    ``control_households`` defaults to R1959's figure (Jilin 7,000; the others assumed, see
    cases/relocation_1959.py). One open quota per province and exercise.
    """
    if province not in R1959_PROVINCES:
        raise ApplicationError(f"AUT-12: the 1959 relocation ran in {', '.join(R1959_PROVINCES)}.")
    figures = R1959_PROVINCES[province]
    control = figures.control_households if control_households is None else control_households
    if not isinstance(control, int) or control <= 0:
        raise ApplicationError("AUT-12: the control figure is a positive number of households.")
    if RelocationQuota.objects.filter(exercise=exercise, province=province, closed_at__isnull=True).exists():
        raise ApplicationError(f"AUT-12: {figures.label} already has an open relocation quota.")
    case = RelocationQuota(
        exercise=exercise,
        title=f"1959 relocation: {figures.label}, {control:,} households planned",
        province=province,
        control_households=control,
        state=RelocationState.FIGURE_SET,
    )
    return case_open(case=case, actor=actor, office_kind=OfficeKind.STATE_COUNCIL, rules=("AUT-12",), note=note)


def relocation_open_campaign(*, exercise: Exercise, actor: Any) -> list[RelocationQuota]:
    """Open the four provinces' quotas of the State Council instruction of 18 January 1959 (AUT-12)."""
    return [relocation_open_quota(exercise=exercise, province=p, actor=actor) for p in R1959_PROVINCES]


@dataclass(frozen=True)
class DebriefRow:
    """One province: what the class did beside what R1959 reports."""

    province: str
    control: int
    applied: int | None
    selected: int | None
    persuaded: int | None
    departed_households: int | None
    departed_people: int | None
    r1959_applied: int | None
    r1959_households: int
    r1959_people: int


def relocation_debrief(exercise: Exercise) -> tuple[list[DebriefRow], dict[str, int]]:
    """Compare the exercise's quotas with R1959, province by province, and total them (AUT-12)."""
    rows = []
    for quota in RelocationQuota.objects.filter(exercise=exercise).order_by("id"):
        fig = R1959_PROVINCES[quota.province]
        rows.append(
            DebriefRow(
                province=fig.label,
                control=quota.control_households,
                applied=quota.applied_households,
                selected=quota.selected_households,
                persuaded=quota.persuaded_households,
                departed_households=quota.departed_households,
                departed_people=quota.departed_people,
                r1959_applied=fig.applied_households,
                r1959_households=fig.sent_households,
                r1959_people=fig.sent_people,
            )
        )
    totals = {
        "households": sum(r.departed_households or 0 for r in rows),
        "people": sum(r.departed_people or 0 for r in rows),
        "r1959_households": R1959_TOTAL_HOUSEHOLDS,
        "r1959_people": R1959_TOTAL_PEOPLE,
    }
    return rows, totals
