"""The figures ``manage.py bench`` prints: each is (measured time) / (floor time) in one run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from cases.bench.floors import case_columns, raw_insert, remap, rows_of, update_by_ids
from cases.models import Case, CaseEvent, Deadline, Exercise, MarriageCase
from cases.services.bulk import case_bulk_transition
from cases.services.sql_rows import pks
from cases.services.steps import case_transition


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
    """Time ``func`` in its own transaction, committed (the commit is part of the time)."""
    start = time.perf_counter()
    with transaction.atomic():
        func()
    return time.perf_counter() - start


def interleaved(measured: Callable[[int], float], floor: Callable[[int], float], repeats: int) -> list[float]:
    """Return measured / floor per repeat, the two run one after the other in alternating order."""
    ratios = []
    for r in range(repeats):
        if r % 2:
            f = floor(r)
            m = measured(r)
        else:
            m = measured(r)
            f = floor(r)
        ratios.append(m / f)
    return ratios


@dataclass
class StepRows:
    """What one bulk step wrote, to be written again by the floor for other cases."""

    base: dict[str, Any]  # Case columns the step changed, with their new values
    own: dict[str, Any]  # the procedure table's columns it changed
    events: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    ids: list[int]  # the measured cases, in the order the floor maps its own onto

    def write(self, floor_ids: list[int]) -> None:
        """The floor: the same rows for ``floor_ids``, the fastest way (raw UPDATE by id array, raw INSERT)."""
        mapping = dict(zip(self.ids, floor_ids, strict=True))
        update_by_ids(Case, self.base, floor_ids)
        update_by_ids(MarriageCase, self.own, floor_ids)  # its key is case_ptr_id
        raw_insert(CaseEvent, remap(self.events, "case_id", mapping))
        raw_insert(Deadline, remap(self.deadlines, "case_id", mapping))


def _changed_columns(before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Return the columns a step changed in any of the rows, each with its one new value."""
    out: dict[str, Any] = {}
    for pk, row in after.items():
        for name, value in case_columns(Case, before[pk], row).items():
            assert out.get(name, value) == value, f"{name} differs from case to case; the floor writes one value"
            out[name] = value
    return {name: after[next(iter(after))][name] for name in out}


