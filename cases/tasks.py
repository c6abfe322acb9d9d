"""Celery tasks: thin, take ids, call a service, safe to run twice (``acks_late``)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from cases.services.clock import enqueue_sweep
from cases.services.deadlines import deadlines_sweep, exercises_with_due_deadlines

# Batches per task run: a long catch-up continues in a fresh task, so several workers share it.
MAX_BATCHES_PER_TASK = 5


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=8,
)
def sweep_exercise(exercise_id: int) -> dict[str, int]:
    """Fire the exercise's due deadlines; queue a follow-up when more remain."""
    result = deadlines_sweep(exercise_id=exercise_id, max_batches=MAX_BATCHES_PER_TASK)
    if result.more:
        enqueue_sweep(exercise_id)
    return {"fired": len(result.fired), "cancelled": len(result.cancelled), "deferred": len(result.deferred)}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_all() -> int:
    """Queue a sweep for every exercise with due deadlines (the periodic safety net, from beat)."""
    ids = exercises_with_due_deadlines()
    for exercise_id in ids:
        enqueue_sweep(exercise_id)
    return len(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,), max_retries=3)
def pace_clocks() -> int:
    """Move the clocks of exercises running at a pace (from beat), through the one time move."""
    from cases.classroom.timekeeping import time_pace_tick

    return len(time_pace_tick())
