"""Reads of the cases app, in one place: what a user may see and do, inboxes, office queues at a glance,
who may run an exercise. Services write; these only query (the pages of layer 5 call them)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Value

from cases.analytics.live import live_read
from cases.analytics.summary import LogSummary
from cases.classroom.autopilot import autopilot_on, staffed_office_ids
from cases.engine import (
    StepMeta,
    acting_office,
    all_transitions,
    is_facilitator,
    meta_of,
    transitions_from,
    unmet_guards,
)
from cases.log_cache import cached_page
from cases.models import Case, CaseEvent, Exercise, Membership, Office
from cases.rules import Rule, get_rule
from cases.rules.in_force import case_in_force, exercise_rule_date, rule_date, rule_date_note, rule_notes
from cases.wording import person_name


def visible_exercise_ids(user: Any) -> list[int] | None:
    """Return the exercises the user takes part in; None means all (a superuser)."""
    if user.is_superuser:
        return None
    return list(Membership.objects.filter(user=user).values_list("exercise_id", flat=True))


def scope_to_user(qs: QuerySet[Any], user: Any, path: str = "exercise_id") -> QuerySet[Any]:
    """Limit a queryset to the exercises the user takes part in."""
    ids = visible_exercise_ids(user)
    return qs if ids is None else qs.filter(**{f"{path}__in": ids})


def held_office_ids(user: Any) -> list[int]:
    """Return the offices the user holds, across exercises."""
    return list(
        Membership.objects.filter(user=user, office__isnull=False).values_list("office_id", flat=True)
    )


@dataclass
class StepOption:
    """A step as one user sees it on a case page."""

    name: str
    meta: StepMeta
    office: Office | None
    allowed: bool  # the user holds the acting office
    blocked_by: list[str] = field(default_factory=list)  # unmet guards
    rules: list[Rule] = field(default_factory=list)
    # What the rules' dates mean here: assumptions, rules not in force, a counterfactual run (in_force.rule_notes).
    dated_notes: list[str] = field(default_factory=list)

    @property
    def enabled(self) -> bool:
        return self.allowed and not self.blocked_by


def step_options(case: Case, user: Any) -> list[StepOption]:
    """Return every step leaving the case's state, marked with whether this user may take it."""
    out = []
    for t in transitions_from(case):
        meta = meta_of(t)
        cited = meta.rules_for(case)
        out.append(
            StepOption(
                name=t.name,
                meta=meta,
                office=case.office_for(meta.office),
                allowed=acting_office(user, case, meta.office) is not None,
                blocked_by=unmet_guards(case, t),
                rules=[get_rule(r) for r in cited],
                dated_notes=rule_notes(case, cited),
            )
        )
    return out


# --- The classroom: who runs an exercise, inboxes, office queues ---------------------------------


def can_run(user: Any, exercise: Exercise) -> bool:
    """Return whether the user may run this exercise (its facilitator, or a superuser).

    An exercise read through ``with_run_seat(qs, user)`` carries the answer for that user, so a page
    that polls checks it within the query that reads the exercise.
    """
    if user.is_superuser:
        return True
    if getattr(exercise, "run_seat_user", None) == user.pk:
        return bool(exercise.run_seat)  # type: ignore[attr-defined]
    return is_facilitator(user, exercise.pk)


def with_run_seat(qs: QuerySet[Exercise], user: Any) -> QuerySet[Exercise]:
    """Annotate each exercise with whether ``user`` holds its facilitator seat (read by ``can_run``)."""
    seat = Membership.objects.filter(exercise_id=OuterRef("pk"), user_id=user.pk, is_facilitator=True)
    return qs.annotate(run_seat_user=Value(user.pk, output_field=IntegerField()), run_seat=Exists(seat))


def can_load(user: Any) -> bool:
    """Return whether the user may load scenario packs (teachers: superusers or 'add exercise scenario')."""
    return bool(user.is_superuser or user.has_perm("cases.add_exercisescenario"))


def is_student(user: Any) -> bool:
    """Return whether the user only holds offices (no facilitator seat, not a superuser)."""
    if user.is_superuser:
        return False
    rows = list(Membership.objects.filter(user=user).values_list("is_facilitator", flat=True))
    return bool(rows) and not any(rows)


