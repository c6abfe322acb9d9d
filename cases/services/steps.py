"""Open cases and move them through their steps: the one writer every procedure shares.

Each call checks the acting office on the server, runs the django_fsm transition, saves, appends the
event, refreshes "who acts next" and writes any deadlines, all inside one ``transaction.atomic``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django_fsm import ConcurrentTransition, Transition, TransitionNotAllowed

from cases.choices import office_kind_label
from cases.engine import StepMeta, acting_office, meta_of, next_step, transitions_from, unmet_guards
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, EventKind, Exercise, Office
from cases.services.locked_load import load_locked_case
from cases.services.sql_rows import insert_rows

C = TypeVar("C", bound=Case)


# Per (model, state, variant): the office kind and rules of the next step when they do not depend on
# the case (the steps out of the state all belong to one office, or there are none), else None.
_NEXT_FIXED: dict[tuple[type, str, str], tuple[str | None, str] | None] = {}


def _next_of(case: Case, state: str | None = None) -> tuple[Office | None, str]:
    """Return ``next_step(case)`` with its rules joined, worked out once per state where the case cannot change it.

    With one office acting on every step out of the state, ``next_step`` reads no guard: its answer is
    that office's (the case's own office of that kind) and the rules of those steps, the same for
    every case of the model in that state and variant (a step's dated rules among them, whatever the date:
    pages drop those not in force, :func:`cases.selectors.next_rules_now`).
    """
    key = (type(case), case.state if state is None else state, case.variant)
    if key not in _NEXT_FIXED:
        options = transitions_from(case)
        kinds = {meta_of(t).office for t in options}
        if len(kinds) > 1:
            _NEXT_FIXED[key] = None
        else:
            _office, rules = next_step(case)
            _NEXT_FIXED[key] = (kinds.pop() if kinds else None, ",".join(rules))
    fixed = _NEXT_FIXED[key]
    if fixed is None:
        office, rules = next_step(case)
        return office, ",".join(rules)
    kind, joined = fixed
    return (case.office_for(kind) if kind is not None else None), joined


def _refresh_next(case: Case, now: dt.datetime) -> None:
    state = case.state  # read once: django-fsm's descriptor builds a DeferredAttribute per read
    office, rules = _next_of(case, state)
    case.next_office = office
    case.next_rules = rules
    case.state_since = now
    # An escalation flag is about waiting at one office; a step ends that wait.
    case.escalated_at = None
    if state in case.procedure.terminal:
        case.closed_at = now


def next_number(exercise: Exercise, prefix: str) -> tuple[str, int]:
    """Return the reference stem for this simulated year and the next free number under it.

    Numbers are zero-padded to four digits and grow wider past 9,999, so the longest reference is
    the latest (a plain string order would put ``-9999`` after ``-10000``).
    """
    stem = f"{prefix}-{exercise.clock.year}-"
    last = (
        Case.objects.filter(exercise=exercise, reference__startswith=stem)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return stem, (int(last.rsplit("-", 1)[1]) + 1 if last else 1)


def _next_reference(exercise: Exercise, prefix: str) -> str:
    stem, number = next_number(exercise, prefix)
    return f"{stem}{number:04d}"


def filing_check(exercise: Exercise, case: Case) -> None:
    """Refuse a case whose procedure (or a field of it) rests on a rule not in force on the exercise's date.

    The one date check of every filing, single (``case_open``) or bulk (``case_bulk_open``): the message
    names the rule, its document and the date it comes into force (cases/rules/in_force.py).
    """
    from cases.rules.in_force import case_filing_problem

    if found := case_filing_problem(case, exercise):
        rule_id, message = found
        raise ApplicationError(message, rules=(rule_id,))


def case_open(
    *,
    case: C,
    actor: Any,
    office_kind: str,
    rules: tuple[str, ...],
    note: str = "",
) -> C:
    """File a new case (an unsaved procedure instance in its initial state) for ``office_kind``.

    ``actor`` None means the system (a scenario or the autopilot) files it.
    """
    exercise = Exercise.objects.get(pk=case.exercise_id)
    if exercise.paused:
        raise ApplicationError("The exercise is paused by the teacher; nothing can be filed now.")
    case.kind = case.PROCEDURE_KIND
    case.regime = case.regime or exercise.regime
    office: Office | None = case.office_for(office_kind)
    if office is None:
        raise ApplicationError(f"This exercise has no office of the kind needed: {office_kind}.")
    if actor is not None and acting_office(actor, case, office_kind) is None:
        raise ApplicationError(f"Only {office} may file this case, and you do not hold that office.")
    filing_check(exercise, case)
    now = exercise.clock
    case.filed_at = now
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case.reference = _next_reference(exercise, case.REFERENCE_PREFIX)  # type: ignore[attr-defined]
                _refresh_next(case, now)
                case.save()
                CaseEvent.objects.create(
                    case=case,
                    exercise=exercise,
                    kind=EventKind.FILED,
                    label=f"Filed: {case.state_label()}",
                    target_state=case.state,
                    actor=actor,
                    office=office,
                    sim_time=now,
                    rules=",".join(rules),
                    note=note,
                )
                _write_deadlines(case, now)
            return case
        except IntegrityError:
            case.pk = None
            continue
    raise ApplicationError("Could not number the new case; please try again.")


def _required_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(slots=True)  # not frozen: one is made per case a bulk step moves, and frozen ones are slow to make
class PreparedStep:
    """A step that passed every check for one case: what to call, with what, for which office."""

    transition: Transition
    meta: StepMeta
    kwargs: dict[str, Any]
    office: Office | None


@dataclass(frozen=True)
class StepPlan:
    """What a step is for every case of one model in one state and variant, given one input.

    Worked out once (:func:`plan_step`) and checked for each case (:func:`check_step`): a bulk step on
    thousands of cases in the same state with the same input plans once. A refusal that does not
    depend on the case (no such step, not from this state, input incomplete) is kept as its message,
    to be raised in the order :func:`prepare_step` checks things.
    """

    transition: Transition | None
    meta: StepMeta | None
    kwargs: dict[str, Any]
    not_possible: tuple[str, tuple[str, ...]] | None = None
    # Not from this state: the state's label and the steps possible there, each with the office kind taking it
    # (named per case, by the case's own office of that kind, when the refusal is raised).
    stale: tuple[str, tuple[tuple[str, str], ...]] | None = None
    incomplete: tuple[str, tuple[str, ...]] | None = None
    # The step's permission is the office check itself (engine.step): asked once, for the office it finds.
    own_check: bool = False


_OPTIONS: dict[tuple[type, str, str], dict[str, Transition]] = {}


def _options(case: Case) -> dict[str, Transition]:
    """Return the case's possible steps by name (``transitions_from``, fixed per model, state and variant)."""
    key = (type(case), case.state, case.variant)
    found = _OPTIONS.get(key)
    if found is None:
        found = _OPTIONS[key] = {t.name: t for t in transitions_from(case)}
    return found


