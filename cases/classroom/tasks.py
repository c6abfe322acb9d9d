"""Celery task for loading a scenario pack in the background (the progress bar polls its row)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="cases.classroom.load_scenario")
def load_scenario_task(load_id: int) -> None:
    """Carry out one ScenarioLoad by id; safe to run twice (a started load is left alone)."""
    from cases.classroom.loader import run_load

    run_load(load_id)


def dispatch_load(load_id: int) -> None:
    """Queue the load for the worker; without a reachable broker, load in this process instead.

    A load never depends on the broker being up: the row is the state, the message only a nudge.
    """
    try:
        load_scenario_task.apply_async(args=[load_id], retry=False)
    except Exception:  # kombu raises many kinds of errors for an unreachable broker
        logger.warning("Broker unreachable; loading scenario %s in the web process", load_id)
        from cases.classroom.loader import run_load

        run_load(load_id)
