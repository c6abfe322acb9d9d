"""The live figures (issue 19): a summary kept up to date case by case gives exactly the numbers of the full
computation over the whole log, however the cases arrived, and a page reads only what changed.

The full computation is tests/cases/reference_metrics.py with issue 17's figures (test_analytics_fast.FULL).
These tests also run on PostgreSQL (tests/integration/test_bulk_on_postgres.py), where the last one
commits an event after a later one and checks the summary still reads it.
"""

from __future__ import annotations

import dataclasses
import random
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.analytics import dashboard as dash
from cases.analytics import live
from cases.analytics.log import Log, load_log
from cases.analytics.summary import LogSummary, case_share
from cases.models import Case, CaseEvent, Office
from tests.cases.analytics_logs import five_marriages, stuck_year
from tests.cases.test_analytics_fast import FULL, _copy, _without_log, random_log

FIGURES = ("time_in_step", "wait_by_office", "bottleneck", "longest_median_wait", "applied_rules",
           "case_days_by_office", "throughput_by_week", "littles_law", "outcomes", "wip_by_office", "wip_by_state",
           "kinds", "open_count", "filed_count", "mean_weekly_throughput")


def full_figures(log: Log) -> dict[str, str]:
    """Every figure of the full computation, as text."""
    out = {name: repr(getattr(FULL, name)(_copy(log))) for name in FIGURES}
    for points, bands in ((1, 8), (2, 3), (40, 1), (40, 8)):
        out[f"cfd {points} {bands}"] = repr(FULL.cumulative_flow(_copy(log), points, bands))
    for kind in FULL.kinds(_copy(log)):
        out[f"funnel {kind}"] = repr(FULL.funnel(_copy(log), kind))
        out[f"states {kind}"] = repr(sorted(FULL.state_counts(_copy(log), kind).items()))
    out["oldest"] = repr(FULL.oldest_waiting(_copy(log), 10))
    return out


def summary_figures(summary: LogSummary) -> dict[str, str]:
    out = {name: repr(getattr(summary, name)()) for name in FIGURES}
    for points, bands in ((1, 8), (2, 3), (40, 1), (40, 8)):
        out[f"cfd {points} {bands}"] = repr(summary.cumulative_flow(points, bands))
    for kind in summary.kinds():
        out[f"funnel {kind}"] = repr(summary.funnel(kind))
        out[f"states {kind}"] = repr(sorted(summary.state_counts(kind).items()))
    out["oldest"] = repr(summary.oldest_waiting(10))
    return out


def pages(source: Log | LogSummary, monkeypatch: pytest.MonkeyPatch | None = None,
          exercise: object = None) -> tuple[str, str]:
    """Both pages' data as text; with ``monkeypatch``, computed by the full computation from the log."""
    if monkeypatch is not None:
        monkeypatch.setattr(dash, "m", FULL)
        assert isinstance(source, Log)
        source = _copy(source)
    try:
        return (repr(_without_log(dash.dashboard_data(exercise, source))),  # type: ignore[arg-type]
                repr(_without_log(dash.debrief_data(exercise, source))))  # type: ignore[arg-type]
    finally:
        if monkeypatch is not None:
            monkeypatch.undo()


def earlier_version(log: Log, case_id: int, rng: random.Random) -> tuple:
    """A plausible earlier state of one case: fewer of its events, another state, open again."""
    row = log.by_id[case_id]
    events = [e for e in log.events if e.case_id == case_id]
    kept = events[:rng.randrange(0, len(events) + 1)]
    state = next((e.target_state for e in reversed(kept) if e.target_state), row.state)
    return dataclasses.replace(row, state=state, closed_at=None, next_office=rng.choice(["Works", "", "Bureau"]),
                               next_rules=rng.choice(["", "MAR-9"])), kept


def built_case_by_case(log: Log, seed: int) -> LogSummary:
    """The log's summary put together the way a live exercise's is: cases in any order, in batches, most of them
    first in an earlier version that a later batch replaces, some dropped and put back."""
    rng = random.Random(seed)
    summary = LogSummary(now=log.now, exercise_name=log.exercise_name)
    by_case = {c.id: [e for e in log.events if e.case_id == c.id] for c in log.cases}
    order = [c.id for c in log.cases]
    rng.shuffle(order)
    for i in range(0, len(order), 7):
        batch = order[i:i + 7]
        summary.put_cases(case_share(*earlier_version(log, cid, rng)) for cid in batch if rng.random() < 0.7)
        for cid in batch:
            if rng.random() < 0.1:
                summary.drop_case(cid)
    rng.shuffle(order)
    for i in range(0, len(order), 11):
        summary.put_cases(case_share(log.by_id[cid], by_case[cid]) for cid in order[i:i + 11])
    return summary


@pytest.mark.parametrize("seed", range(10))
def test_a_summary_kept_case_by_case_gives_the_full_computations_numbers(seed, monkeypatch):
    log = random_log(seed, n_cases=80)
    summary = built_case_by_case(log, seed)
    assert summary_figures(summary) == full_figures(log)
    assert pages(summary) == pages(log, monkeypatch)
    # Read at a later clock, the running stays are longer; the summary needs nothing new for that.
    later = dataclasses.replace(_copy(log), now=log.now + (log.now - log.cases[0].filed_at))
    summary.now = later.now
    assert summary_figures(summary) == full_figures(later)