def plan_step(case: Case, transition: str, data: dict[str, Any]) -> StepPlan:
    """Return the plan of ``transition`` with ``data`` for cases of ``case``'s model, state and variant.

    It reads nothing else of the case: every case sharing those three gets the same plan.
    """
    options = _options(case)
    if transition not in options:
        known = {t.name for t in case.procedure.transitions}
        if transition not in known:
            message = f"There is no step called {transition!r} in this procedure."
            return StepPlan(None, None, {}, not_possible=(message, ()))
        # Each with the office that takes it: a student who pressed a stale button sees that the case has
        # gone on to another office (the plan is shared by every actor, so it names offices, not "yours").
        steps = tuple((meta_of(t).label, meta_of(t).office) for t in options.values())
        return StepPlan(None, None, {}, stale=(case.state_label(), steps))
    t = options[transition]
    meta = meta_of(t)
    own_check = getattr(t.permission, "office_kind", None) == meta.office
    missing = [f for f in meta.fields if _required_missing(data.get(f))]
    if meta.reason_required and _required_missing(data.get("reason")):
        missing.append("reason")
    if missing:
        names = ", ".join(_field_label(type(case), f) for f in missing)
        return StepPlan(t, meta, {}, incomplete=(f"'{meta.label}' needs: {names}.", meta.rules), own_check=own_check)
    kwargs = {f: data[f] for f in meta.fields}
    if meta.reason_required:
        kwargs["reason"] = data["reason"].strip()
    return StepPlan(t, meta, kwargs, own_check=own_check)


