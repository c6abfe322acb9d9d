"""Moving an exercise's time: the one service every entry point calls.

:func:`time_move` moves the clock by days or to a date (the console, the Clock page, the
``advance_clock`` command); :func:`fast_forward` is a move by days; :func:`time_pace_tick` is beat's
pace. On the way it fires, in time order, the pack's timed events, the deadlines falling due and,
when it is on, the autopilot for the offices no student holds. The whole move is checked before
anything is written, and it runs in one transaction that starts with a claim on the exercise row
(a compare-and-set against the clock the caller saw): two pages submitting at once move time once,
and a move that fails half-way changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.classroom.autopilot import autopilot_fly, autopilot_on
from cases.classroom.planner import RunReport
from cases.classroom.timeline import _walk_clock
from cases.errors import ApplicationError
from cases.models import ClockMoveSource, Exercise, ExerciseEventKind
from cases.services.clock import clock_pace_target, clock_target
from cases.services.exercise_events import exercise_actor_check, exercise_event_record
from cases.wording import short_date

logger = logging.getLogger(__name__)

FAST_FORWARD_MAX_DAYS = 3660


def time_move_check(exercise: Exercise, *, days: int | None = None, to: dt.date | dt.datetime | None = None,
                    seen_clock: dt.datetime | None = None) -> dt.datetime:
    """Refuse what a time move of ``exercise`` as it stands would refuse; return where it would take the clock.

    :func:`time_move` asks it under the row lock; a page asks it first, so that a move that cannot be made
    is refused before anything is queued: the page shown with another clock, a paused exercise, a move
    backwards, of nothing, or beyond the end of the simulation (:func:`cases.services.clock.clock_target`).
    """
    if seen_clock is not None and seen_clock != exercise.clock:
        now = timezone.localtime(exercise.clock)
        raise ApplicationError(
            f"The clock has moved since this page was shown (it is now {short_date(now, time=True)}); nothing was "
            "done. Look at the clock again before moving time on."
        )
    if exercise.paused:
        raise ApplicationError("The exercise is paused: resume it before moving time on.")
    return clock_target(exercise.clock, days=days, to=to)


def fast_forward_days_check(days: Any) -> None:
    """Refuse a number of days :func:`fast_forward` does not take (1 to 3660, a whole number)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1 or days > FAST_FORWARD_MAX_DAYS:
        raise ApplicationError(f"Move the clock on by 1 to {FAST_FORWARD_MAX_DAYS} days (a whole number).")


def time_move(
    *,
    exercise: Exercise,
    actor: Any,
    days: int | None = None,
    to: dt.date | dt.datetime | None = None,
    seen_clock: dt.datetime | None = None,
    source: str = ClockMoveSource.SERVICE,
    note: str = "",
    max_steps: int | None = None,
    progress: Callable[[dt.datetime], None] | None = None,
    every_office: bool = False,
) -> RunReport:
    """Move the exercise's time forward by ``days`` or to ``to``; return what happened on the way.

    ``seen_clock`` is the clock the caller's page showed: when given, the move is made only if the
    clock is still there (checked under the row lock), else it is refused and nothing changes.
    Refused too: a paused exercise, a move backwards or beyond the end of the simulation. An event of
    the pack that pauses the exercise stops the clock at it (that is not a refusal).
    ``progress`` is told the clock as the autopilot moves it on (the job's progress; it writes nothing here).
    ``every_office`` lets the autopilot play the offices students hold as well (when it is on).
    """
    exercise_actor_check(exercise=exercise, actor=actor, doing="move its time")
    with transaction.atomic():
        try:
            locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
        except Exercise.DoesNotExist as exc:
            raise ApplicationError("This exercise no longer exists.") from exc
        target = time_move_check(locked, days=days, to=to, seen_clock=seen_clock)
        report = RunReport(clock_from=locked.clock)
        pilot = autopilot_on(locked)
        if pilot:
            autopilot_fly(exercise=locked, until=target, actor=actor, report=report, max_steps=max_steps,
                          source=source, progress=progress, every_office=every_office)
        else:
            _walk_clock(exercise=locked, actor=actor, to=target, source=source,
                        note=note or "Clock moved (autopilot off)")
        locked.refresh_from_db()
        report.clock_to = locked.clock
        exercise_event_record(
            exercise=locked, actor=actor, kind=ExerciseEventKind.CLOCK_MOVE,
            summary=_summary(report, pilot, note, every_office=pilot and every_office),
            data={"from": report.clock_from.isoformat(), "to": locked.clock.isoformat(),
                  "asked": target.isoformat(), "source": source, "autopilot": pilot, "steps": report.steps,
                  "every_office": pilot and every_office},
        )
    exercise.refresh_from_db()
    return report


