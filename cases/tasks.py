"""Celery tasks: thin, take ids, call a service, safe to run twice (``acks_late``).

The per-exercise sweep, ``sweep_exercise``, lives in :mod:`cases.services.sweep_queue` (the clock
service queues it) and is re-exported here under its registered name.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from cases.services.deadlines import exercises_with_due_deadlines
from cases.services.sweep_queue import enqueue_sweep, sweep_exercise


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


__all__ = ["pace_clocks", "sweep_all", "sweep_exercise"]