def check_step(case: Case, plan: StepPlan, *, actor: Any, system: bool, guards: bool = True) -> PreparedStep:
    """Check that ``actor`` may take the planned step on ``case`` now; raise ApplicationError if not.

    In this order: the exercise is not paused, the step exists and leaves the case's state, the actor
    holds the acting office, the input is complete, the guards hold. ``guards=False`` leaves the last
    check to the transition itself (django-fsm checks the same conditions before it changes anything):
    the caller then turns its refusal into :func:`guard_refusal`, so the guards run once per step.
    """
    if not system and case.exercise.paused:
        raise ApplicationError("The exercise is paused by the teacher; no step can be taken now.")
    if plan.not_possible is not None:
        raise ApplicationError(plan.not_possible[0], rules=plan.not_possible[1])
    if plan.stale is not None:
        raise ApplicationError(_stale_message(case, *plan.stale))
    t, meta = plan.transition, plan.meta
    assert t is not None and meta is not None
    office = case.office_for(meta.office)
    if not system:
        if plan.own_check:
            acting = acting_office(actor, case, meta.office)
            allowed = acting is not None
        else:
            allowed = t.has_perm(case, actor)
            acting = acting_office(actor, case, meta.office) if allowed else None
        if not allowed:
            raise ApplicationError(
                f"Only {office or meta.office} may take this step ({', '.join(meta.rules)}), "
                "and you do not hold that office in this exercise.",
                rules=meta.rules,
            )
        office = acting
    if plan.incomplete is not None:
        raise ApplicationError(plan.incomplete[0], rules=plan.incomplete[1])
    if guards:
        failed = unmet_guards(case, t)
        if failed:
            raise ApplicationError(" ".join(failed), rules=meta.rules)
    return PreparedStep(t, meta, plan.kwargs, office)


def _stale_message(case: Case, state_label: str, steps: tuple[tuple[str, str], ...]) -> str:
    """Say that the step is not one of the case's state, and which offices (this exercise's) may act now."""
    def office(kind: str) -> str:
        found = case.office_for(kind)
        return found.name if found is not None else office_kind_label(kind)

    possible = "; ".join(f"{label} ({office(kind)})" for label, kind in steps) or "none (the case is closed)"
    return f"That step cannot be taken while the case is at '{state_label}'. Possible now: {possible}."


def guard_refusal(case: Case, step: PreparedStep) -> ApplicationError:
    """Return the refusal :func:`check_step` gives a case failing the step's guards (django-fsm refused the step)."""
    failed = unmet_guards(case, step.transition)
    return ApplicationError(" ".join(failed) or "That step is not allowed now.", rules=step.meta.rules)


def prepare_step(case: Case, transition: str, *, actor: Any, data: dict[str, Any], system: bool) -> PreparedStep:
    """Check that ``actor`` may take ``transition`` on ``case`` now with ``data``; raise ApplicationError if not.

    The single-case and the bulk services both check a step this way (the bulk one plans once per
    model, state, variant and input), so a step is checked the same however it is taken: it exists, it
    leaves the case's state, the actor holds the acting office, the input is complete, and the guards
    hold.
    """
    return check_step(case, plan_step(case, transition, data), actor=actor, system=system)


def case_transition(
    *,
    case: Case,
    transition: str,
    actor: Any,
    note: str = "",
    data: dict[str, Any] | None = None,
    system: bool = False,
    at: dt.datetime | None = None,
    event_kind: str = EventKind.TRANSITION,
    event_data: dict[str, Any] | None = None,
) -> Case:
    """Take the step ``transition`` on ``case`` for ``actor`` and return the updated case.

    Raise ApplicationError (and change nothing) when the step does not exist, is not possible from
    the case's state, is not the actor's office's to take, a guard fails, or input is missing.
    ``system`` lets deadlines and the autopilot act without a user; it never comes from a request.
    ``at`` (system only) dates the step at a simulated time not after the clock: a deadline fires
    at its due time even when the clock jumped past it, so a year's jump keeps the timeline in order.
    """
    data = dict(data or {})
    # The procedure's model follows from the kind: no need to load the subclass row only to load it
    # again, locked, below.
    model = case.procedure.model if case.kind else type(case.specific())
    with transaction.atomic():
        try:
            locked = load_locked_case(model, case.pk)
        except model.DoesNotExist as exc:
            raise ApplicationError("This case no longer exists.") from exc
        with dated(locked, at, system=system) as now:
            step = prepare_step(locked, transition, actor=actor, data=data, system=system)
            source = locked.state
            before = _field_values(locked)
            try:
                getattr(locked, transition)(**step.kwargs)
            except TransitionNotAllowed as exc:
                raise ApplicationError(f"That step is not allowed now: {exc}") from exc
            _refresh_next(locked, now)
        after = _field_values(locked)
        try:
            # Only what the step changed is written, so a step on one table touches one table.
            locked.save(update_fields=[name for name, value in after.items() if before[name] != value])
        except ConcurrentTransition as exc:
            raise ApplicationError(
                "Someone else moved this case a moment ago. Reload the page and look again."
            ) from exc
        event = step_event_values(locked, step, source=source, actor=actor, now=now, note=note, system=system)
        if system:
            event["kind"] = event_kind  # e.g. DEADLINE when the sweep fires the step
        if event_data:
            event["data"] = {**event["data"], **event_data}
        # The same row as CaseEvent(**event).save(), written as the bulk step writes its events.
        insert_rows(CaseEvent, [event])
        _write_deadlines(locked, now)
    return locked


