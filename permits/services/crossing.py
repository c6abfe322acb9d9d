"""Record crossings at the points: let through, or refuse with a reason and a recorded attempt.

PER-8 (hours, unless the other side's inspection body consents), PER-9 (agreed point, valid permit),
PER-2 (inside the border region), PER-10 (no valid document or a point not named in it: an illegal
border crosser, for the returns procedure), PER-12 (a return closes the follow-up).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from cases.choices import OfficeKind, Side
from cases.engine import memberships_of
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, DeadlineStatus, EventKind, Exercise, Office, Person
from cases.models.crosser import CrossingDirection, CrossingSource
from cases.services.crosser import crosser_report
from cases.services.steps import case_transition
from cases.wording import in_sentence
from permits.models import (
    BorderCounty,
    Crossing,
    CrossingPoint,
    Direction,
    IllegalCrossingRecord,
    IllegalCrossingStatus,
    IllegalGround,
    Outcome,
    PermitCase,
    PermitState,
)
from permits.selectors import county_in_region, within_hours


class CrossingRefused(ApplicationError):
    """The inspection refused a crossing; the attempt (and any illegal-crossing record) is saved.

    Raised after the attempt is committed: a caller that wraps crossing_record in its own atomic block
    and lets this propagate out of it would roll the record back, so catch it inside.
    """

    def __init__(self, message: str, *, rules: tuple[str, ...], crossing: Crossing) -> None:
        super().__init__(message, rules=rules)
        self.crossing = crossing


def inspection_office(actor: Any, exercise: Exercise) -> Office | None:
    """Return the border defence office the actor records crossings for (any one, for the teacher), or None (PER-9).

    The one check of who records a crossing: the service refuses anyone else, and the case page offers
    its crossing form only to those it returns an office for.
    """
    members = memberships_of(actor, exercise.pk)
    for m in members:
        if m.office is not None and m.office.kind == OfficeKind.BORDER_DEFENCE:
            return m.office
    if any(m.is_facilitator for m in members):
        return Office.objects.filter(exercise=exercise, kind=OfficeKind.BORDER_DEFENCE).order_by("id").first()
    return None


def _cancel_pending(case: PermitCase, kinds: tuple[str, ...]) -> None:
    """Cancel the case's pending deadlines of ``kinds``: the event they waited for has happened (PER-12)."""
    Deadline.objects.filter(case=case, status=DeadlineStatus.PENDING, kind__in=kinds).update(
        status=DeadlineStatus.CANCELLED
    )


