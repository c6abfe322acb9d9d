"""Fire due deadlines exactly once, in due order, in batches, through the state machine.

A deadline is a row (case, kind, due at, action, status). The sweep claims due pending rows of one
exercise, and for each one, inside one transaction: marks it fired (a conditional update, so a row
is never fired twice even if two sweeps meet) and takes its effect, either the procedure step named
by ``action`` (through ``case_transition(system=True)``, recorded as a DEADLINE event dated at the
due time) or a handler (``remind``, ``escalate``). A step no longer possible from the case's state
cancels the deadline with a note instead of failing the sweep.

On PostgreSQL rows are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent workers
take different rows; on SQLite the database write lock serialises sweeps. A crash rolls back the
claim together with the effect, so nothing fired is lost and nothing is fired twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from cases.engine import step_named, transitions_from
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, DeadlineKind, DeadlineStatus, EventKind, Exercise
from cases.services.bulk import case_bulk_transition, instances_from_rows
from cases.services.sql_rows import (
    collector_paused,
    ids_placeholder,
    ids_value,
    placeholder,
    rows_by_ids,
    rows_by_params,
    update_same,
)
from cases.wording import clip, short_date

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000


@dataclass
class SweepResult:
    """What one sweep did."""

    fired: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    more: bool = False  # stopped after max_batches with due rows left


def _fmt(when: dt.datetime) -> str:
    return short_date(timezone.localtime(when), time=True)


# --- Handlers: deadline actions that are not procedure steps -------------------------------------


def _watched_state_left(deadline: Deadline, case: Case) -> bool:
    """Return whether the case has left the state (or stay) a reminder or escalation watches."""
    if deadline.action == "escalate":
        return case.state != deadline.watch_state or bool(deadline.set_at and case.state_since > deadline.set_at)
    return bool(deadline.watch_state) and case.state != deadline.watch_state


def deadline_moved_past(deadline: Deadline, case: Case) -> bool:
    """Return whether a pending deadline will lapse when it falls due: the case has moved past what it waits for.

    A reminder or escalation lapses once the case leaves the state it watches (its handler refuses); a
    step lapses once the case's state no longer offers it (the step service refuses). Either way the sweep
    marks it cancelled only when it falls due; the case page says so before.
    """
    if deadline.status != DeadlineStatus.PENDING:
        return False
    if deadline.action in HANDLERS:
        return _watched_state_left(deadline, case)
    return deadline.action not in {t.name for t in transitions_from(case)}


def _handle_remind(deadline: Deadline, case: Case) -> str:
    """Record a reminder on the case timeline (used by MEET-1 consent reminders), unless it moved on first."""
    if _watched_state_left(deadline, case):
        raise ApplicationError("The case moved on before the reminder fell due.")
    CaseEvent.objects.create(
        case=case,
        exercise_id=deadline.exercise_id,
        kind=EventKind.REMINDER,
        label=f"Reminder: {deadline.note or deadline.get_kind_display()}",
        sim_time=deadline.due_at,
        rules=deadline.rules,
        office=case.next_office,
        note=deadline.note,
        data={"deadline": deadline.pk},
    )
    return "reminded"


def _handle_escalate(deadline: Deadline, case: Case) -> str:
    """Flag a case that has waited too long at one office, unless it moved on meanwhile."""
    if _watched_state_left(deadline, case):
        raise ApplicationError("The case moved on before the escalation fell due.")
    Case.objects.filter(pk=case.pk).update(escalated_at=deadline.due_at)
    waited = (deadline.due_at - case.state_since).days
    CaseEvent.objects.create(
        case=case,
        exercise_id=deadline.exercise_id,
        kind=EventKind.ESCALATION,
        label=f"Escalated: waiting {waited} days at {case.next_office or 'no office'}",
        sim_time=deadline.due_at,
        rules=deadline.rules,
        office=case.next_office,
        note=deadline.note,
        data={"deadline": deadline.pk, "waited_days": waited},
    )
    return "escalated"


HANDLERS: dict[str, Callable[[Deadline, Case], str]] = {
    "remind": _handle_remind,
    "escalate": _handle_escalate,
}
# What each handler does, as a page says it (a deadline that fires a step is named by the step's label).
HANDLER_LABELS = {"remind": "A reminder to the office", "escalate": "Flags the wait as escalated"}


def deadline_action_label(deadline: Deadline, model: type[Case]) -> str:
    """Return what the deadline does when it fires, in words: the step's label, or the handler's."""
    if deadline.action in HANDLER_LABELS:
        return HANDLER_LABELS[deadline.action]
    meta = step_named(model, deadline.action)
    return meta.label if meta is not None else deadline.action


# --- Setting deadlines that no state entry sets ---------------------------------------------------


def deadline_escalation_set(*, case: Case, days: int, rules: tuple[str, ...] = (), note: str = "") -> Deadline:
    """Escalate the case if it is still waiting in its present state ``days`` simulated days from now.

    Regimes use this to show backlogs (e.g. the slow 1961 practice); the flag clears on the next step.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ApplicationError("An escalation needs a whole number of days, at least one.")
    if case.is_closed:
        raise ApplicationError("This case is closed; there is nothing to escalate.")
    case.refresh_from_db(fields=["state", "state_since", "next_office"])
    return Deadline.objects.create(
        case=case,
        exercise_id=case.exercise_id,
        kind=DeadlineKind.ESCALATION,
        due_at=case.state_since + dt.timedelta(days=days),
        action="escalate",
        rules=",".join(rules),
        note=note or f"Escalate after {days} days in one state",
        watch_state=case.state,
        set_at=case.state_since,
    )