class dated:
    """Let a step dated ``at`` (the system's, never after the clock) see the clock at ``at``; give that time.

    Guards read the clock and step bodies stamp it (a departure, a notice to the other side): a step
    the sweep or the autopilot dates at its own time must read and record that time, not the clock's.
    ``with dated(case, at, system=...) as now:`` (a class, not a generator: a bulk step enters it once
    per case).
    """

    __slots__ = ("clock", "exercise", "now")

    def __init__(self, case: Case, at: dt.datetime | None, *, system: bool) -> None:
        self.exercise = case.exercise
        self.clock = self.exercise.clock
        self.now = at if system and at is not None and at < self.clock else self.clock

    def __enter__(self) -> dt.datetime:
        self.exercise.clock = self.now
        return self.now

    def __exit__(self, *exc: object) -> None:
        self.exercise.clock = self.clock


def _field_values(case: Case) -> dict[str, Any]:
    return {f.name: getattr(case, f.attname) for f in case._meta.concrete_fields if not f.primary_key}


def step_event(
    case: Case, step: PreparedStep, *, source: str, actor: Any, now: dt.datetime, note: str, system: bool
) -> CaseEvent:
    """Build (unsaved) the event that records a step taken on ``case``."""
    return CaseEvent(**step_event_values(case, step, source=source, actor=actor, now=now, note=note, system=system))


def step_event_values(
    case: Case, step: PreparedStep, *, source: str, actor: Any, now: dt.datetime, note: str, system: bool
) -> dict[str, Any]:
    """Return the column values (by attname) of the event that records a step taken on ``case``.

    The bulk service writes these rows directly, without building a model instance per event.
    """
    return {
        "case_id": case.pk,
        "exercise_id": case.exercise_id,
        "kind": EventKind.TRANSITION,
        "transition": step.transition.name,
        "label": step.meta.label,
        "source_state": source,
        "target_state": case.state,
        "actor_id": None if system or actor is None else actor.pk,
        "office_id": step.office.pk if step.office is not None else None,
        "sim_time": now,
        "rules": ",".join(step.meta.rules_for(case)),
        "note": (step.kwargs.get("reason") or note or "").strip(),
        "data": {k: v for k, v in step.kwargs.items() if k != "reason"},
    }


def _field_label(model: type[Case], name: str) -> str:
    if name == "reason":
        return "a reason"
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _write_deadlines(case: Case, now: dt.datetime) -> None:
    """Write the deadlines the procedure sets on entering the case's new state."""
    rows = deadlines_for(case, now)
    if rows:
        Deadline.objects.bulk_create(rows)


def deadline_values(case: Case, now: dt.datetime) -> list[dict[str, Any]]:
    """Return the column values (by attname) of the deadlines the procedure sets on entering the case's state.

    The bulk services write these rows directly, without building a model instance per deadline.
    """
    hook = getattr(case, "deadlines_on_enter", None)
    if hook is None:
        return []
    return [
        {
            "case_id": case.pk,
            "exercise_id": case.exercise_id,
            "kind": spec.kind,
            "due_at": now + spec.after,
            "action": spec.action,
            "rules": ",".join(spec.rules),
            "note": spec.note,
            "set_at": now,
            "watch_state": case.state,
        }
        for spec in hook(case.state, now)
    ]


def deadlines_for(case: Case, now: dt.datetime) -> list[Deadline]:
    """Build (unsaved) the deadlines the procedure sets on entering the case's current state."""
    return [Deadline(**values) for values in deadline_values(case, now)]
