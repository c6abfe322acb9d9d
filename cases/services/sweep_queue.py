"""The deadline sweep as a queued task, and the one way to queue it.

It sits beside the services rather than in ``cases/tasks.py`` because the clock service queues it
after every move: a service importing the top-level task module would make the layers import
upwards (and close an import cycle through the pace task). The task keeps its registered name,
``cases.tasks.sweep_exercise``, so queued messages and routes stay valid.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from cases.services.deadlines import deadlines_sweep

logger = logging.getLogger(__name__)

# Batches per task run: a long catch-up continues in a fresh task, so several workers share it.
MAX_BATCHES_PER_TASK = 5


@shared_task(
    name="cases.tasks.sweep_exercise",
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


def enqueue_sweep(exercise_id: int) -> bool:
    """Queue a deadline sweep for the exercise; return False (and log) when the broker is down.

    A broker outage must never turn a clock move into an error page: the periodic sweep catches up
    with every due deadline once the broker is back, because deadlines are rows, not messages.
    """
    try:
        sweep_exercise.apply_async(args=[exercise_id], retry=False)
    except Exception:  # the broker may be unreachable in any of kombu's ways
        logger.warning("Could not queue a deadline sweep for exercise %s; beat will catch up", exercise_id)
        return False
    return True
