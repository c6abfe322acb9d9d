"""The shared state-machine vocabulary every procedure uses.

A procedure declares its steps with :func:`step` (a ``django_fsm.transition`` that also carries the
acting office, the rule IDs, a label and the input it needs) and its guards with :func:`guard` (a
condition with a message a student can read). Everything else here reads those declarations:
who may act, what is possible now, which office acts next, what the diagram shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django_fsm import Transition, transition

from cases.wording import short_date

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from cases.models import Case, Office

    User = AbstractBaseUser | AnonymousUser

GuardFunc = Callable[["Case"], bool]


def guard(message: str) -> Callable[[GuardFunc], GuardFunc]:
    """Mark a condition with the message shown when it fails (cite the rule ID in it)."""

    def decorate(func: GuardFunc) -> GuardFunc:
        func.message = message  # type: ignore[attr-defined]
        return func

    return decorate


def variant_guard(variants: frozenset[str]) -> GuardFunc:
    """Build a guard that admits the step only in the named procedure variants."""

    @guard(f"This step belongs to the {' / '.join(sorted(variants))} procedure, not this case's.")
    def in_variant(case: Case) -> bool:
        return case.variant in variants

    in_variant.is_variant_guard = True  # type: ignore[attr-defined]
    return in_variant


def dated_guard(rule_id: str) -> GuardFunc:
    """Build a guard that admits a step only while ``rule_id`` is in force on the case's date.

    The dates are the documents' (cases/rules/in_force.py); a counterfactual exercise reads them on its
    regime's date. The message names the rule, its document and the day it comes into (or goes out of) force.
    """
    from cases.rules.in_force import case_in_force, rule_dates

    row = rule_dates(rule_id)
    until = f" until {short_date(row.end)}" if row.end else ""
    message = f"{rule_id} is in force only from {short_date(row.start)}{until} ({row.doc.citation})."

    @guard(message)
    def rule_in_force(case: Case) -> bool:
        return case_in_force(case, rule_id)

    rule_in_force.dated_rule = rule_id  # type: ignore[attr-defined]
    return rule_in_force


@dataclass(frozen=True)
class StepMeta:
    """What a step declares beyond django_fsm's source and target."""

    label: str
    office: str
    rules: tuple[str, ...]
    reason_required: bool = False
    fields: tuple[str, ...] = ()
    assumption: str = ""
    variants: frozenset[str] | None = None
    style: str = "default"
    requires: tuple[str, ...] = ()  # rules that must be in force on the case's date (dated_guard)
    dated_rules: tuple[str, ...] = ()  # rules the step cites only while they are in force on the case's date

    @property
    def all_rules(self) -> tuple[str, ...]:
        """Return every rule the step may cite, whatever the date (the diagram, the role cards)."""
        return self.rules + tuple(r for r in self.dated_rules if r not in self.rules)

    def rules_for(self, case: Case) -> tuple[str, ...]:
        """Return the rules a step taken on ``case`` now cites: its own, and each dated one only while its
        document has it in force on the case's date (the permit's lapse cites D10's PER-7 from 9 Jun 1964).

        A step that would cite nothing (no rule of its own, none of its dated ones in force yet: an overdue
        flag before 1961) cites them all, and the page's date notes say each is applied as an assumption.
        """
        if not self.dated_rules:
            return self.rules
        from cases.rules.in_force import case_in_force

        return self.rules_where(lambda r: case_in_force(case, r))

    def rules_where(self, in_force: Callable[[str], bool]) -> tuple[str, ...]:
        """Return the rules the step cites where ``in_force`` says which dated rules hold (a case's date, a role
        card's day): its own, then each dated one in force; all the dated ones when that leaves nothing."""
        dated = tuple(r for r in self.dated_rules if r not in self.rules and in_force(r))
        return self.rules + dated if self.rules or dated else self.dated_rules


def office_permission(office_kind: str) -> Callable[[Case, Any], bool]:
    """Build the django_fsm permission: the user holds this case's office of ``office_kind``."""

    def permitted(case: Case, user: Any) -> bool:
        return acting_office(user, case, office_kind) is not None

    permitted.office_kind = office_kind  # type: ignore[attr-defined]
    return permitted


def step(
    *,
    source: str | Iterable[str],
    target: str | None,
    office: str,
    rules: Iterable[str],
    label: str,
    guards: Iterable[GuardFunc] = (),
    variants: Iterable[str] | None = None,
    reason_required: bool = False,
    fields: Iterable[str] = (),
    assumption: str = "",
    style: str = "default",
    requires: Iterable[str] = (),
    cites_while_in_force: Iterable[str] = (),
) -> Callable[[Any], Any]:
    """Declare a transition of the ``state`` field with its office, rules and input.

    ``fields`` names the keyword arguments the transition body takes (besides ``note``); the admin
    asks for them. ``style`` is ``default``, ``refuse`` or ``close`` and only colours the button.
    ``requires`` names rules the step cannot be taken without: it is possible only while they are in
    force on the case's date (see :func:`dated_guard`). ``cites_while_in_force`` names rules the step
    cites only on a date their document has them in force (:meth:`StepMeta.rules_for`); before it the step
    stands on ``rules`` alone.
    """
    variant_set = frozenset(variants) if variants else None
    conditions = list(guards)
    if variant_set:
        conditions.insert(0, variant_guard(variant_set))
    conditions.extend(dated_guard(r) for r in requires)
    meta = StepMeta(
        label=label,
        office=office,
        rules=tuple(rules),
        reason_required=reason_required,
        fields=tuple(fields),
        assumption=assumption,
        variants=variant_set,
        style=style,
        requires=tuple(requires),
        dated_rules=tuple(cites_while_in_force),
    )
    src: str | list[str] = source if isinstance(source, str) else list(source)
    return transition(
        field="state",
        source=src,
        target=target,
        conditions=conditions,
        permission=office_permission(office),
        custom={"meta": meta},
    )


