"""Meeting services: appoint representatives (D10 Art. 7), ask for a meeting (MEET-1 ... MEET-3),
issue entry permits (MEET-5) and read whether a resolution is in force (MEET-4).

Steps after the request (consent, the permits, holding, resolution, approvals, notification) go through
``case_transition`` like every procedure's; the permit step through ``meeting_entry_permits_issue``,
which takes it and writes the permit row in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.choices import Side
from cases.engine import acting_office
from cases.errors import ApplicationError
from cases.models import (
    EntryPermit,
    Exercise,
    MeetingCase,
    MeetingKind,
    MeetingState,
    Representative,
    RepresentativeRank,
)
from cases.models.meeting import (
    LEVEL_RANKS,
    NOTICE_TEXT,
    PERMIT_NUMBER_MAX,
    PERMIT_STEPS,
    SENIOR_OFFICE,
    SENIOR_RANKS,
    SIDE_OFFICE,
    notice_deadline,
)
from cases.services.steps import case_open, case_transition
from cases.wording import clip, in_sentence, sentence_start, short_date, with_article

SIDE_NAME = {Side.CHINA: "Chinese", Side.DPRK: "DPRK"}
MINISTER = {Side.CHINA: "PRC Minister of Public Security", Side.DPRK: "DPRK Minister of Social Safety"}


def _other(side: str) -> str:
    return Side.DPRK if side == Side.CHINA else Side.CHINA


def representative_appoint(
    *, exercise: Exercise, side: str, rank: str, name: str, area: str = ""
) -> Representative:
    """Appoint a representative; each side has one Chief and one Deputy Chief (D10 Art. 7)."""
    if side not in Side.values:
        raise ApplicationError("Choose the Chinese or the DPRK side.")
    if rank not in RepresentativeRank.values:
        raise ApplicationError(f"Unknown rank {rank!r}.")
    if not name.strip():
        raise ApplicationError("A representative needs a name.")
    try:
        with transaction.atomic():
            return Representative.objects.create(
                exercise=exercise, side=side, rank=rank, name=name.strip(), area=area.strip()
            )
    except IntegrityError as exc:
        raise ApplicationError(
            f"D10 Art. 7: the {SIDE_NAME[side]} side already has a {RepresentativeRank(rank).label}."
        ) from exc


def representative_set_available(*, representative: Representative, available: bool) -> Representative:
    """Record whether a representative can carry out their tasks (the Deputy acts otherwise, D10 Art. 8(2))."""
    Representative.objects.filter(pk=representative.pk).update(available=available)
    representative.available = available
    return representative


def representative_acting(*, exercise: Exercise, side: str, kind: str) -> Representative:
    """Return who acts for ``side`` at a meeting of ``kind``: the Chief, or the Deputy when the Chief cannot."""
    reps = Representative.objects.filter(exercise=exercise, side=side, rank__in=LEVEL_RANKS[kind], available=True)
    order = {r: i for i, r in enumerate((RepresentativeRank.MINISTRY, RepresentativeRank.CHIEF,
                                          RepresentativeRank.DEPUTY_CHIEF, RepresentativeRank.REPRESENTATIVE))}
    found = sorted(reps, key=lambda r: (order[r.rank], r.pk))
    if not found:
        raise ApplicationError(
            f"The {SIDE_NAME[side]} side has no representative available for "
            f"{with_article(in_sentence(MeetingKind(kind).label))}."
        )
    return found[0]


def _next_host(exercise: Exercise, requesting_side: str) -> str:
    """MEET-3: the venue alternates; the first meeting is hosted by the side asking (assumption)."""
    last = (
        MeetingCase.objects.filter(exercise=exercise)
        .exclude(state__in=[MeetingState.DECLINED, MeetingState.LAPSED])
        .order_by("-scheduled_for", "-id")
        .values_list("host_side", flat=True)
        .first()
    )
    return requesting_side if last is None else _other(last)


def _notice(kind: str) -> str:
    """Return the notice a kind of meeting needs as a sentence says it ("one month's notice", "15 days' notice")."""
    period = NOTICE_TEXT[kind]
    return f"{period}' notice" if period.endswith("s") else f"{period}'s notice"


def meeting_request(
    *,
    exercise: Exercise,
    actor: Any,
    kind: str,
    requesting_side: str,
    scheduled_for: dt.datetime,
    place: str,
    subject: str,
    requested_by: Representative | None = None,
    counterpart: Representative | None = None,
    emergency: bool = False,
    emergency_agreed: bool = False,
    note: str = "",
) -> MeetingCase:
    """Ask the other side for a meeting with time, place and subject (MEET-1).

    Refuse when the notice is shorter than MEET-2 requires, unless it is an emergency agreed by both
    sides. The host side follows the alternation of MEET-3 and its representative chairs.
    """
    exercise = Exercise.objects.get(pk=exercise.pk)
    if kind not in MeetingKind.values:
        raise ApplicationError(f"Unknown kind of meeting {kind!r}.")
    if requesting_side not in Side.values:
        raise ApplicationError("Choose the side asking for the meeting: Chinese or DPRK.")
    if not place.strip() or not subject.strip():
        raise ApplicationError("MEET-1: the request must give the time, the place and the subject.")
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    now = exercise.clock
    if scheduled_for <= now:
        raise ApplicationError("The meeting must be set for a time after today's simulated date.")
    earliest = notice_deadline(kind, now)
    if scheduled_for < earliest:
        days = (scheduled_for - now).days
        if not emergency:
            raise ApplicationError(
                f"MEET-2: {with_article(in_sentence(MeetingKind(kind).label))} needs {_notice(kind)}; "
                f"{short_date(timezone.localtime(scheduled_for))} is only {days} day(s) away. Set it on or after "
                f"{short_date(timezone.localtime(earliest))}, or mark it an emergency agreed by both sides.",
                rules=("MEET-2",),
            )
        if not emergency_agreed:
            raise ApplicationError(
                "MEET-2: an emergency meeting at short notice may be held only by mutual agreement; "
                "record that the other side agreed.",
                rules=("MEET-2",),
            )
    other = _other(requesting_side)
    levels = LEVEL_RANKS[kind]
    if requested_by is None:
        requested_by = representative_acting(exercise=exercise, side=requesting_side, kind=kind)
    if counterpart is None:
        counterpart = representative_acting(exercise=exercise, side=other, kind=kind)
    for rep, side in ((requested_by, requesting_side), (counterpart, other)):
        if rep.exercise_id != exercise.pk or rep.side != side or rep.rank not in levels:
            raise ApplicationError(
                f"{sentence_start(with_article(in_sentence(MeetingKind(kind).label)))} is held between "
                f"representatives of the rank {' or '.join(RepresentativeRank(r).label for r in levels)}; {rep} "
                f"does not fit on the {SIDE_NAME[side]} side."
            )
        if not rep.available:
            raise ApplicationError(f"{rep} cannot act now; D10 Art. 8(2): the Deputy takes charge.")
    host = _next_host(exercise, requesting_side)
    case = MeetingCase(
        exercise=exercise,
        title=f"{MeetingKind(kind).label}: {clip(subject.strip(), 120)}",
        meeting_kind=kind,
        requesting_side=requesting_side,
        host_side=host,
        scheduled_for=scheduled_for,
        place=place.strip(),
        subject=subject.strip(),
        emergency=emergency,
        emergency_agreed=emergency and emergency_agreed,
        requested_by=requested_by,
        counterpart=counterpart,
        chair=requested_by if requested_by.side == host else counterpart,
        variant=f"{requesting_side.lower()}_{host.lower()}",
        state=MeetingState.REQUESTED,
    )
    return case_open(
        case=case, actor=actor, office_kind=SIDE_OFFICE[requesting_side], rules=("MEET-1", "MEET-2", "MEET-3"),
        note=note,
    )


def _permit_issuer(meeting: MeetingCase, representative: Representative) -> tuple[str, Representative | None]:
    """Return who signs ``representative``'s entry permit, as text, and the representative who does (MEET-5).

    A Chief or Deputy Chief Representative's permit is their minister's; a county Representative's their
    side's Chief Representative's (the Deputy when the Chief cannot act, D10 Art. 8(2)).
    """
    side = representative.side
    if representative.rank in SENIOR_RANKS:
        return MINISTER[side], None
    if representative.rank == RepresentativeRank.REPRESENTATIVE:
        issuer = representative_acting(exercise=meeting.exercise, side=side, kind=MeetingKind.CHIEF)
        return f"{issuer.name}, {issuer.get_rank_display()}", issuer
    raise ApplicationError("MEET-5 covers the border representatives; ministry representatives are not in it.")


def permit_step(meeting: MeetingCase) -> str | None:
    """Return the step that issues this meeting's visitor's entry permit, or None if nobody needs one (MEET-5).

    The visitor is the side that does not host (MEET-3). The DPRK side's one office signs for its minister and
    its Chief Representative alike; on the Chinese side the ministry signs for a Chief or Deputy Chief, the
    border representative office (the Chief Representative) for a county Representative.
    """
    visitors = [r for r in meeting.visitors() if r.rank != RepresentativeRank.MINISTRY]
    if not visitors:
        return None
    if meeting.host_side == Side.CHINA:
        return "issue_permit_kp"
    return "issue_permit_cn_minister" if visitors[0].rank in SENIOR_RANKS else "issue_permit_cn_chief"


def meeting_entry_permits_issue(
    *,
    meeting: MeetingCase,
    actor: Any,
    entry_permit_number: str,
    note: str = "",
    transition: str | None = None,
    at: dt.datetime | None = None,
) -> MeetingCase:
    """Issue the visiting representatives' entry permits for an agreed meeting (MEET-5, D10 Art. 9(4)).

    The permit step (``permit_step``) goes through ``case_transition``, which checks on the server that
    ``actor`` holds the office that signs the permit, that the meeting is agreed and still needs it, and
    the number; its event is the permit's audit row. In the same transaction each visitor gets an
    ``EntryPermit`` naming who signed it. ``actor`` None is the system (the autopilot playing an office no
    student holds), which may date the step ``at`` its own time. ``transition`` names the permit step a page
    asked for (default: this meeting's, ``permit_step``); the step's own checks then decide.
    """
    try:
        fresh = MeetingCase.objects.select_related("exercise", "requested_by", "counterpart").get(pk=meeting.pk)
    except MeetingCase.DoesNotExist as exc:
        raise ApplicationError("This meeting no longer exists.") from exc
    if transition is not None and transition not in PERMIT_STEPS:
        raise ApplicationError(f"{transition!r} is not a step that issues entry permits (MEET-5).")
    transition = transition or permit_step(fresh)
    if transition is None:
        raise ApplicationError(
            "MEET-5: nobody visiting this meeting needs an entry permit (ministry representatives are not in it).",
            rules=("MEET-5",),
        )
    system = actor is None
    with transaction.atomic():
        visitors = fresh.visitors_without_permit()
        case: MeetingCase = case_transition(  # type: ignore[assignment]
            case=fresh, transition=transition, actor=actor, note=note, system=system, at=at if system else None,
            data={"entry_permit_number": entry_permit_number},
        )
        # One visitor per meeting (the participants are of opposite sides); any further one gets a numbered copy.
        for index, rep in enumerate(visitors):
            issued_by, issuer = _permit_issuer(case, rep)
            number = case.entry_permit_number if index == 0 else f"{case.entry_permit_number}/{index + 1}"
            try:
                with transaction.atomic():
                    EntryPermit.objects.create(
                        meeting=case, representative=rep, issued_by=issued_by, issuer=issuer,
                        number=number[:PERMIT_NUMBER_MAX], issued_at=case.state_since,
                    )
            except IntegrityError as exc:
                raise ApplicationError(f"MEET-5: {rep.name} already holds a permit for this meeting.") from exc
    return case


def meeting_permit_issue(
    *, meeting: MeetingCase, representative: Representative, actor: Any, number: str
) -> EntryPermit:
    """Issue one visiting representative's entry permit for the meeting (MEET-5): the permit step for him.

    A Chief or Deputy Chief Representative's permit comes from their minister; a Representative's from
    their side's Chief Representative (the Deputy when the Chief cannot act). ``actor`` None is the system.
    The checks here name the representative; ``meeting_entry_permits_issue`` takes the step itself.
    """
    meeting = MeetingCase.objects.select_related("exercise", "requested_by", "counterpart").get(pk=meeting.pk)
    if not number.strip():
        raise ApplicationError("MEET-5: give the permit's number.")
    if representative.pk not in (meeting.requested_by_id, meeting.counterpart_id):
        raise ApplicationError("MEET-5: permits are for the representatives taking part in this meeting.")
    if representative.side == meeting.host_side:
        raise ApplicationError(
            f"MEET-5: {representative.name} meets on their own side's territory and needs no entry permit."
        )
    if meeting.state != MeetingState.CONSENTED:
        raise ApplicationError(
            "MEET-5: permits are issued for an agreed meeting: once the other side has consented (MEET-1) and "
            "before the meeting is held."
        )
    issued_by, _issuer = _permit_issuer(meeting, representative)
    office_kind = SENIOR_OFFICE[representative.side] if representative.rank in SENIOR_RANKS \
        else SIDE_OFFICE[representative.side]
    # ``actor`` None is the system (the autopilot playing an office no student holds).
    if actor is not None and acting_office(actor, meeting, office_kind) is None:
        raise ApplicationError(
            f"MEET-5: {representative.name}'s permit is issued by the {issued_by}; "
            "you do not hold that office in this exercise.",
            rules=("MEET-5",),
        )
    if representative not in meeting.visitors_without_permit():
        raise ApplicationError(f"MEET-5: {representative.name} already holds a permit for this meeting.")
    meeting_entry_permits_issue(meeting=meeting, actor=actor, entry_permit_number=number)
    return EntryPermit.objects.get(meeting=meeting, representative=representative)


def meeting_resolution_in_force(*, meeting: MeetingCase, on: dt.datetime) -> bool:
    """Return whether the meeting's resolution is in force on ``on`` (MEET-4: from mutual notification)."""
    meeting = MeetingCase.objects.get(pk=meeting.pk)
    return (
        meeting.state == MeetingState.EFFECTIVE
        and meeting.effective_from is not None
        and on >= meeting.effective_from
    )
