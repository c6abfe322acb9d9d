"""Each shipped scenario pack fast-forwarded a simulated year by the autopilot, against the insert floor.

The figure per pack: the year's time over the time of a raw multi-row insert of the rows the year
wrote (its events and deadlines, :func:`cases.bench.floors.raw_insert`, rolled back), with the
autopilot's steps per second. The pack's seed is its own (fixed), so a run repeats exactly.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from cases.bench.figures import Figure
from cases.bench.floors import raw_insert, rows_of
from cases.models import CaseEvent, Deadline

PACK_TARGET = 5


def pack_figure(slug: str, *, days: int = 365) -> Figure:
    """Load ``slug``, fast-forward it ``days`` simulated days, and compare with the insert floor of its rows."""
    from cases.classroom.loader import load_pack
    from cases.classroom.timekeeping import fast_forward

    exercise = load_pack(slug, name=f"Bench pack {slug}")
    last_event = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_deadline = Deadline.objects.order_by("-id").values_list("id", flat=True).first() or 0
    start = time.perf_counter()
    report = fast_forward(exercise=exercise, actor=None, days=days)
    took = time.perf_counter() - start
    events = rows_of(CaseEvent, exercise_id=exercise.pk, id__gt=last_event)
    deadlines = rows_of(Deadline, exercise_id=exercise.pk, id__gt=last_deadline)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with transaction.atomic():
        begin = time.perf_counter()
        raw_insert(CaseEvent, events)
        raw_insert(Deadline, deadlines)
        floor = max(time.perf_counter() - begin, 1e-6)
        transaction.set_rollback(True)
    rate = report.steps / took if took else 0.0
    return Figure(
        f"fast_forward_pack[{slug}]", took / floor, PACK_TARGET,
        f"{report.steps} steps in {took:.2f}s ({rate:.0f} steps/s), {len(events)} events + {len(deadlines)} "
        f"deadlines; floor {floor * 1000:.1f} ms; {len(report.stuck)} stuck",
    )


def pack_figures(*, days: int = 365) -> list[Figure]:
    """One figure per shipped pack that can be loaded here."""
    from cases.classroom.packs import all_packs

    return [pack_figure(p.slug, days=days) for p in all_packs() if p.available]