def _rows_by_pk(model: type[Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    key = "case_ptr_id" if model is MarriageCase else "id"
    names = [f.attname for f in model._meta.local_concrete_fields if not f.primary_key]
    return {row.pop(key): row for row in model._base_manager.filter(pk__in=pks(ids)).values(key, *names)}


class StepRecorder:
    """Read the rows a step is about to change, and after it what it wrote (outside the timed part)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        self.base = _rows_by_pk(Case, ids)
        self.own = _rows_by_pk(MarriageCase, ids)
        self.last_event = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.last_deadline = Deadline.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def rows(self) -> StepRows:
        return StepRows(
            base=_changed_columns(self.base, _rows_by_pk(Case, self.ids)),
            own=_changed_columns(self.own, _rows_by_pk(MarriageCase, self.ids)),
            events=rows_of(CaseEvent, id__gt=self.last_event, case_id__in=self.ids),
            deadlines=rows_of(Deadline, id__gt=self.last_deadline, case_id__in=self.ids),
            ids=self.ids,
        )


def bulk_transition_figure(*, exercise: Exercise, make_cases: Callable[[int], list[int]], actor: Any, size: int,
                           repeats: int) -> Figure:
    """Bulk step of ``size`` cases vs the same rows written raw (UPDATE by id array, multi-row INSERT).

    The rows the floor writes are those the previous measured step wrote (a first step, not timed,
    gives them and warms the caches); measured and floor runs alternate.
    """
    def step(ids: list[int]) -> Any:
        return case_bulk_transition(kind="marriage", case_ids=ids, transition="begin_dissuasion", actor=actor)

    warm = make_cases(size)
    recorder = StepRecorder(warm)
    timed(lambda: step(warm))
    last = [recorder.rows()]

    def measured(_r: int) -> float:
        ids = make_cases(size)
        rec = StepRecorder(ids)
        took = timed(lambda: step(ids))
        assert Case.objects.filter(pk__in=pks(ids), state="dissuasion").count() == size
        last[0] = rec.rows()
        return took

    def floor(_r: int) -> float:
        ids = make_cases(size)
        rows = last[0]
        took = timed(lambda: rows.write(ids))
        assert Case.objects.filter(pk__in=pks(ids), state="dissuasion").count() == size
        return took

    ratios = interleaved(measured, floor, repeats)
    rows = last[0]
    return Figure("bulk_transition_10k", statistics.median(ratios), 2,
                  f"{size} cases, median of {repeats} interleaved (min {min(ratios):.2f}, max {max(ratios):.2f}); "
                  f"floor writes {len(rows.base) + len(rows.own)} case columns, {len(rows.events)} events, "
                  f"{len(rows.deadlines)} deadlines")


def _fresh_user(pk: int) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


def single_case_figure(*, exercise: Exercise, make_cases: Callable[[int], list[int]], actor: Any, count: int,
                       rounds: int = 5) -> Figure:
    """One case through the service vs its peer, step by step alternating, a commit per step on both sides.

    The peer: load the case, the bare django-fsm transition, ``save(update_fields=...)`` of the columns
    the service's step changed (with the service's values) and the same event row. Each step gets a
    freshly loaded user on both sides, as a request would.
    """
    warm = make_cases(5)  # several cases: a column the step writes shows as changed in one of them at least
    recorder = StepRecorder(warm)
    for pk in warm:
        case_transition(case=Case(pk=pk, kind="marriage"), transition="begin_dissuasion", actor=actor)
    template = recorder.rows()
    event = {k: v for k, v in template.events[0].items() if k != "case_id"}
    changed = {**template.base, **template.own}
    changed.pop("state", None)

    def bare(pk: int, user: Any) -> None:
        with transaction.atomic():
            case = MarriageCase.objects.get(pk=pk)
            case.begin_dissuasion()
            for name, value in changed.items():
                setattr(case, name, value)
            case.save(update_fields=["state", *changed])
            CaseEvent.objects.create(case_id=pk, **{**event, "actor_id": user.pk})

    def service(pk: int, user: Any) -> None:
        case_transition(case=Case(pk=pk, kind="marriage"), transition="begin_dissuasion", actor=user)

    per_round = max(1, count // rounds)
    ratios = []
    for r in range(rounds):
        bare_ids, service_ids = make_cases(per_round), make_cases(per_round)
        spent = {"bare": 0.0, "service": 0.0}
        for i, (b, s) in enumerate(zip(bare_ids, service_ids, strict=True)):
            order = (("bare", bare, b), ("service", service, s))
            for name, func, pk in order if (i + r) % 2 == 0 else reversed(order):
                user = _fresh_user(actor.pk)
                start = time.perf_counter()
                func(pk, user)
                spent[name] += time.perf_counter() - start
        assert Case.objects.filter(pk__in=bare_ids + service_ids, state="dissuasion").count() == 2 * per_round
        ratios.append(spent["service"] / spent["bare"])
    return Figure("single_case_service", statistics.median(ratios), 1.5,
                  f"{per_round} steps each way per round, median of {rounds} interleaved rounds "
                  f"(min {min(ratios):.2f}, max {max(ratios):.2f}); peer saves {1 + len(changed)} columns + the event")


def sweep_figure(*, exercise: Exercise, make_cases: Callable[[int], list[int]], size: int, repeats: int) -> Figure:
    """Sweep of ``size`` due deadlines vs the floor: the claim, the deadline UPDATE, and the same case and event
    rows written raw; measured and floor runs alternate."""
    import datetime as dt

    from cases.models import DeadlineKind, DeadlineStatus
    from cases.services.deadlines import deadlines_sweep

    due = exercise.clock - dt.timedelta(hours=1)

    def with_deadlines(ids: list[int]) -> None:
        Deadline.objects.bulk_create(
            [Deadline(case_id=pk, exercise=exercise, kind=DeadlineKind.ESCALATION, due_at=due,
                      action="begin_dissuasion", set_at=due) for pk in ids],
            batch_size=2000,
        )

    def sweep(ids: list[int]) -> list[int]:
        result = deadlines_sweep(exercise_id=exercise.pk)
        assert len(result.fired) == len(ids), (len(result.fired), len(ids))
        return result.fired

    warm = make_cases(size)
    with_deadlines(warm)
    recorder = StepRecorder(warm)
    timed(lambda: sweep(warm))
    last = [recorder.rows()]

    def measured(_r: int) -> float:
        ids = make_cases(size)
        with_deadlines(ids)
        rec = StepRecorder(ids)
        took = timed(lambda: sweep(ids))
        assert Case.objects.filter(pk__in=pks(ids), state="dissuasion").count() == size
        last[0] = rec.rows()
        return took

    def floor_run(ids: list[int]) -> None:
        table = connection.ops.quote_name(Deadline._meta.db_table)
        lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, case_id FROM {table} WHERE exercise_id = %s AND status = %s AND due_at <= %s "
                f"ORDER BY due_at, id{lock}",
                [exercise.pk, DeadlineStatus.PENDING, Deadline._meta.get_field("due_at").get_db_prep_save(
                    exercise.clock, connection)],
            )
            claimed = cursor.fetchall()
        update_by_ids(Deadline, {"status": DeadlineStatus.FIRED, "fired_at": due}, [d for d, _c in claimed])
        last[0].write([c for _d, c in claimed])

    def floor(_r: int) -> float:
        ids = make_cases(size)
        with_deadlines(ids)
        took = timed(lambda: floor_run(ids))
        assert Case.objects.filter(pk__in=pks(ids), state="dissuasion").count() == size
        return took

    ratios = interleaved(measured, floor, repeats)
    return Figure("deadline_sweep_10k", statistics.median(ratios), 2,
                  f"{size} deadlines, median of {repeats} interleaved (min {min(ratios):.2f}, "
                  f"max {max(ratios):.2f}); floor claims, marks fired, writes the same case and event rows")