def test_worked_examples_case_by_case(monkeypatch):
    for log in (five_marriages(), stuck_year(), Log(cases=[], events=[], now=five_marriages().now)):
        summary = built_case_by_case(log, 1)
        assert summary_figures(summary) == full_figures(log)
        assert pages(summary) == pages(log, monkeypatch)


def test_a_summary_emptied_again_is_empty():
    log = random_log(3)
    summary = LogSummary.from_log(log)
    for c in log.cases:
        summary.drop_case(c.id)
    empty = LogSummary(now=log.now)
    empty.put_cases([])
    assert summary_figures(summary) == summary_figures(empty)
    assert not summary.by_step and not summary.by_office and not summary.band_starts and not summary.rules_at


# --- The live summary of an exercise in the database -------------------------------------------------------


def live_pages(exercise) -> tuple[str, str]:
    return (repr(_without_log(dash.dashboard_data(exercise))), repr(_without_log(dash.debrief_data(exercise))))


def full_pages(exercise, monkeypatch) -> tuple[str, str]:
    exercise.refresh_from_db()
    return pages(load_log(exercise), monkeypatch, exercise)


@pytest.mark.django_db
def test_live_pages_follow_every_write_with_the_full_computations_numbers(desk, monkeypatch):
    from cases.classroom.timekeeping import fast_forward

    exercise = desk.exercise
    live.forget(exercise)
    assert live_pages(exercise) == full_pages(exercise, monkeypatch)
    for days in (3, 30, 200):
        fast_forward(exercise=exercise, actor=None, days=days)
        exercise.refresh_from_db()
        assert live_pages(exercise) == full_pages(exercise, monkeypatch)
    assert len(load_log(exercise).events) > 20


@pytest.mark.django_db
def test_a_page_reads_only_the_cases_a_write_touched(desk, monkeypatch):
    from cases.classroom.timekeeping import fast_forward

    exercise = desk.exercise
    fast_forward(exercise=exercise, actor=None, days=60)
    exercise.refresh_from_db()
    live.forget(exercise)
    read: list[list[int]] = []
    shares = live._shares
    monkeypatch.setattr(live, "_shares", lambda ex, ids: read.append(list(ids)) or shares(ex, ids))
    live_pages(exercise)  # the first reading: every case
    assert sorted(read[0]) == sorted(Case.objects.filter(exercise=exercise).values_list("id", flat=True))
    read.clear()
    with CaptureQueriesContext(connection) as ctx:
        live_pages(exercise)
    assert read == [[], []]  # nothing written since: no case read again (the dashboard, then the debrief)
    assert not [q for q in ctx.captured_queries if "FROM \"cases_case\"" in q["sql"]]
    case = Case.objects.filter(exercise=exercise, closed_at__isnull=True).order_by("id").first()
    CaseEvent.objects.create(case=case, exercise=exercise, kind="note", label="A note", sim_time=exercise.clock)
    read.clear()
    live_pages(exercise)
    assert read == [[case.pk], []]


@pytest.mark.django_db
def test_a_reset_a_renamed_office_or_a_deleted_case_is_read_whole_again(desk, monkeypatch):
    from cases.classroom.timekeeping import fast_forward

    exercise = desk.exercise
    fast_forward(exercise=exercise, actor=None, days=90)
    exercise.refresh_from_db()
    assert live_pages(exercise) == full_pages(exercise, monkeypatch)
    office = Office.objects.filter(exercise=exercise).order_by("id").first()
    office.name = "Renamed office"
    office.save(update_fields=["name"])
    assert "Renamed office" in live_pages(exercise)[0]
    assert live_pages(exercise) == full_pages(exercise, monkeypatch)
    # Every event gone (as in a reset): the summary does not keep the cases it read.
    last = CaseEvent.objects.filter(exercise=exercise).order_by("-id").first()
    Case.objects.filter(pk=last.case_id).delete()
    assert live_pages(exercise) == full_pages(exercise, monkeypatch)


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                    reason="SQLite's writers take turns: ids commit in order")
@pytest.mark.django_db(transaction=True)
def test_an_event_that_commits_after_a_later_one_is_still_read(monkeypatch):
    """PostgreSQL: a transaction holding a lower id commits after one holding a higher id has been read."""
    from tests.conftest import Desk
    from tests.desks import ensure_border_geography

    ensure_border_geography()  # an earlier transactional test flushed the migrations' rows
    exercise = Desk("-late").exercise
    case = Case.objects.filter(exercise=exercise, closed_at__isnull=True).order_by("id").first()
    other = Case.objects.filter(exercise=exercise, closed_at__isnull=True).order_by("-id").first()
    live_pages(exercise)
    holding, written = threading.Event(), threading.Event()
    ids: dict[str, int] = {}

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                ev = CaseEvent.objects.create(case=case, exercise=exercise, kind="note", label="late",
                                              sim_time=exercise.clock, rules="LATE-1")
                ids["late"] = ev.pk
                holding.set()
                written.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert holding.wait(30)
    early = CaseEvent.objects.create(case=other, exercise=exercise, kind="note", label="early",
                                     sim_time=exercise.clock, rules="EARLY-1")
    assert early.pk > ids["late"]
    first = live.live_read(exercise, lambda s: s.applied_rules())
    assert "EARLY-1" in first and "LATE-1" not in first
    written.set()
    thread.join(30)
    assert "LATE-1" in live.live_read(exercise, lambda s: s.applied_rules())
    assert live_pages(exercise) == full_pages(exercise, monkeypatch)

