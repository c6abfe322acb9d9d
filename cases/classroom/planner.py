"""The autopilot's planner: every open case's next step in a heap by due time, taken in bulk batches.

A case is (re-)planned only when something happened to it (an event since the last look), when a
timed event of the pack fired, or now and then while a policy leaves it waiting. A batch is the steps
due within :data:`WINDOW` of the earliest; a case whose own deadline falls due first waits for it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min

from cases.classroom.pilot_load import load_open_cases
from cases.classroom.policy_base import AutoStep, policy_for
from cases.engine import meta_of, transitions_from
from cases.errors import ApplicationError
from cases.models import (
    Case,
    CaseEvent,
    Deadline,
    DeadlineStatus,
    Exercise,
    Membership,
    Office,
    TimedEvent,
    TimedEventStatus,
)
from cases.models.case import office_share
from cases.services.bulk import case_bulk_transition
from cases.services.deadlines import BATCH_SIZE
from cases.services.sql_rows import ids_param, ids_placeholder, ids_value, placeholder, query_rows, rows_by_params
from cases.services.steps import case_transition

# Steps due within this much simulated time of the earliest one are taken together (one bulk step per
# procedure and step), each dated at its own due time; deadlines that fall due first still go first.
WINDOW = dt.timedelta(days=1)
# An office never acts sooner than this after the case reached its state (no zero-time loops).
MIN_DELAY = dt.timedelta(hours=1)
# Cases a policy left waiting (nothing to do yet) are looked at again this often, in simulated time.
IDLE_RECHECK = dt.timedelta(days=30)


def staffed_office_ids(exercise: Exercise) -> set[int]:
    """Return the offices a student holds (the autopilot leaves them alone)."""
    return set(
        Membership.objects.filter(exercise=exercise, office__isnull=False, is_facilitator=False)
        .values_list("office_id", flat=True)
    )


def _params(case: Case) -> dict[str, Any]:
    return dict(case.regime_obj.param("autopilot", {}) or {})


class DecideCache:
    """What :func:`_decide` looks up per case that cannot differ between cases of one plan call.

    A procedure's policy (from the registry) and a regime's ``autopilot`` parameters, looked up once per
    kind and regime; each decision still gets its own copy of the parameters, as :func:`_params` makes.
    Kept for one :meth:`Pilot.plan` call only: nothing registers procedures or changes regimes meanwhile.
    """

    def __init__(self) -> None:
        self.policies: dict[str, Any] = {}
        self.params: dict[str, dict[str, Any]] = {}

    def policy(self, kind: str) -> Any:
        found = self.policies.get(kind)
        if found is None:
            found = self.policies[kind] = policy_for(kind)
        return found

    def params_of(self, case: Case) -> dict[str, Any]:
        regime = case.regime
        found = self.params.get(regime)
        if found is None:
            found = self.params[regime] = _params(case)
        return dict(found)


def _decide(case: Case, n_events: int, seed: int,
            cache: DecideCache | None = None) -> tuple[dt.datetime, AutoStep, str] | None:
    """Return (when, what, acting office kind) for a case loaded as its procedure's model, or None."""
    state = case.state
    rng = random.Random(f"{seed}:{case.reference}:{state}:{n_events}")
    params = cache.params_of(case) if cache is not None else _params(case)
    days_table = params.get("days", {})
    options = transitions_from(case, state)
    jitter = 0.5 + rng.random()  # +/-50%, drawn first so decisions do not shift times
    policy = cache.policy(case.kind) if cache is not None else policy_for(case.kind)
    decision = policy(case, params, rng)
    if decision is None:
        return None
    named = [t for t in options if t.name == decision.transition]
    office_kind = meta_of(named[0]).office if named else (meta_of(options[0]).office if options else "")
    if decision.after is not None:
        delay = decision.after
    else:
        delay = dt.timedelta(days=float(days_table.get(office_kind, days_table.get("default", 7))) * jitter)
    return case.state_since + max(delay, MIN_DELAY), decision, office_kind


