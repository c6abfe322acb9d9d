"""The pages a class lives in, at a province's scale and at a class's, timed interleaved.

Two exercises, one with ``small`` cases and one with ``large``, each spread over states, offices and
people (:func:`cases.bench.data.insert_spread_cases`). Each page is asked of both in turn (the order
alternating), several times; a figure is the median time at ``large`` over the median at ``small``,
with the queries each made. The analytics pages are cached per version of the log: ``*_100k`` is a
view of an unchanged log (the projector refreshing, a second student opening it), ``*_fresh_100k``
the first view after a write (an event on one case, written before the clock starts): the page is
computed again from the exercise's live summary, which reads the case the write touched. The exports'
figures are peak memory.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.bench.data import bench_exercise, insert_spread_cases
from cases.bench.figures import Figure
from cases.models import Case, CaseEvent, EventKind, Exercise

PAGE_TARGET = 1.3
MEMORY_TARGET = 1.3


@dataclass
class Side:
    """One exercise of the comparison and the clients that open its pages."""

    exercise: Exercise
    student: Client
    teacher: Client
    case_id: int


def _side(name: str, count: int) -> Side:
    exercise = bench_exercise(name)
    grown = 0
    while grown < count:
        chunk = min(20_000, count - grown)
        insert_spread_cases(exercise, chunk, start=grown)
        grown += chunk
    student, teacher = Client(), Client()
    student.force_login(exercise.memberships.get(office__kind="work_unit").user)
    from django.contrib.auth import get_user_model

    boss, _ = get_user_model().objects.get_or_create(username="bench-teacher", defaults={"is_superuser": True,
                                                                                         "is_staff": True})
    teacher.force_login(boss)
    waiting = Case.objects.filter(exercise=exercise, state="examination").order_by("id").values_list("id", flat=True)
    return Side(exercise, student, teacher, waiting[len(waiting) // 2])


def _write(side: Side) -> None:
    """Write what a step writes for the analytics: one event on one open case (a new version of the log)."""
    CaseEvent.objects.create(case_id=side.case_id, exercise=side.exercise, kind=EventKind.NOTE, label="Bench note",
                             sim_time=side.exercise.clock)


def _get(side: Side, client: Client, url: str, fresh: bool) -> tuple[float, int]:
    if fresh:
        _write(side)  # the first view after a write: nothing cached for this version of the log
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        took = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return took, len(ctx.captured_queries)


def _pages(side: Side) -> dict[str, tuple[Client, str, bool]]:
    ex = side.exercise.pk
    return {
        "student_inbox_100k": (side.student, reverse("classroom:inbox"), False),
        "dashboard_100k": (side.teacher, reverse("admin:cases_exercise_dashboard", args=[ex]), False),
        "dashboard_fresh_100k": (side.teacher, reverse("admin:cases_exercise_dashboard", args=[ex]), True),
        "debrief_100k": (side.teacher, reverse("admin:cases_exercise_debrief", args=[ex]), False),
        "debrief_fresh_100k": (side.teacher, reverse("admin:cases_exercise_debrief", args=[ex]), True),
        "console_100k": (side.teacher, reverse("classroom:console", args=[ex]), False),
        "console_fresh_100k": (side.teacher, reverse("classroom:console", args=[ex]), True),
        "projector_100k": (side.teacher, reverse("classroom:projector", args=[ex]), False),
        "projector_fresh_100k": (side.teacher, reverse("classroom:projector", args=[ex]), True),
        "admin_changelist_100k": (side.student, reverse("admin:cases_marriagecase_changelist"), False),
        "admin_inbox_100k": (side.student, reverse("admin:cases_caseproxy_changelist"), False),
        "admin_case_page_100k": (side.student, reverse("admin:cases_marriagecase_change", args=[side.case_id]),
                                 False),
    }


def page_figures(*, small: int, large: int, repeats: int, only: set[str] | None = None) -> list[Figure]:
    """Each page with ``large`` cases vs with ``small``, interleaved; time ratio of medians, queries printed."""
    sides = (_side("Bench pages small", small), _side("Bench pages large", large))
    pages = [_pages(s) for s in sides]
    figures = []
    for name in pages[0]:
        if only and name not in only:
            continue
        for p in pages:  # warm: templates, the cache of an unchanged log, the live summary
            client, url, _fresh = p[name]
            client.get(url)
            client.get(url)
        times: tuple[list[float], list[float]] = ([], [])
        queries = [0, 0]
        for r in range(repeats):
            for k in ((0, 1) if r % 2 == 0 else (1, 0)):
                client, url, fresh = pages[k][name]
                took, n = _get(sides[k], client, url, fresh)
                times[k].append(took)
                queries[k] = n
        small_t, large_t = statistics.median(times[0]), statistics.median(times[1])
        figures.append(Figure(
            name.replace("100k", f"{large // 1000}k") if large != 100_000 else name, large_t / small_t, PAGE_TARGET,
            f"{small} -> {large} cases; {small_t * 1000:.0f} -> {large_t * 1000:.0f} ms; "
            f"queries {queries[0]} -> {queries[1]}; median of {len(times[0])} interleaved"))
    figures += export_memory_figures(sides[0].exercise, sides[1].exercise, small, large)
    return figures


def exports_figures(*, small: int, large: int) -> list[Figure]:
    """The exports' peak memory alone (``--only exports``): two exercises of spread cases, nothing else."""
    return export_memory_figures(_side("Bench exports small", small).exercise,
                                 _side("Bench exports large", large).exercise, small, large)


def _peak(exercise: Exercise, fmt: str) -> tuple[int, int]:
    from cases.analytics.export import stream

    tracemalloc.start()
    try:
        chunks, _ = stream(exercise, fmt)
        size = sum(len(c) for c in chunks)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size


def export_memory_figures(small_ex: Exercise, large_ex: Exercise, small: int, large: int) -> list[Figure]:
    """Peak memory of writing each export at ``large`` cases over at ``small`` (the download streams)."""
    out = []
    for fmt in ("csv", "xes"):
        (small_peak, small_size), (large_peak, large_size) = _peak(small_ex, fmt), _peak(large_ex, fmt)
        out.append(Figure(
            f"export_{fmt}_memory_{large // 1000}k", large_peak / small_peak, MEMORY_TARGET,
            f"peak {small_peak / 1e6:.1f} -> {large_peak / 1e6:.1f} MB for {small_size / 1e6:.1f} -> "
            f"{large_size / 1e6:.1f} MB of text"))
    return out