# --- The sweep ------------------------------------------------------------------------------------


def _claim(exercise_id: int, clock: dt.datetime, size: int, skip: set[int]) -> list[Deadline]:
    """Claim (lock, where the database can) up to ``size`` due deadlines of the exercise, in due order.

    Only each case's earliest pending deadline is claimable: per case, deadlines fire in due order,
    and a worker never takes a later one while another worker holds the earlier one. ``skip``: rows
    deferred in this sweep. The query is compiled once per size (:func:`rows_by_params`), its rows made
    into the instances ``list(qs[:size])`` would give, without Model.__init__ per row.
    """
    names = [f.attname for f in Deadline._meta.concrete_fields]

    def build() -> QuerySet[Deadline]:
        earlier = Deadline.objects.filter(
            case_id=OuterRef("case_id"), status=DeadlineStatus.PENDING, due_at__lt=OuterRef("due_at")
        )
        qs = (
            Deadline.objects.filter(~Exists(earlier), exercise_id=placeholder(0), status=DeadlineStatus.PENDING,
                                    due_at__lte=placeholder(1))
            .exclude(pk__in=ids_placeholder(2))
            .order_by("due_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        return qs[:size].values_list(*names)

    due_by = Deadline._meta.get_field("due_at").get_db_prep_value(clock, connection)  # as the lookup prepares it
    rows = rows_by_params(("sweep-claim", size), build, exercise_id, due_by, ids_value(sorted(skip)))
    return instances_from_rows(Deadline, names, rows)


def _fire(deadline: Deadline, kind: str = "") -> str:
    """Take the deadline's effect; return "fired", "cancelled" or "deferred".

    ``kind`` is the case's procedure when the caller has read it (the step then loads the case once,
    locked, as its procedure's model, instead of loading it twice more first).
    """
    # Per case, deadlines fire in due order: an earlier one still pending (claimed by another
    # worker, or set by a step fired a moment ago) goes first.
    earlier = Deadline.objects.filter(
        case_id=deadline.case_id, status=DeadlineStatus.PENDING, due_at__lt=deadline.due_at
    ).exists()
    if earlier:
        return "deferred"
    # The conditional update is the once-only gate: only one sweep can move a row off pending.
    won = Deadline.objects.filter(pk=deadline.pk, status=DeadlineStatus.PENDING).update(
        status=DeadlineStatus.FIRED, fired_at=deadline.due_at
    )
    if not won:
        return "skipped"
    try:
        if deadline.action in HANDLERS:
            # Handlers check before they write, so a refusal leaves nothing to roll back.
            case = Case.objects.select_related("next_office").get(pk=deadline.case_id)
            HANDLERS[deadline.action](deadline, case)
        else:
            from cases.services.steps import case_transition

            # case_transition is atomic on its own: a refusal rolls back only its savepoint.
            case_transition(
                case=Case(pk=deadline.case_id, kind=kind) if kind else Case.objects.get(pk=deadline.case_id).specific(),
                transition=deadline.action,
                actor=None,
                system=True,
                at=deadline.due_at,
                event_kind=EventKind.DEADLINE,
                note=_fired_note(deadline),
                event_data={"deadline": deadline.pk},
            )
    except ApplicationError as exc:
        Deadline.objects.filter(pk=deadline.pk).update(
            status=DeadlineStatus.CANCELLED, fired_at=None, note=clip(f"Cancelled: {exc.message}", 200)
        )
        return "cancelled"
    return "fired"


def _fired_note(deadline: Deadline) -> str:
    return f"Deadline passed ({deadline.get_kind_display()}, due {_fmt(deadline.due_at)})." + (
        f" {deadline.note}" if deadline.note else ""
    )


class _Lost(Exception):
    """Another sweep took some of these rows first: go the careful way, one deadline at a time."""


def _fire_steps_in_bulk(
    kind: str, action: str, deadlines: list[Deadline]
) -> tuple[list[int], list[int], list[Deadline]]:
    """Fire one step for many cases through a bulk step; return (fired ids, cancelled ids, left over).

    The gate is one conditional UPDATE of all the rows: if it moves every one of them, no other sweep
    can have them (PostgreSQL: we hold their row locks; SQLite: we now hold the write lock), so the
    effects follow in bulk. Otherwise, or if the bulk step meets a conflict, everything here is rolled
    back and the rows are left over for ``_fire``, one at a time.
    """
    seen: set[int] = set()
    bulk: list[Deadline] = []
    later: list[Deadline] = []
    for d in deadlines:  # two deadlines of one case due at the same instant: the second waits its turn
        (later if d.case_id in seen else bulk).append(d)
        seen.add(d.case_id)
    fired: list[int] = []
    cancelled: dict[str, list[int]] = defaultdict(list)
    try:
        with transaction.atomic():
            # One statement with the ids as one array (as fired_at=F("due_at") by the ORM, without its
            # ``IN (SELECT unnest(...))``, which PostgreSQL plans badly for an UPDATE of thousands).
            won = update_same(Deadline, {"status": DeadlineStatus.FIRED}, [d.pk for d in bulk],
                              guard=("status", DeadlineStatus.PENDING), copies={"fired_at": "due_at"})
            if won != len(bulk):
                raise _Lost
            # Deadlines of one kind due together share their note: word each one once.
            wording: dict[tuple[str, dt.datetime, str], str] = {}
            notes = {}
            for d in bulk:
                key = (d.kind, d.due_at, d.note)
                if key not in wording:
                    wording[key] = _fired_note(d)
                notes[d.case_id] = wording[key]
            result = case_bulk_transition(
                kind=kind, case_ids=[d.case_id for d in bulk], transition=action, actor=None, system=True,
                at={d.case_id: d.due_at for d in bulk}, event_kind=EventKind.DEADLINE, notes=notes,
                event_data={d.case_id: {"deadline": d.pk} for d in bulk},
            )
            moved = set(result.moved)
            for d in bulk:
                if d.case_id in moved:
                    fired.append(d.pk)
                else:
                    reason = result.refused.get(d.case_id, "the step is no longer possible")
                    cancelled[clip(f"Cancelled: {reason}", 200)].append(d.pk)
            for note, ids in cancelled.items():
                update_same(Deadline, {"status": DeadlineStatus.CANCELLED, "fired_at": None, "note": note}, ids)
    except (_Lost, ApplicationError):
        return [], [], deadlines
    return fired, [pk for ids in cancelled.values() for pk in ids], later


def _runs(batch: list[Deadline]) -> list[tuple[tuple[str, str] | None, list[Deadline]]]:
    """Cut a batch (in due order) into runs of the same step on the same procedure; handlers alone."""
    kinds = dict(map(tuple, rows_by_ids(
        ("sweep-kinds",), lambda p: Case.objects.filter(pk__in=p).order_by().values_list("pk", "kind"),
        list({d.case_id for d in batch}),
    )))
    runs: list[tuple[tuple[str, str] | None, list[Deadline]]] = []
    for d in batch:
        key = None if d.action in HANDLERS else (kinds.get(d.case_id, ""), d.action)
        if key is not None and runs and runs[-1][0] == key:
            runs[-1][1].append(d)
        else:
            runs.append((key, [d]))
    return runs


def deadlines_sweep(*, exercise_id: int, batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> SweepResult:
    """Fire every pending deadline of the exercise due by its clock, once each, in due order.

    Each batch is one transaction; the clock is re-read per batch, and deadlines set by the steps
    fired (a pass expiring sets an overdue-return deadline) are picked up in the same sweep.
    Idempotent: a second run, or a concurrent one, finds nothing left to fire twice.
    """
    result = SweepResult()
    if not Exercise.objects.filter(pk=exercise_id).exists():
        return result  # deleted since the sweep was queued: nothing to do, nothing to retry
    skip: set[int] = set()
    batches = 0
    while True:
        if max_batches is not None and batches >= max_batches:
            result.more = Deadline.objects.filter(
                exercise_id=exercise_id,
                status=DeadlineStatus.PENDING,
                due_at__lte=Exercise.objects.get(pk=exercise_id).clock,
            ).exclude(pk__in=skip).exists()
            break
        batches += 1
        with collector_paused(), transaction.atomic():
            clock = Exercise.objects.values_list("clock", flat=True).get(pk=exercise_id)
            batch = _claim(exercise_id, clock, batch_size, skip)
            if not batch:
                break
            progress = False
            one_by_one: list[Deadline] = []
            # Runs keep the due order: a run of one step on many cases goes through one bulk step.
            for key, run in _runs(batch):
                kind = key[0] if key is not None else ""
                if key is not None:
                    fired, cancelled, left = _fire_steps_in_bulk(key[0], key[1], run)
                    result.fired.extend(fired)
                    result.cancelled.extend(cancelled)
                    progress = progress or bool(fired or cancelled)
                    one_by_one = left
                else:
                    one_by_one = run
                for deadline in one_by_one:
                    outcome = _fire(deadline, kind)
                    if outcome == "fired":
                        result.fired.append(deadline.pk)
                        progress = True
                    elif outcome == "cancelled":
                        result.cancelled.append(deadline.pk)
                        progress = True
                    elif outcome == "deferred":
                        skip.add(deadline.pk)
        if progress:
            # What was deferred behind an earlier deadline may be next now: look at it again.
            skip.clear()
        else:
            # Only rows waiting behind deadlines another worker holds: leave them to it.
            result.deferred = sorted(skip)
            break
    # Rows left deferred wait behind deadlines another worker holds; that worker's next batch, or the
    # periodic sweep, takes them (re-queueing here would only make the workers chase each other).
    return result


def exercises_with_due_deadlines() -> list[int]:
    """Return the ids of exercises that have pending deadlines due by their clock."""
    return list(
        Deadline.objects.filter(status=DeadlineStatus.PENDING, due_at__lte=F("exercise__clock"))
        .values_list("exercise_id", flat=True)
        .distinct()
        .order_by("exercise_id")
    )
