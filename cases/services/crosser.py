"""Illegal-crosser services: open a case from an interception, the other side's notification or a refused
or unrecorded crossing, and the typed steps that need input checked (RET-1 ... RET-12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cases.choices import Nationality, OfficeKind
from cases.errors import ApplicationError
from cases.models import CrosserCase, CrosserState, Exercise, Person
from cases.models.crosser import CrossingCause, CrossingDirection, CrossingSource, check_handover_point
from cases.regimes import REGIMES
from cases.services.steps import case_open, case_transition

CHINESE_RESIDENTS = frozenset({Nationality.HAN, Nationality.CN_KOREAN, Nationality.KOREAN_IN_CHINA})


def crosser_build(
    *,
    exercise: Exercise,
    person: Person,
    direction: str,
    source: str,
    source_reference: str = "",
    crossing_place: str = "",
    crossed_at: dt.datetime | None = None,
    returned_from_dprk: bool = False,
    settled_by_dprk: bool = False,
    wants_to_return: bool = False,
    regime: str = "",
) -> tuple[CrosserCase, str]:
    """Check and build (unsaved) an illegal-crosser case; return it and the office kind that files it.

    :func:`crosser_report` files one; a pack load files many at once (cases.services.bulk_open).
    The case: an illegal crosser (PER-10 hands such people to this procedure; RET-5 starts with identity).

    ``source_reference`` is free text naming the record the case comes from (a permits-app crossing
    record, an interception report, the other side's notification). The other side's notification is
    filed by the Border Area Representative, everything else by the border work station. ``regime``
    (default: the exercise's) picks the policy line the case runs under (RET-9, RET-10, RET-12).
    """
    if regime and regime not in REGIMES:
        raise ApplicationError(f"Unknown policy regime {regime!r}.")
    if person.exercise_id != exercise.pk:
        raise ApplicationError("The person must belong to this exercise.")
    if direction not in CrossingDirection.values:
        raise ApplicationError("Say which way he crossed: into China, into the DPRK, or stopped at the border.")
    if source not in CrossingSource.values:
        raise ApplicationError("Say how the case came in (interception, notification, refused or unrecorded crossing).")
    if direction == CrossingDirection.INTERCEPTED and source == CrossingSource.NOTIFICATION:
        raise ApplicationError("Someone stopped on the Chinese side is not reported by the other side.")
    if returned_from_dprk and direction != CrossingDirection.INBOUND:
        raise ApplicationError("Only someone crossing into China can be a resident coming back from the DPRK.")
    if direction == CrossingDirection.INBOUND and not returned_from_dprk and person.nationality != Nationality.DPRK:
        raise ApplicationError(
            "RET-2 concerns DPRK citizens crossing into China; for a Chinese resident coming back, tick "
            "'coming back from the DPRK'."
        )
    if (direction != CrossingDirection.INBOUND or returned_from_dprk) and person.nationality not in CHINESE_RESIDENTS:
        raise ApplicationError("RET-1 concerns residents of China; choose a person who lives in China.")
    if direction != CrossingDirection.OUTBOUND and (settled_by_dprk or wants_to_return):
        raise ApplicationError("'Settled by the DPRK' and 'wants to come back' apply only to crossers into the DPRK.")
    label = str(CrossingDirection(direction).label)
    case = CrosserCase(
        exercise=exercise,
        # Lower-case the first letter only: "crossed into China", not "crossed into china".
        title=f"{person.name}: {label[:1].lower()}{label[1:]}",
        person=person,
        variant=direction,
        source=source,
        source_reference=source_reference.strip(),
        crossing_place=crossing_place.strip(),
        crossed_at=crossed_at,
        returned_from_dprk=returned_from_dprk,
        settled_by_dprk=settled_by_dprk,
        wants_to_return=wants_to_return,
        regime=regime,
        state=CrosserState.REPORTED,
    )
    office = OfficeKind.BORDER_REPRESENTATIVE if source == CrossingSource.NOTIFICATION else OfficeKind.BORDER_STATION
    return case, office


def crosser_report(
    *,
    exercise: Exercise,
    person: Person,
    direction: str,
    source: str,
    actor: Any,
    source_reference: str = "",
    crossing_place: str = "",
    crossed_at: dt.datetime | None = None,
    returned_from_dprk: bool = False,
    settled_by_dprk: bool = False,
    wants_to_return: bool = False,
    regime: str = "",
    note: str = "",
) -> CrosserCase:
    """Open an illegal-crosser case (PER-10 hands such people to this procedure; RET-5 starts with identity).

    ``source_reference`` is free text naming the record the case comes from (a permits-app crossing
    record, an interception report, the other side's notification). The other side's notification is
    filed by the Border Area Representative, everything else by the border work station. ``regime``
    (default: the exercise's) picks the policy line the case runs under (RET-9, RET-10, RET-12).
    """
    case, office = crosser_build(
        exercise=exercise, person=person, direction=direction, source=source, source_reference=source_reference,
        crossing_place=crossing_place, crossed_at=crossed_at, returned_from_dprk=returned_from_dprk,
        settled_by_dprk=settled_by_dprk, wants_to_return=wants_to_return, regime=regime)
    return case_open(case=case, actor=actor, office_kind=office, rules=case.filing_rules(), note=note)


def crosser_record_identity(
    *, case: CrosserCase, actor: Any, identity_details: str, circumstances: str, crossing_cause: str, note: str = ""
) -> CrosserCase:
    """Record identity, circumstances and cause of the crossing (RET-5, RET-4)."""
    if crossing_cause not in CrossingCause.values:
        raise ApplicationError("Choose the cause of the crossing from the list.", rules=("RET-4",))
    return case_transition(
        case=case, transition="record_identity", actor=actor, note=note,
        data={"identity_details": identity_details, "circumstances": circumstances, "crossing_cause": crossing_cause},
    )  # type: ignore[return-value]


def crosser_check(
    *, case: CrosserCase, actor: Any, home_case: bool, crime_after_crossing: bool, note: str = ""
) -> CrosserCase:
    """Record the crime and pending-case check (RET-3, RET-6, RET-5): a crosser wanted at home goes to
    the ``wanted`` state, from which he can only be sent back (or, by agreement, tried here)."""
    return case_transition(
        case=case, transition="record_home_case" if home_case else "check_record", actor=actor, note=note,
        data={"crime_after_crossing": bool(crime_after_crossing)},
    )  # type: ignore[return-value]


def crosser_hand_over(*, case: CrosserCase, actor: Any, handover_point: str, note: str = "") -> CrosserCase:
    """Hand the crosser to the other side at an agreed point with his identity papers (RET-5, RET-7)."""
    check_handover_point(handover_point)
    transition = "hand_over_to_dprk" if case.variant == CrossingDirection.INBOUND else "hand_over_to_china"
    return case_transition(
        case=case, transition=transition, actor=actor, note=note, data={"handover_point": handover_point}
    )  # type: ignore[return-value]


def crosser_confirm_return(*, case: CrosserCase, actor: Any, note: str = "") -> CrosserCase:
    """Confirm the receiving side took him over (RET-7)."""
    transition = "confirm_receipt" if case.variant == CrossingDirection.INBOUND else "receive_from_dprk"
    return case_transition(case=case, transition=transition, actor=actor, note=note)  # type: ignore[return-value]