def crossing_record(
    *,
    exercise: Exercise,
    person: Person,
    point: CrossingPoint,
    direction: str,
    actor: Any,
    permit: PermitCase | None = None,
    destination: BorderCounty | None = None,
    other_side_consent: bool = False,
    consent_by: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> Crossing:
    """Record an exit from or return to China at ``point`` now, and move the permit case along.

    Return the crossing when let through. When refused, save the attempt (and for PER-10 an
    IllegalCrossingRecord), then raise CrossingRefused with the reason. Bad input raises
    ApplicationError and records nothing. ``actor`` None is the system; a user must hold the border
    defence office (the inspection post) or run the exercise. ``at`` (system only, not after the clock)
    dates the crossing at a simulated moment the clock has just passed, as the autopilot does for the
    holders it plays; every check (hours, point, validity) is made at that moment.
    """
    exercise = Exercise.objects.get(pk=exercise.pk)  # the clock as the teacher has set it now
    if exercise.paused:
        raise ApplicationError("The exercise is paused by the teacher; no crossing can be recorded now.")
    if direction not in Direction.values:
        raise ApplicationError(f"Unknown direction {direction!r}: exit or return.")
    if person.exercise_id != exercise.pk:
        raise ApplicationError("The traveller must belong to this exercise.")
    if permit is not None and (permit.exercise_id != exercise.pk or permit.applicant_id != person.pk):
        raise ApplicationError(f"Permit {permit.reference} is not {person}'s.")
    if other_side_consent and not consent_by.strip():
        raise ApplicationError("PER-8: name the other side's inspection body that consented.")
    office = None
    if actor is not None:
        office = inspection_office(actor, exercise)
        if office is None:
            raise ApplicationError("PER-9: crossings are recorded by the border inspection (border defence) office, "
                                   "and you do not hold it in this exercise.")
    if direction == Direction.EXIT and destination is None:
        destination = permit.destination_county if permit is not None else point.kp_county
    if destination is not None and destination.side != Side.DPRK:
        raise ApplicationError("The destination of an exit is a county on the DPRK side.")
    if permit is not None:
        permit = PermitCase.objects.get(pk=permit.pk)  # the state as it is now
        if direction == Direction.EXIT and permit.state in (PermitState.ABROAD, PermitState.OVERDUE):
            raise ApplicationError(f"{person} is already recorded as across the border on {permit.reference}.")
        if direction == Direction.RETURN and permit.state == PermitState.ISSUED:
            raise ApplicationError(f"No exit is on record for {person} on {permit.reference}; nothing to return from.")

    now = exercise.clock
    if at is not None:
        if actor is not None:
            raise ApplicationError("Only the system dates a crossing in the past; a crossing is recorded now.")
        if at > now:
            raise ApplicationError("A crossing cannot be recorded ahead of the exercise clock.")
        now = at
    refusal = _refusal(exercise, point, direction, permit, destination, other_side_consent, now)
    crossing = Crossing(
        exercise=exercise, person=person, permit=permit, point=point, direction=direction, destination=destination,
        at=now, other_side_consent=other_side_consent, consent_by=consent_by.strip(), office=office, actor=actor,
        note=note,
    )
    if refusal is not None:
        message, rules, ground = refusal
        with transaction.atomic():
            crossing.outcome, crossing.message, crossing.rules = Outcome.REFUSED, message, ",".join(rules)
            crossing.save()
            if ground is not None:
                IllegalCrossingRecord.objects.create(
                    exercise=exercise, person=person, crossing=crossing, permit=permit, ground=ground, at=now,
                    rules=",".join(rules), note=message,
                )
            if permit is not None:
                CaseEvent.objects.create(
                    case=permit, exercise=exercise, kind=EventKind.NOTE,
                    label=f"Crossing refused at {point} ({in_sentence(crossing.get_direction_display())})",
                    actor=actor, office=office, sim_time=now, rules=",".join(rules), note=message,
                )
        raise CrossingRefused(message, rules=rules, crossing=crossing)

    with transaction.atomic():
        crossing.outcome = Outcome.ALLOWED
        crossing.rules = "PER-9,PER-8"
        crossing.save()
        if permit is not None:
            if direction == Direction.RETURN and permit.state == PermitState.ABROAD and permit.expires_at <= now:
                # Back after expiry before the sweep caught it: overdue first, so the late return shows (PER-12).
                permit = case_transition(case=permit, transition="set_overdue", actor=None, system=True, at=now)
            step = _step_for(permit, direction)
            case_transition(case=permit, transition=step, actor=actor, system=actor is None,
                            note=f"{crossing.get_direction_display()} at {point}" + (f"; {note}" if note else ""),
                            at=now if actor is None else None)
            if direction == Direction.EXIT:
                _cancel_pending(permit, ("expiry",))
            else:
                _cancel_pending(permit, ("overdue_return",))
    return crossing


def _step_for(permit: PermitCase, direction: str) -> str:
    if direction == Direction.EXIT:
        return "record_exit"
    if permit.state == PermitState.OVERDUE:
        return "record_late_return"
    return "record_official_return" if permit.variant == "official" else "record_return"


def _refusal(
    exercise: Exercise,
    point: CrossingPoint,
    direction: str,
    permit: PermitCase | None,
    destination: BorderCounty | None,
    consent: bool,
    now: dt.datetime,
) -> tuple[str, tuple[str, ...], str | None] | None:
    """Return (message, rules, illegal ground or None) when the crossing at ``now`` must be refused, else None."""
    # PER-8: the crossing hours are the 1964 Protocol's (D10 Art. 3(4)); the 1955 records' hours are not in the
    # sources, so before D10 no hours are enforced (assumption, noted on the crossing).
    from cases.rules.in_force import exercise_rule_date, in_force

    hours_apply = in_force("PER-8", exercise_rule_date(exercise, permit.regime if permit is not None else None, now))
    ok, season = within_hours(now) if hours_apply else (True, None)
    if not ok and not consent and season is not None:
        return (
            f"PER-8: the crossing is closed. {season.label}: {season.opens:%H:%M}-{season.closes:%H:%M} Beijing time "
            f"({season.pyongyang_label}). Outside these hours only with the consent of the other side's inspection "
            f"body ({point.kp_inspection_body}).",
            ("PER-8",),
            None,
        )
    if permit is None:
        return (f"PER-10: no permit was shown at {point}: treated as an illegal border crosser.",
                ("PER-10", "PER-9"), IllegalGround.NO_PERMIT)
    usable = {PermitState.ISSUED} if direction == Direction.EXIT else {PermitState.ABROAD, PermitState.OVERDUE}
    if permit.state not in usable or (direction == Direction.EXIT and (permit.expires_at is None
                                                                        or now >= permit.expires_at)):
        why = "has expired" if permit.expires_at and now >= permit.expires_at else "is not a valid permit now"
        return (f"PER-10: {permit.permit_number or permit.reference} {why} ({permit.state_label()}): "
                "treated as an illegal border crosser.", ("PER-10", "PER-9"), IllegalGround.INVALID_PERMIT)
    if point.pk != permit.crossing_point_id:
        return (f"PER-10: permit {permit.permit_number} names {permit.crossing_point}, not {point}: "
                "treated as an illegal border crosser.", ("PER-10", "PER-9"), IllegalGround.UNNAMED_POINT)
    if direction == Direction.EXIT:
        outside = [c for c in (permit.home_county, destination) if c is not None and not county_in_region(exercise, c)]
        if outside:
            return (f"PER-2: the permit is valid only inside the border region; {outside[0]} is outside it.",
                    ("PER-2", "PER-10"), IllegalGround.OUTSIDE_REGION)
    return None


def illegal_crossing_take_up(*, record: IllegalCrossingRecord, actor: Any, note: str = "") -> Case:
    """Open the returns procedure's illegal-crosser case for a PER-10 record and mark the record taken up.

    A refused exit means the traveller was stopped on the Chinese side; a refused return is a resident
    coming back from the DPRK at a point (or on papers) the permit does not cover (PER-10, RET-5).
    """
    with transaction.atomic():
        record = IllegalCrossingRecord.objects.select_for_update().select_related("crossing__point", "person").get(
            pk=record.pk)
        if record.status != IllegalCrossingStatus.OPEN:
            raise ApplicationError(f"This record was already taken up by {record.taken_up_by}.")
        crossing = record.crossing
        coming_back = crossing.direction == Direction.RETURN
        case = crosser_report(
            exercise=record.exercise, person=record.person, actor=actor,
            direction=CrossingDirection.INBOUND if coming_back else CrossingDirection.INTERCEPTED,
            returned_from_dprk=coming_back, source=CrossingSource.REFUSED_CROSSING,
            source_reference=f"Crossing record {crossing.pk}: {record.get_ground_display()} (PER-10)",
            crossing_place=crossing.point.name, crossed_at=crossing.at,
            note=note or record.note,
        )
        record.status = IllegalCrossingStatus.TAKEN_UP
        record.taken_up_by = case
        record.save(update_fields=["status", "taken_up_by"])
    return case
