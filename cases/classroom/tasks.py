"""Celery tasks for long classroom work: a job row per request (load a pack, move time, compare regimes).

The row is the state and the page polls it; the message is only a nudge. A worker claims a job with
one conditional update, so a message delivered twice runs once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task

from cases.errors import ApplicationError
from cases.models import Job, JobKind
from cases.wording import short_date

logger = logging.getLogger(__name__)


@shared_task(name="cases.classroom.load_scenario")
def load_scenario_task(load_id: int) -> None:
    """Carry out one load job by id; safe to run twice (a started load is left alone)."""
    from cases.classroom.loader import run_load

    run_load(load_id)


@shared_task(name="cases.classroom.run_job")
def run_job_task(job_id: int) -> None:
    """Carry out one job by id; safe to run twice (a started job is left alone)."""
    run_job(job_id)


def run_job(job_id: int) -> None:
    """Claim the job and carry it out by its kind, recording how it ended on its row."""
    from cases.services.jobs import job_claim, job_fail

    kind = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    if kind == JobKind.LOAD:
        from cases.classroom.loader import run_load

        run_load(job_id)
        return
    job = job_claim(job_id)
    if job is None:
        return
    try:
        if job.kind == JobKind.TIME_MOVE:
            _time_move(job)
        elif job.kind == JobKind.COMPARE:
            _compare(job)
        else:
            job_fail(job_id, message=f"Unknown kind of job {job.kind!r}.")
    except ApplicationError as exc:
        job_fail(job_id, message=exc.message)
    except Exception:
        logger.exception("Job %s failed", job_id)
        job_fail(job_id, message="The work failed unexpectedly and was rolled back; the server log has the details.")


def _time_move(job: Job) -> None:
    from django.utils import timezone

    from cases.classroom.timekeeping import fast_forward, time_move, time_move_summary
    from cases.services.clock import clock_target
    from cases.services.job_live import live_progress
    from cases.services.jobs import job_finish

    exercise = job.exercise
    if exercise is None:
        raise ApplicationError("This exercise no longer exists.")
    params = job.params
    seen = dt.datetime.fromisoformat(params["seen_clock"]) if params.get("seen_clock") else None
    source = params.get("source", "service")
    every_office = params.get("every_office") is True
    days = int(params["days"]) if params.get("days") is not None else None
    to = dt.date.fromisoformat(params["to"]) if days is None else None
    start = exercise.clock
    try:
        end = clock_target(start, days=days, to=to)
    except ApplicationError:
        end = start  # the move itself refuses it, with its own message
    span = max((end - start).total_seconds(), 1.0)
    with live_progress(job.pk) as report:

        def progress(clock: dt.datetime) -> None:
            """Tell the page how much of the simulated span the move has covered (per cent)."""
            done = min(100, max(0, int(100 * (clock - start).total_seconds() / span)))
            report(done, 100, f"Simulated clock at {short_date(timezone.localtime(clock))}")

        if days is not None:
            run = fast_forward(exercise=exercise, actor=job.requested_by, days=days, seen_clock=seen,
                               source=source, progress=progress, every_office=every_office)
        else:
            assert to is not None
            run = time_move(exercise=exercise, actor=job.requested_by, to=to, seen_clock=seen, source=source,
                            progress=progress, every_office=every_office)
    assert run.clock_from is not None and run.clock_to is not None
    summary = time_move_summary(exercise, run, every_office=every_office)
    job_finish(job.pk, message=summary, done=100, total=100, result={
        "from": run.clock_from.isoformat(), "to": run.clock_to.isoformat(), "steps": run.steps,
        "stuck": run.stuck[:20]})


def _compare(job: Job) -> None:
    from django.template.loader import render_to_string
    from django.urls import reverse

    from cases.analytics.calibration_aut import RunnerUnavailable, calibrate
    from cases.analytics.charts import line_chart
    from cases.analytics.registry import RUNNERS
    from cases.analytics.runs import compare
    from cases.models import Membership
    from cases.services.jobs import job_finish

    params = job.params
    entry = RUNNERS.get(params.get("runner", ""))
    if entry is None:
        raise ApplicationError(f"No comparison runner {params.get('runner')!r}.")
    try:
        regimes = entry.regimes_for(params.get("regime_a", ""), params.get("regime_b", ""))
    except ValueError as exc:
        raise ApplicationError(str(exc)) from exc
    user = job.requested_by
    context: dict[str, Any] = {}
    try:
        result = compare(entry.make(), regimes=regimes, seed=int(params.get("seed", 1)),
                         size=params.get("size") or entry.default_size)
    except RunnerUnavailable as exc:
        raise ApplicationError(str(exc)) from exc
    runs = []
    for r in result.results:
        if r.exercise_id and user is not None and not user.is_superuser:
            Membership.objects.get_or_create(exercise_id=r.exercise_id, user=user,
                                             defaults={"is_facilitator": True})
        runs.append((r, reverse("admin:cases_exercise_dashboard", args=[r.exercise_id]) if r.exercise_id else ""))
    context.update(comparison=result, runs=runs, regimes=regimes,
                   growth_chart=line_chart({s.regime: s.open_series for s in result.summaries},
                                           x_label="open cases over the run"))
    if params.get("calibrate"):
        context["calibration"] = calibrate(tuple(range(1, 11)))
    html = render_to_string("admin/cases/regime_comparison_result.html", context)
    job_finish(job.pk, message=f"Compared {regimes[0]} and {regimes[1]}.", done=1, total=1, result={"html": html})


def dispatch_job(job_id: int) -> None:
    """Queue the job for the worker; without a reachable broker, run it in this process instead.

    Long work never depends on the broker being up: the row is the state, the message only a nudge.
    """
    kind = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    task = load_scenario_task if kind == JobKind.LOAD else run_job_task
    try:
        task.apply_async(args=[job_id], retry=False)
    except Exception:  # kombu raises many kinds of errors for an unreachable broker
        logger.warning("Broker unreachable; running job %s in the web process", job_id)
        run_job(job_id)


# Loads were the first jobs; the name stays for the code that queues them.
dispatch_load = dispatch_job