def meta_of(t: Transition) -> StepMeta:
    """Return the StepMeta of a transition declared with :func:`step`."""
    return t.custom["meta"]


_TRANSITIONS: dict[type, list[Transition]] = {}
_FROM: dict[tuple[type, str, str], list[Transition]] = {}


def all_transitions(model: type[Case]) -> list[Transition]:
    """Return every transition of a case model (declared once at class creation, so cached)."""
    if model not in _TRANSITIONS:
        field = model._meta.get_field("state")
        found = list(field.get_all_transitions(model))  # type: ignore[attr-defined]
        # django-fsm lists methods alphabetically; the procedure's own order (the order its steps are
        # written in) is the one that says which office acts next, so sort by source line.
        found.sort(key=lambda t: getattr(getattr(t.method, "__code__", None), "co_firstlineno", 0))
        _TRANSITIONS[model] = found
    return _TRANSITIONS[model]


def step_named(model: type[Case], name: str) -> StepMeta | None:
    """Return what the step ``name`` of a case model declares (office, rules, label), or None if it has none."""
    return next((meta_of(t) for t in all_transitions(model) if t.name == name), None)


def transitions_from(case: Case, state: str | None = None) -> list[Transition]:
    """Return the transitions leaving ``state`` (default: the case's) that fit the case's variant."""
    state = case.state if state is None else state
    key = (type(case), state, case.variant)
    if key not in _FROM:
        _FROM[key] = [
            t for t in all_transitions(type(case))
            if t.source == state and (not meta_of(t).variants or case.variant in meta_of(t).variants)
        ]
    return _FROM[key]


def guards_met(case: Case, t: Transition) -> bool:
    """Return whether the case meets every guard of ``t`` now (stopping at the first it does not)."""
    return all(c(case) for c in (t.conditions or ()))


def unmet_guards(case: Case, t: Transition) -> list[str]:
    """Return the messages of the guards of ``t`` that the case does not meet now."""
    return [getattr(c, "message", c.__name__) for c in (t.conditions or []) if not c(case)]


_TERMINAL: dict[type, frozenset[str]] = {}


def terminal_states(model: type[Case]) -> frozenset[str]:
    """Return the states no step leaves (fixed per model, like its transitions: worked out once)."""
    found = _TERMINAL.get(model)
    if found is None:
        sources = {t.source for t in all_transitions(model)}
        targets = {t.target for t in all_transitions(model) if t.target is not None}
        found = _TERMINAL[model] = frozenset(targets - sources)
    return found


# --- Who acts ----------------------------------------------------------------------------------


def memberships_of(user: Any, exercise_id: int) -> list[Any]:
    """Return the user's memberships in one exercise (cached on the user object per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cache: dict[int, list[Any]] = user.__dict__.setdefault("_border_desk_memberships", {})
    if exercise_id not in cache:
        # A lazy model reference: the engine sits below the models that build on it.
        from django.apps import apps

        Membership = apps.get_model("cases", "Membership")
        cache[exercise_id] = list(
            Membership.objects.filter(exercise_id=exercise_id, user=user).select_related("office")
        )
    return cache[exercise_id]


def is_facilitator(user: Any, exercise_id: int) -> bool:
    """Return whether the user runs this exercise as its teacher."""
    return any(m.is_facilitator for m in memberships_of(user, exercise_id))


def acting_office(user: Any, case: Case, office_kind: str) -> Office | None:
    """Return the office the user would act for, or None when they may not act for it.

    A student acts only for the office they hold in the case's exercise; the facilitator may act
    for any office (the event records that the teacher did).
    """
    office = case.office_for(office_kind)
    if office is None:
        return None
    for m in memberships_of(user, case.exercise_id):
        if m.is_facilitator or m.office_id == office.pk:
            return office
    return None


def next_step(case: Case) -> tuple[Office | None, tuple[str, ...]]:
    """Return the office that must act next on the case and the rules governing that step.

    When the steps out of the state belong to different offices (an inbound crosser once identified: the
    border station assists a disaster victim, the county bureau checks everyone else), the office is that of
    the first step whose guards the case meets, and the rules are those of that office's open steps; with
    none open, the first step's office and all its rules (the case still waits there).
    """
    options = transitions_from(case)
    if not options:
        return None, ()
    office_kinds = {meta_of(t).office for t in options}
    open_steps = options if len(office_kinds) == 1 else [t for t in options if not unmet_guards(case, t)]
    office_kind = meta_of((open_steps or options)[0]).office
    rules: list[str] = []
    for t in open_steps or options:
        if meta_of(t).office == office_kind:
            rules.extend(r for r in meta_of(t).all_rules if r not in rules)
    return case.office_for(office_kind), tuple(rules)


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline a procedure sets when a case enters a state (see ``Case.deadlines_on_enter``)."""

    kind: str
    after: Any  # datetime.timedelta of simulated time
    action: str
    rules: tuple[str, ...] = ()
    note: str = ""
