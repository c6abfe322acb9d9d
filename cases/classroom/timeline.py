"""Timed events of an exercise: fire those whose simulated time has come, or inject one now."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cases.errors import ApplicationError
from cases.models import Exercise, TimedEvent, TimedEventStatus

EVENT_KINDS = {
    "announce": "News or an instruction read out to every office",
    "switch_regime": "Put another policy regime in force",
    "seed_cases": "New cases arrive",
    "pause": "Pause the exercise",
}


def _fire(event: TimedEvent, actor: Any) -> str:
    """Carry out one event; return what it did (stored on the row)."""
    from cases.classroom.controls import switch_regime
    from cases.classroom.loader import pack_context, seed_entry

    exercise = event.exercise
    payload = event.payload
    if event.kind == "announce":
        return "Announced."
    if event.kind == "switch_regime":
        return switch_regime(exercise=exercise, regime=payload["regime"],
                             migrate_running=bool(payload.get("migrate_running", False)), actor=actor,
                             counterfactual=bool(payload.get("counterfactual", False)))
    if event.kind == "pause":
        Exercise.objects.filter(pk=exercise.pk).update(paused=True)
        return "Exercise paused."
    if event.kind == "seed_cases":
        pack, ctx = pack_context(exercise)
        base = tuple(payload.get("pack_path", ())) if pack else ()
        filed = []
        for i, entry in enumerate(payload.get("cases", [])):
            path = (*base, "cases", i)
            filed += seed_entry(ctx, pack if base else None, path, entry)
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
                    event.result = _fire(event, actor)[:300]
            except ApplicationError as exc:
                event.result = f"Not carried out: {exc.message}"[:300]
            event.status = TimedEventStatus.FIRED
            event.fired_at = ex.clock
            event.save(update_fields=["result", "status", "fired_at"])
        fired.append(event)


def inject_event(*, exercise: Exercise, actor: Any, kind: str, label: str, payload: dict[str, Any] | None = None,
                 pending_id: int | None = None) -> TimedEvent:
    """Fire an event now: one the pack scheduled for later (``pending_id``), or a new one the teacher writes."""
    with transaction.atomic():
        ex = Exercise.objects.select_for_update().get(pk=exercise.pk)
        if pending_id is not None:
            try:
                event = TimedEvent.objects.select_for_update().get(
                    pk=pending_id, exercise=ex, status=TimedEventStatus.PENDING)
            except TimedEvent.DoesNotExist as exc:
                raise ApplicationError("That event has fired already or belongs to another exercise.") from exc
        else:
            if kind not in EVENT_KINDS:
                raise ApplicationError(f"Choose an event kind: {', '.join(EVENT_KINDS)}.")
            if not label.strip():
                raise ApplicationError("Give the event a headline the students will read.")
            if kind == "switch_regime" and not (payload or {}).get("regime"):
                raise ApplicationError("A regime switch needs the regime to put in force.")
            event = TimedEvent(exercise=ex, at=ex.clock, kind=kind, label=label.strip()[:200], payload=payload or {})
        event.injected_by = actor if getattr(actor, "is_authenticated", False) else None
        event.result = _fire(event, actor)[:300]
        event.status = TimedEventStatus.FIRED
        event.fired_at = ex.clock
        event.save()
    return event


def recent_news(exercise: Exercise, limit: int = 5) -> list[TimedEvent]:
    """Return the latest fired events (the banner students see above their inbox)."""
    return list(exercise.timed_events.filter(status=TimedEventStatus.FIRED).order_by("-fired_at", "-id")[:limit])
