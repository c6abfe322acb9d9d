"""Change the border region of an exercise and notify the other side (PER-2, D10 Art. 6)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cases.choices import DPRK_OFFICE_KINDS, OfficeKind
from cases.engine import memberships_of
from cases.errors import ApplicationError
from cases.models import Exercise, Office
from permits.models import BorderCounty, BorderRegionChange
from permits.selectors import county_in_region


def border_region_change(
    *,
    exercise: Exercise,
    county: BorderCounty,
    in_region: bool,
    actor: Any,
    notified_to: Office | None = None,
    note: str = "",
) -> BorderRegionChange:
    """Add a county to or remove it from the border region, and record the notice to the other side (PER-2).

    D10 Art. 6: each side notifies the other promptly when the administrative divisions near the
    border change. The change takes effect at the exercise's clock and the notice goes out at once;
    the office notified must be one of the other side's.
    """
    if county_in_region(exercise, county) == in_region:
        where = "already in" if in_region else "already outside"
        raise ApplicationError(f"{county} is {where} the border region of this exercise.")
    own_kinds = {m.office.kind for m in memberships_of(actor, exercise.pk) if m.office is not None}
    facilitator = any(m.is_facilitator for m in memberships_of(actor, exercise.pk))
    if actor is not None and not facilitator and not own_kinds & {OfficeKind.PROVINCIAL_PSB, OfficeKind.MPS,
                                                                    OfficeKind.DPRK_SAFETY}:
        raise ApplicationError("PER-2: a change of the border region is made by the provincial public security "
                               "department or the ministry (or its DPRK counterpart).")
    if notified_to is not None:
        if notified_to.exercise_id != exercise.pk:
            raise ApplicationError("The office notified must belong to this exercise.")
        other_is_dprk = county.side == "CN"
        if (notified_to.kind in DPRK_OFFICE_KINDS) != other_is_dprk:
            raise ApplicationError("PER-2: the notice goes to the other side's authorities.")
    else:
        wanted = OfficeKind.DPRK_SAFETY if county.side == "CN" else OfficeKind.MPS
        notified_to = Office.objects.filter(exercise=exercise, kind=wanted).order_by("id").first()
    notified_by = next((m.office for m in memberships_of(actor, exercise.pk) if m.office is not None), None)
    with transaction.atomic():
        return BorderRegionChange.objects.create(
            exercise=exercise, county=county, in_region=in_region, effective_at=exercise.clock,
            notified_at=exercise.clock, notified_by=notified_by, notified_to=notified_to, note=note,
        )