@dataclass
class InboxRow:
    case: Case
    age_days: int  # simulated days in the present state
    total_days: int  # simulated days since filing
    # The rules of the next step, each with what its date means on the case's date ("" if nothing: in
    # force, no assumption), as the case page says it (cases/rules/in_force.py: rule_date_note).
    dated: list[tuple[Rule, str]]

    @property
    def rules(self) -> list[Rule]:
        return [rule for rule, _note in self.dated]


INBOX_PER_PAGE = 50
INBOX_COUNT_CAP = 1000  # rows counted at most on the first pages, as the admin lists do (cases/admin/paging.py)
INBOX_LOOKAHEAD_PAGES = 10  # deeper in the list, count this many pages past the one shown


@dataclass
class InboxPage:
    """One page of an inbox: its rows, where it sits, and how many cases wait (capped: "more than")."""

    rows: list[InboxRow]
    number: int
    per_page: int
    count: int  # exact up to ``limit``; ``limit`` when ``capped``
    capped: bool

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)


def page_number(value: Any) -> int:
    """Return the page asked for: a whole number of at least 1 (anything else is page 1)."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def inbox_queryset(offices: QuerySet[Office] | list[Office]) -> QuerySet[Case]:
    """Return the open cases awaiting these offices, oldest first (by exercise and office: an indexed range)."""
    ids = [o.pk for o in offices]
    exercise_ids = sorted({o.exercise_id for o in offices})
    return (
        Case.objects.filter(exercise_id__in=exercise_ids, next_office_id__in=ids, closed_at__isnull=True)
        .select_related("exercise", "next_office")
        .order_by("state_since", "id")
    )


@dataclass(frozen=True)
class _Citer:
    """What one step out of a state cites: its own rules, those it cites only while in force, the rules it cannot
    be taken without, and the variants it is for (None: all)."""

    rules: frozenset[str]
    dated: frozenset[str]
    requires: tuple[str, ...]
    variants: frozenset[str] | None


@functools.cache
def _citers(kind: str, state: str) -> tuple[_Citer, ...]:
    """Return what each step out of ``state`` of procedure ``kind`` cites (read once per process)."""
    from cases.procedures import find_procedure

    procedure = find_procedure(kind)
    if procedure is None:
        return ()
    metas = [meta_of(t) for t in all_transitions(procedure.model) if t.source == state]  # one per source
    return tuple(_Citer(frozenset(m.rules), frozenset(m.dated_rules), m.requires, m.variants) for m in metas)


def next_rules_now(case: Case) -> list[str]:
    """Return the rules of the case's next step as a page shows them now.

    ``case.next_rules`` is stored when the case moves and lists every rule its next steps may cite, so that it
    stays right as the clock passes a document's date. A page shows a rule only while some step of the case's
    variant may cite it on the case's date: a step's dated rule (``cites_while_in_force``) while in force (PER-8's
    crossing hours not before 9 Jun 1964), any rule of a step only while the rules it ``requires`` are (the
    county's transit pass is not offered in 1963, so its PER-7 is not shown then). Works on the base Case rows
    the inbox and the lists read (by the case's kind, no query).
    """
    stored = [r for r in case.next_rules.split(",") if r]
    citers = [c for c in _citers(case.kind, case.state) if c.variants is None or case.variant in c.variants]
    if not stored or not any(c.dated or c.requires for c in citers):
        return stored
    memo: dict[str, bool] = {}

    def now(rule: str) -> bool:
        if rule not in memo:
            memo[rule] = case_in_force(case, rule)
        return memo[rule]

    def shown(rule: str) -> bool:
        return any((rule in c.rules or (rule in c.dated and now(rule))) and all(now(q) for q in c.requires)
                   for c in citers)

    return [r for r in stored if shown(r)] or stored


def _inbox_row(case: Case) -> InboxRow:
    clock = case.exercise.clock
    on = rule_date(case)
    return InboxRow(
        case=case,
        age_days=max(0, (clock - case.state_since).days),
        total_days=max(0, (clock - case.filed_at).days),
        dated=[(get_rule(r), rule_date_note(r, on)) for r in next_rules_now(case)],
    )


def inbox_page(offices: QuerySet[Office] | list[Office], page: Any = 1, *,
               per_page: int | None = None) -> InboxPage:
    """Return one page of the cases awaiting these offices, oldest first, counting at most a capped number.

    The work is bounded by the page asked for, not by the exercise's size: the count reads at most
    ``INBOX_COUNT_CAP`` rows (or ten pages past the one shown) and says "more than" beyond; a page
    past the end shows the last one. A page that is not a whole number is page 1.
    """
    number = page_number(page)
    per_page = per_page or INBOX_PER_PAGE
    if not offices:
        return InboxPage(rows=[], number=1, per_page=per_page, count=0, capped=False)
    cases = inbox_queryset(offices)
    limit = max(INBOX_COUNT_CAP, (number + INBOX_LOOKAHEAD_PAGES) * per_page)
    found = cases.order_by()[: limit + 1].count()
    capped = found > limit
    count = min(found, limit)
    number = min(number, max(1, -(-count // per_page)))
    start = (number - 1) * per_page
    rows = [_inbox_row(case) for case in cases[start:start + per_page]]
    return InboxPage(rows=rows, number=number, per_page=per_page, count=count, capped=capped)


def inbox_rows(offices: QuerySet[Office] | list[Office]) -> list[InboxRow]:
    """Return the first page of the cases awaiting these offices, with age and governing rules."""
    return inbox_page(offices).rows


@dataclass
class QueueRow:
    office: Office
    holders: list[str]
    waiting: int
    oldest: dt.datetime | None
    oldest_days: int | None
    autopilot: bool


def office_queues(exercise: Exercise) -> list[QueueRow]:
    """Return every office's queue at a glance: who holds it, how many wait, the oldest wait.

    The counts come from the exercise's live summary (cases/analytics/live.py), read once per version of
    its log (every step writes an event); who holds each office is read each time.
    """
    waits = cached_page("office-queues", exercise, lambda: live_read(exercise, lambda s: s.office_waits()))
    holders: dict[int, list[str]] = {}
    for m in Membership.objects.filter(exercise=exercise, office__isnull=False).select_related("user"):
        holders.setdefault(m.office_id, []).append(person_name(m.user))
    staffed = staffed_office_ids(exercise)
    pilot = autopilot_on(exercise)
    out = []
    for office in exercise.offices.order_by("side", "id"):
        waiting, oldest = waits.get(office.name, (0, None))
        out.append(QueueRow(
            office=office, holders=holders.get(office.pk, []), waiting=waiting,
            oldest=oldest, oldest_days=(exercise.clock - oldest).days if oldest else None,
            autopilot=pilot and office.pk not in staffed,
        ))
    return out


def case_counts(exercise: Exercise) -> tuple[int, int]:
    """Return (open, closed) cases of the exercise, from its live summary, once per version of its log."""
    def count(s: LogSummary) -> tuple[int, int]:
        return s.open_count(), s.filed_count() - s.open_count()

    return cached_page("case-counts", exercise, lambda: live_read(exercise, count))


def case_timeline(case: Case) -> list[CaseEvent]:
    """Return the case's events, oldest first, each with ``dated``: its rules as ``(rule, note, again)``.

    ``note`` is what the rule's date means on the event's own simulated date (not yet in force, no longer in
    force, read back as an assumption; "" if nothing), read as the case's rules are read then
    (:func:`cases.rules.in_force.exercise_rule_date`); ``again`` marks a note an earlier row already gave in
    full, so a long case does not repeat it on every row.
    """
    events = list(case.events.select_related("actor", "office"))
    given: set[tuple[str, str]] = set()
    for event in events:
        on = exercise_rule_date(case.exercise, case.regime or None, at=event.sim_time)
        dated = []
        for rule_id in event.rule_ids:
            note = rule_date_note(rule_id, on)
            dated.append((get_rule(rule_id), note, (rule_id, note) in given))
            if note:
                given.add((rule_id, note))
        event.dated = dated  # type: ignore[attr-defined]
    return events
