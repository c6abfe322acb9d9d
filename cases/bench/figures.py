"""The figures ``manage.py bench`` prints: each is (measured time) / (floor time) in one run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from cases.models import Case, CaseEvent, Exercise, MarriageCase
from cases.services.bulk import case_bulk_transition
from cases.services.engine import case_transition


@dataclass
class Figure:
    name: str
    ratio: float
    target: float
    detail: str = ""

    @property
    def met(self) -> bool:
        return self.ratio <= self.target

    def line(self) -> str:
        extra = f"  ({self.detail})" if self.detail else ""
        return f"{self.name} ratio {self.ratio:.2f} target {self.target:g}{extra}"


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    with transaction.atomic():
        func()
    return time.perf_counter() - start


def floor_update_and_insert(exercise_id: int, ids: list[int], target: str, office_id: int) -> None:
    """The floor: one raw UPDATE of the rows and one bulk INSERT of their events."""
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"UPDATE {table} SET state = %s, next_office_id = %s WHERE id IN ({marks})",
            [target, office_id, *ids],
        )
    now = Case.objects.filter(pk=ids[0]).values_list("state_since", flat=True).get()
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_id=pk, exercise_id=exercise_id, kind="transition", transition="floor", label="floor",
                   source_state="filed", target_state=target, office_id=office_id, sim_time=now) for pk in ids],
        batch_size=2000,
    )


def bulk_transition_figure(*, exercise: Exercise, make_cases: Callable[[int], list[int]], actor: Any, size: int,
                           repeats: int) -> Figure:
    """Bulk step of ``size`` cases vs the floor of one raw UPDATE + one bulk INSERT of the same rows."""
    office_id = exercise.offices.get(kind="work_unit").pk
    ratios = []
    for _ in range(repeats):
        floor_ids, bulk_ids = make_cases(size), make_cases(size)
        floor = timed(lambda ids=floor_ids: floor_update_and_insert(exercise.pk, ids, "dissuasion", office_id))
        took = timed(lambda ids=bulk_ids: case_bulk_transition(
            kind="marriage", case_ids=ids, transition="begin_dissuasion", actor=actor))
        assert Case.objects.filter(pk__in=bulk_ids, state="dissuasion").count() == size
        ratios.append(took / floor)
    return Figure("bulk_transition_10k", statistics.median(ratios), 2, f"{size} cases, median of {repeats}")


def single_case_figure(*, exercise: Exercise, make_cases: Callable[[int], list[int]], actor: Any, count: int) -> Figure:
    """One case through the service vs a bare django-fsm transition + save, averaged over ``count`` cases."""
    bare_ids, service_ids = make_cases(count), make_cases(count)

    def bare() -> None:
        for pk in bare_ids:
            case = MarriageCase.objects.get(pk=pk)
            case.begin_dissuasion()
            case.save()

    def service() -> None:
        for pk in service_ids:
            case_transition(case=Case(pk=pk, kind="marriage"), transition="begin_dissuasion", actor=actor)

    floor = timed(bare)
    took = timed(service)
    return Figure("single_case_service", took / floor, 1.5, f"{count} cases each way")


def _time_get(client: Any, url: str, repeats: int) -> tuple[float, int]:
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (templates, memberships)
    times = []
    queries = 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def admin_scale_figures(*, exercise: Exercise, make_cases: Callable[[int], list[int]], actor: Any,
                        small: int, large: int, repeats: int) -> list[Figure]:
    """Changelist and case page with ``large`` cases vs with ``small`` cases (time ratio, query counts)."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(actor)
    ids = make_cases(small)
    case_url = reverse("admin:cases_marriagecase_change", args=[ids[len(ids) // 2]])
    list_url = reverse("admin:cases_marriagecase_changelist")
    inbox_url = reverse("admin:cases_caseproxy_changelist")
    before = {url: _time_get(client, url, repeats) for url in (list_url, inbox_url, case_url)}
    added = small
    while added < large:
        chunk = min(20_000, large - added)
        make_cases(chunk)
        added += chunk
    after = {url: _time_get(client, url, repeats) for url in (list_url, inbox_url, case_url)}
    names = {list_url: "admin_changelist_100k", inbox_url: "admin_inbox_100k", case_url: "admin_case_page_100k"}
    return [
        Figure(names[url], after[url][0] / before[url][0], 1.3,
               f"{small} -> {large} cases; queries {before[url][1]} -> {after[url][1]}")
        for url in names
    ]


def sweep_figure(*, exercise: Exercise, make_cases: Callable[[int], list[int]], size: int, repeats: int) -> Figure:
    """Sweep of ``size`` due deadlines vs the floor of one raw UPDATE + one bulk INSERT of the same rows."""
    import datetime as dt

    from cases.models import Deadline, DeadlineKind
    from cases.services.deadlines import deadlines_sweep

    office_id = exercise.offices.get(kind="work_unit").pk
    ratios = []
    for _ in range(repeats):
        floor_ids, swept_ids = make_cases(size), make_cases(size)
        due = exercise.clock - dt.timedelta(hours=1)
        Deadline.objects.bulk_create(
            [Deadline(case_id=pk, exercise=exercise, kind=DeadlineKind.ESCALATION, due_at=due,
                      action="begin_dissuasion", set_at=due) for pk in swept_ids],
            batch_size=2000,
        )
        floor = timed(lambda ids=floor_ids: floor_update_and_insert(exercise.pk, ids, "dissuasion", office_id))
        took = timed(lambda: deadlines_sweep(exercise_id=exercise.pk))
        assert Case.objects.filter(pk__in=swept_ids, state="dissuasion").count() == size
        ratios.append(took / floor)
    return Figure("deadline_sweep_10k", statistics.median(ratios), 2, f"{size} deadlines, median of {repeats}")