def _summary(report: RunReport, pilot: bool, note: str, *, every_office: bool = False) -> str:
    assert report.clock_from is not None and report.clock_to is not None
    text = (f"Clock {short_date(timezone.localtime(report.clock_from))} -> "
            f"{short_date(timezone.localtime(report.clock_to))}")
    text += f"; autopilot took {report.steps} step(s)" if pilot else " (autopilot off)"
    if every_office:
        text += " for every office, the students' too"
    return f"{text}. {note}".strip()


def time_move_summary(exercise: Exercise, report: RunReport, *, every_office: bool = False) -> str:
    """Say what a move did: where the clock is, what the autopilot did, and which cases wait for students."""
    from cases.classroom.planner import staffed_office_ids
    from cases.models import Case

    assert report.clock_to is not None
    if not autopilot_on(exercise):
        return f"Clock now {short_date(timezone.localtime(report.clock_to))} (autopilot off)."
    played = "for every office, the students' too" if every_office else "for the offices without students"
    text = (f"Clock now {short_date(timezone.localtime(report.clock_to))}; the autopilot took {report.steps} step(s) "
            f"{played}.")
    waiting = Case.objects.filter(exercise=exercise, closed_at__isnull=True,
                                  next_office_id__in=staffed_office_ids(exercise)).count()
    if waiting:
        text += f" {waiting} open case(s) wait for an office a student holds."
    if report.stuck:
        text += f" Stuck: {'; '.join(report.stuck[:3])}"
    return text


def fast_forward(*, exercise: Exercise, actor: Any, days: int, seen_clock: dt.datetime | None = None,
                 source: str = ClockMoveSource.SERVICE,
                 progress: Callable[[dt.datetime], None] | None = None, every_office: bool = False) -> RunReport:
    """Move the exercise on by ``days`` (1 to 3660) simulated days: :func:`time_move` by days."""
    fast_forward_days_check(days)
    return time_move(exercise=exercise, actor=actor, days=days, seen_clock=seen_clock, source=source,
                     progress=progress, every_office=every_office)


def time_pace_tick(*, now: dt.datetime | None = None) -> list[RunReport]:
    """Move every paced, unpaused exercise by the simulated time its pace earned since the last tick (beat).

    Each exercise moves through :func:`time_move`, against the clock read with its pace, so a second
    beat running at once finds the clock moved and the anchor taken, and counts no wall time twice.
    """
    now = now or timezone.now()
    reports = []
    ids = list(Exercise.objects.filter(pace_days_per_minute__gt=0, paused=False).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            locked = Exercise.objects.select_for_update().get(pk=pk)
            target = clock_pace_target(locked, now)
            locked.save(update_fields=["pace_anchor", "pace_days_per_minute"])
            if target is None:
                continue
            try:
                reports.append(time_move(exercise=locked, actor=None, to=target, seen_clock=locked.clock,
                                         source=ClockMoveSource.PACE, note="Pace"))
            except ApplicationError as exc:  # one exercise's refusal must not stop the others' pace
                logger.warning("Pace of exercise %s not applied: %s", pk, exc.message)
    return reports