@dataclass
class RunReport:
    steps: int = 0
    stuck: list[str] = field(default_factory=list)
    clock_from: dt.datetime | None = None
    clock_to: dt.datetime | None = None
    log: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    due: dt.datetime
    state: str
    step: AutoStep
    case: Case


class Pilot:
    """One run: the plan of every open case in a heap by due time, re-planned only where something changed."""

    def __init__(self, exercise: Exercise, seed: int, actor: Any, report: RunReport, *,
                 every_office: bool = False) -> None:
        self.exercise = exercise
        self.seed = seed
        self.actor = actor
        self.report = report
        self.clock_source = "service"  # the ClockMoveSource of the time move this run belongs to
        # The offices it leaves alone: those a student holds, or none when the teacher lets it play them all.
        self.staffed = set() if every_office else staffed_office_ids(exercise)
        offices = list(Office.objects.filter(exercise=exercise))
        self.office_rows = Case.offices_by_kind(exercise.pk, offices)
        self.offices = {o.pk: o for o in offices}
        self._office_shares: dict[type, dict[str, Office]] = {}
        self.plans: dict[int, _Plan] = {}
        self.heap: list[tuple[dt.datetime, int]] = []
        self.idle: set[int] = set()
        self.stuck: set[tuple[int, str]] = set()
        self.seen_event = 0
        self.n_events: dict[int, int] = {}
        self.idle_checked = exercise.clock
        # Cases a bulk step of this run has just moved: their instances hold what the database holds,
        # unless something else touched them since (then they have more than that step's one event).
        self.moved: dict[int, Case] = {}
        # What the run last read of the exercise's pending timed events (their times, in order) and of
        # its first pending deadline, kept until the run itself writes something that changes them:
        # nobody else can meanwhile, since the time move holds the exercise's row lock.
        self._events: list[dt.datetime] | None = None
        self._deadline: tuple[dt.datetime | None] | None = None

    # --- planning --------------------------------------------------------------------------------

    def _office_id(self, case: Case, kind: str) -> int | None:
        office = case.office_for(kind)  # primed or joined in by _load: no query
        return office.pk if office is not None else None

    def _prime(self, case: Case) -> None:
        """Give the case a fresh office cache from ``office_rows`` (``Case.prime_offices``), each model's share once."""
        model = type(case)
        share = self._office_shares.get(model)
        if share is None:
            share = self._office_shares[model] = office_share(model, self.office_rows)
        case.prime_offices(self.office_rows, fresh=True, share=share)

    def _load(self, pks: Iterable[int], kinds: dict[int, str] | None = None) -> list[Case]:
        """Load open cases as their procedures' models, sharing the exercise; forward keys attached."""
        loaded = load_open_cases(pks, kinds)
        for case in loaded:
            case.exercise = self.exercise  # one shared instance: guards read its clock as it moves
            self._prime(case)  # as Case.office_for would find them, without a query per case
            case._state.fields_cache["next_office"] = self.offices.get(case.next_office_id)
        return loaded

    def plan(self, pks: Iterable[int], current: dict[int, Case] | None = None,
             kinds: dict[int, str] | None = None) -> None:
        """(Re-)plan these cases: drop their old plans, decide each one's next step.

        ``current`` gives instances known to hold what the database holds (used instead of loading);
        ``kinds`` each case's procedure when the caller has read it.
        """
        pks = set(pks)
        current = current or {}
        for pk in pks:
            self.plans.pop(pk, None)
            self.idle.discard(pk)
        if not pks:
            return
        cases = self._load(pks - current.keys(), kinds)
        for pk, case in current.items():
            if pk in pks and case.closed_at is None:
                self._prime(case)  # afresh: the step may have changed a case's own office
                cases.append(case)
        cache = DecideCache()
        for case in cases:
            state = case.state
            if (case.pk, state) in self.stuck:
                continue
            decided = _decide(case, self.n_events.get(case.pk, 0), self.seed, cache)
            if decided is None:
                self.idle.add(case.pk)
                continue
            due, step, office_kind = decided
            due = max(due, self.exercise.clock)  # overdue when planned: the office acts now, not in the past
            if step.perform is None:
                acting = self._office_id(case, office_kind)
                if acting is None or acting in self.staffed:
                    continue  # a student's decision: the autopilot waits for it (their step re-plans it)
            elif case.next_office_id in self.staffed:
                continue
            self.plans[case.pk] = _Plan(due, state, step, case)
            heapq.heappush(self.heap, (due, case.pk))

    def plan_all(self) -> None:
        """Plan every open case, counting each one's events once (later events are counted as they come)."""
        self.seen_event = CaseEvent.objects.filter(exercise=self.exercise).order_by("-id").values_list(
            "id", flat=True).first() or 0
        kinds = dict(Case.objects.filter(exercise=self.exercise, closed_at__isnull=True).values_list("pk", "kind"))
        open_ids = sorted(kinds)
        self.moved.clear()
        self.n_events = dict(map(tuple, query_rows(  # type: ignore[arg-type]
            CaseEvent.objects.filter(case_id__in=ids_param(open_ids), id__lte=self.seen_event)
            .order_by().values("case_id").annotate(n=Count("id")).values_list("case_id", "n")
        ))) if open_ids else {}
        self.plan(open_ids, kinds=kinds)

    def replan_touched(self, extra: Iterable[int] = ()) -> None:
        """Re-plan the cases with events since the last look (steps, deadlines, students, new cases)."""
        touched = set(extra)
        new: dict[int, int] = defaultdict(int)
        rows = rows_by_params(
            ("pilot-new-events",),
            lambda: CaseEvent.objects.filter(exercise_id=placeholder(0), id__gt=placeholder(1)).order_by()
            .values_list("id", "case_id"),
            self.exercise.pk, self.seen_event,
        )
        for event_id, case_id in rows:
            self.seen_event = max(self.seen_event, event_id)
            self.n_events[case_id] = self.n_events.get(case_id, 0) + 1  # the seed of the next decision
            new[case_id] += 1
            touched.add(case_id)
        if self.exercise.clock - self.idle_checked >= IDLE_RECHECK:
            touched |= self.idle  # time alone may open a step (validity, seasons): look at waiting cases again
            self.idle_checked = self.exercise.clock
        current = {pk: case for pk, case in self.moved.items() if new.get(pk) == 1}
        self.moved.clear()
        self.plan(touched, current)

    def next_due(self) -> dt.datetime | None:
        while self.heap:
            due, pk = self.heap[0]
            plan = self.plans.get(pk)
            if plan is not None and plan.due == due:
                return due
            heapq.heappop(self.heap)  # superseded by a newer plan
        return None

    def next_deadline(self) -> dt.datetime | None:
        """Return when the exercise's next pending deadline falls due."""
        if self._deadline is None:
            # The aggregate over the exercise's pending deadlines (one row, or none without any), compiled once.
            rows = rows_by_params(
                ("pilot-first-deadline",),
                lambda: Deadline.objects.filter(exercise_id=placeholder(0), status=DeadlineStatus.PENDING)
                .order_by().values("exercise_id").annotate(first=Min("due_at")).values_list("first"),
                self.exercise.pk,
            )
            self._deadline = (rows[0][0] if rows else None,)
        return self._deadline[0]

    def next_event(self) -> dt.datetime | None:
        """Return when the exercise's next pending timed event is (due already or not)."""
        if self._events is None:
            self._events = list(
                TimedEvent.objects.filter(exercise=self.exercise, status=TimedEventStatus.PENDING)
                .order_by("at").values_list("at", flat=True)
            )
        return self._events[0] if self._events else None

    def fire_events(self) -> None:
        """Fire the timed events due by the clock; read the exercise as they left it (a pause, a regime)."""
        from cases.classroom.timeline import fire_due_events

        self._forget()
        fire_due_events(exercise=self.exercise, actor=self.actor)
        self.exercise.refresh_from_db()

    def _forget(self) -> None:
        """Read the timed events and deadlines again next time: the run is about to change them."""
        self._events = None
        self._deadline = None

    def pop_until(self, end: dt.datetime, before: dt.datetime | None) -> list[_Plan]:
        """Take the plans due by ``end`` (and strictly before ``before``), in due order."""
        taken = []
        while self.next_due() is not None:
            due, pk = self.heap[0]
            if due > end or (before is not None and due >= before):
                break
            heapq.heappop(self.heap)
            taken.append(self.plans.pop(pk))
        return taken

    # --- acting ----------------------------------------------------------------------------------

    def move_clock(self, to: dt.datetime, note: str = "Autopilot") -> None:
        """Move the clock to ``to`` (if later) through the timed events on the way; sweep what falls due.

        A stretch of the time move this run belongs to: the run sees each deadline's and event's effect
        before planning on. It leaves the run's exercise instance as the database holds it (the clock,
        and what timed events changed: a pause, a regime); nothing else here writes the exercise row, so
        the instance is not loaded again after a sweep or a move without stops.
        """
        from cases.classroom.timeline import _walk_clock

        if to > self.exercise.clock:
            event = self.next_event()
            if event is not None and event <= to:
                self._forget()
                _walk_clock(exercise=self.exercise, actor=self.actor, to=to, source=self.clock_source, note=note)
            else:
                # No timed event on the way (nor due): the stretch is the clock write and its sweep alone,
                # as the walk through the events makes it, without looking for events again.
                _clock_write_no_stops(self, to, note)
                self._sweep_due(BATCH_SIZE)
        self._sweep_due(1000)

    def _sweep_due(self, batch_size: int) -> None:
        """Sweep the deadlines due by the clock, if there is one (else the sweep would find nothing to fire)."""
        from cases.services.deadlines import deadlines_sweep

        first = self.next_deadline()
        if first is not None and first <= self.exercise.clock:
            self._deadline = None
            deadlines_sweep(exercise_id=self.exercise.pk, batch_size=batch_size)

    def act(self, batch: list[_Plan]) -> None:
        """Take a batch of decisions, moving the clock on as they go (never sweeping: the caller does).

        Decisions made through another service (``perform``: a crossing, a reply to a meeting request)
        go first, in time order, each with the clock at its own time, since those services stamp the
        clock. Then the clock moves to the batch's last time and each group of the same step on one
        procedure goes through one bulk step, every case dated at its own time.
        """
        groups: dict[str, list[_Plan]] = defaultdict(list)
        performs: list[_Plan] = []
        for plan in batch:
            if plan.step.perform is not None:
                performs.append(plan)
            else:
                groups[plan.case.kind].append(plan)
        if performs or any(sets_deadlines(type(plans[0].case)) for plans in groups.values()):
            self._deadline = None  # the steps may set deadlines: read the first pending one again
        for p in sorted(performs, key=lambda p: (p.due, p.case.pk)):
            if p.due > self.exercise.clock:
                _clock_write_no_stops(self, p.due)
            try:
                with transaction.atomic():
                    p.step.perform(p.case, min(p.due, self.exercise.clock))  # type: ignore[misc]
            except ApplicationError as exc:
                self._stuck(p, exc.message)
                continue
            self._done(p)
        last = max(p.due for p in batch)
        if last > self.exercise.clock:
            _clock_write_no_stops(self, last)
        # One bulk step per procedure: each case takes its own step (checked for that step), so a day's
        # steps on one procedure's cases cost one lock, one write per table and one insert per kind of row.
        for kind, plans in sorted(groups.items()):
            try:
                result = case_bulk_transition(
                    kind=kind, cases=[p.case for p in plans], transition=plans[0].step.transition, actor=None,
                    transitions={p.case.pk: p.step.transition for p in plans},
                    system=True, at={p.case.pk: p.due for p in plans},
                    notes={p.case.pk: p.step.note or "Autopilot" for p in plans},
                    data_by_case={p.case.pk: p.step.data for p in plans},
                )
            except ApplicationError:  # someone moved one of them meanwhile: go one by one
                self._one_by_one(plans)
                continue
            moved = set(result.moved)
            for p in plans:
                if p.case.pk in moved:
                    self.moved[p.case.pk] = p.case
                    self._done(p)
                else:
                    self._stuck(p, result.refused.get(p.case.pk, "the step is no longer possible"))

    def _one_by_one(self, plans: list[_Plan]) -> None:
        for p in sorted(plans, key=lambda p: (p.due, p.case.pk)):
            try:
                case_transition(case=p.case, transition=p.step.transition, actor=None, data=p.step.data,
                                note=p.step.note or "Autopilot", system=True, at=p.due)
            except ApplicationError as exc:
                self._stuck(p, exc.message)
                continue
            self._done(p)

    def _done(self, p: _Plan) -> None:
        self.report.steps += 1
        self.report.log.append(f"{p.due:%Y-%m-%d} {p.case.reference} {p.step.transition}")

    def _stuck(self, p: _Plan, message: str) -> None:
        self.stuck.add((p.case.pk, p.state))
        self.report.stuck.append(f"{p.case.reference}: {message}")


