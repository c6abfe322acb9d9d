"""Timed events of an exercise: fire those whose simulated time has come, or inject one now; and the
stretch of a time move that walks the clock through them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from cases.errors import ApplicationError
from cases.models import Deadline, DeadlineStatus, Exercise, ExerciseEventKind, TimedEvent, TimedEventStatus
from cases.services.exercise_events import exercise_actor_check, exercise_event_record
from cases.wording import clip, short_date

# Each kind of timed event: what the inject form calls it, and its name in a word or two (the console's list).
_KINDS = {
    "announce": ("News or an instruction read out to every office", "news"),
    "switch_regime": ("Put another policy regime in force", "regime switch"),
    "seed_cases": ("New cases arrive", "new cases"),
    "pause": ("Pause the exercise", "pause"),
}
EVENT_KINDS = {kind: label for kind, (label, _name) in _KINDS.items()}
EVENT_KIND_NAMES = {kind: name for kind, (_label, name) in _KINDS.items()}


def event_kind_name(kind: str) -> str:
    """Return what an event of ``kind`` is, in a word or two."""
    return EVENT_KIND_NAMES.get(kind, kind)


def _fire(event: TimedEvent, actor: Any) -> str:
    """Carry out one event; return what it did (stored on the row)."""
    from cases.classroom.controls import regime_switch_summary
    from cases.classroom.loader import pack_context, seed_entry
    from cases.classroom.packs import PackError

    exercise = event.exercise
    payload = event.payload
    if event.kind == "announce":
        return "Announced."
    if event.kind == "switch_regime":
        return regime_switch_summary(exercise=exercise, regime=payload["regime"],
                                     migrate_running=bool(payload.get("migrate_running", False)), actor=actor,
                                     counterfactual=bool(payload.get("counterfactual", False)))
    if event.kind == "pause":
        Exercise.objects.filter(pk=exercise.pk).update(paused=True)
        return "Exercise paused."
    if event.kind == "seed_cases":
        pack, ctx = pack_context(exercise)
        base = tuple(payload.get("pack_path", ())) if pack else ()
        filed = []
        try:
            for i, entry in enumerate(payload.get("cases", [])):
                path = (*base, "cases", i)
                filed += seed_entry(ctx, pack if base else None, path, entry)
        except PackError as exc:  # the pack's entry, refused now (paused, or its rules not in force yet)
            raise ApplicationError("The new cases were not filed: "
                                   + "; ".join(p.message for p in exc.problems)) from exc
        return f"{len(filed)} new case(s) filed."
    raise ApplicationError(f"Unknown event kind {event.kind!r}.")


def fire_due_events(*, exercise: Exercise, actor: Any = None) -> list[TimedEvent]:
    """Fire every pending event whose time has come, oldest first, each once."""
    fired = []
    while True:
        with transaction.atomic():
            ex = Exercise.objects.get(pk=exercise.pk)
            event = (
                TimedEvent.objects.select_for_update()
                .filter(exercise=ex, status=TimedEventStatus.PENDING, at__lte=ex.clock)
                .order_by("at", "id")
                .first()
            )
            if event is None:
                return fired
            # Paused exercises keep the news but let no case move; seeding would file cases, so wait.
            if ex.paused and event.kind == "seed_cases":
                return fired
            # An event that no longer applies (the teacher already switched to that regime, say) is
            # recorded as not carried out rather than stopping the clock for every later event.
            try:
                with transaction.atomic():
                    event.result = clip(_fire(event, actor), 300)
            except ApplicationError as exc:
                event.result = clip(f"Not carried out: {exc.message}", 300)
            event.status = TimedEventStatus.FIRED
            event.fired_at = ex.clock
            event.save(update_fields=["result", "status", "fired_at"])
        fired.append(event)


def _walk_clock(*, exercise: Exercise, actor: Any, to: dt.datetime, source: str, note: str = "") -> None:
    """Move the clock to ``to``, stopping at each pending timed event on the way, firing deadlines and events in order.

    The internal stretch of a move that :func:`cases.classroom.timekeeping.time_move` has validated and
    claimed (and of the autopilot's steps inside it): at each stop the clock is written, the deadlines
    due by then are swept in-process (so their effects come before the event's), then the events due
    fire, each at its own simulated time. An event that pauses the exercise stops the clock there.
    """
    from cases.services.clock import clock_write
    from cases.services.deadlines import deadlines_sweep

    exercise.refresh_from_db()
    stops = list(
        TimedEvent.objects.filter(exercise=exercise, status=TimedEventStatus.PENDING,
                                  at__gt=exercise.clock, at__lt=to)
        .order_by("at").values_list("at", flat=True).distinct()
    )
    for stop in [*stops, to]:
        if stop > exercise.clock:
            clock_write(exercise=exercise, actor=actor, to=stop, source=source, note=note, queue_sweep=False)
        if Deadline.objects.filter(exercise_id=exercise.pk, status=DeadlineStatus.PENDING,
                                   due_at__lte=exercise.clock).exists():
            deadlines_sweep(exercise_id=exercise.pk)
        fire_due_events(exercise=exercise, actor=actor)
        exercise.refresh_from_db()
        if exercise.paused:
            return


def timed_event_inject(*, exercise: Exercise, actor: Any, kind: str, label: str,
                       payload: dict[str, Any] | None = None) -> TimedEvent:
    """Write a new event and fire it now (news read out, cases arriving, a regime switch, a pause)."""
    exercise_actor_check(exercise=exercise, actor=actor, doing="inject events")
    if kind not in EVENT_KINDS:
        raise ApplicationError(f"Choose an event kind: {', '.join(EVENT_KINDS)}.")
    if not label.strip():
        raise ApplicationError("Give the event a headline the students will read.")
    if kind == "switch_regime" and not (payload or {}).get("regime"):
        raise ApplicationError("A regime switch needs the regime to put in force.")
    if kind == "seed_cases" and not (payload or {}).get("cases"):
        # "0 new case(s) filed" under a headline every student reads: say which cases, or inject news instead.
        raise ApplicationError("New cases need the cases that arrive (a pack's timed event lists them); nothing "
                               "was injected. To tell the class, inject news.")
    with transaction.atomic():
        ex = Exercise.objects.select_for_update().get(pk=exercise.pk)
        event = TimedEvent(exercise=ex, at=ex.clock, kind=kind, label=label.strip()[:200], payload=payload or {})
        _fire_now(event, ex, actor)
        exercise_event_record(exercise=ex, actor=actor, kind=ExerciseEventKind.EVENT_INJECT,
                              summary=f"Injected {kind}: {event.label}. {event.result}",
                              data={"timed_event": event.pk, "kind": kind, "payload": event.payload})
    return event


def timed_event_fire_now(*, exercise: Exercise, actor: Any, event_id: int) -> TimedEvent:
    """Fire now an event the pack scheduled for later."""
    exercise_actor_check(exercise=exercise, actor=actor, doing="fire its events")
    with transaction.atomic():
        ex = Exercise.objects.select_for_update().get(pk=exercise.pk)
        try:
            event = TimedEvent.objects.select_for_update().get(
                pk=event_id, exercise=ex, status=TimedEventStatus.PENDING)
        except TimedEvent.DoesNotExist as exc:
            raise ApplicationError("That event has fired already or belongs to another exercise.") from exc
        _fire_now(event, ex, actor)
        exercise_event_record(exercise=ex, actor=actor, kind=ExerciseEventKind.EVENT_FIRE_NOW,
                              summary=f"Fired now (scheduled for {short_date(event.at)}): {event.label}. "
                                      f"{event.result}",
                              data={"timed_event": event.pk, "kind": event.kind, "scheduled": event.at.isoformat()})
    return event


def _fire_now(event: TimedEvent, ex: Exercise, actor: Any) -> None:
    event.injected_by = actor if getattr(actor, "is_authenticated", False) else None
    event.result = clip(_fire(event, actor), 300)
    event.status = TimedEventStatus.FIRED
    event.fired_at = ex.clock
    event.save()


def recent_news(exercise: Exercise, limit: int = 5) -> list[TimedEvent]:
    """Return the latest fired events (the banner students see above their inbox)."""
    return list(exercise.timed_events.filter(status=TimedEventStatus.FIRED).order_by("-fired_at", "-id")[:limit])