def sets_deadlines(model: type[Case]) -> bool:
    """Return whether a step of this procedure may write a deadline.

    The step services write a case's deadlines from its procedure's ``deadlines_on_enter`` alone
    (cases/services/steps.py: deadline_values), and a step neither fires nor cancels one: after
    steps of procedures without that hook, the exercise's first pending deadline is where it was.
    """
    return getattr(model, "deadlines_on_enter", None) is not None


def deadline_first(batch: list[_Plan]) -> tuple[list[_Plan], list[_Plan], dt.datetime | None]:
    """Split off the cases whose own pending deadline falls due before the office acts (it goes first)."""
    if not batch:
        return batch, [], None
    end = max(p.due for p in batch)
    # One query with the ids as one parameter, compiled once (cases/services/sql_rows.py: rows_by_params).
    first: dict[int, dt.datetime] = dict(map(tuple, rows_by_params(  # type: ignore[arg-type]
        ("pilot-deadline-first",),
        lambda: Deadline.objects.filter(case_id__in=ids_placeholder(0), status=DeadlineStatus.PENDING,
                                        due_at__lte=placeholder(1))
        .order_by().values("case_id").annotate(first=Min("due_at")).values_list("case_id", "first"),
        ids_value([p.case.pk for p in batch]), Deadline._meta.get_field("due_at").get_db_prep_value(end, connection),
    )))
    now, later = [], []
    for p in batch:
        (later if p.case.pk in first and first[p.case.pk] <= p.due else now).append(p)
    soonest = min((first[p.case.pk] for p in later), default=None)
    return now, later, soonest


def _clock_write_no_stops(pilot: Pilot, to: dt.datetime, note: str = "Autopilot") -> None:
    """Move the clock to ``to`` without sweeping: the steps about to be taken are dated before it.

    No timed event of the pack falls before ``to`` (the batch stops short of the next one), so the
    low-level clock write is called directly, without the stops at events, inside the run's time move.
    """
    from cases.services.clock import clock_write

    # The time move holds the exercise's row lock and the run's instance is current: written as it is.
    clock_write(exercise=pilot.exercise, actor=pilot.actor, to=to, note=note, queue_sweep=False,
                source=pilot.clock_source, locked=True)
