"""Reads for the classroom pages: inboxes, office queues at a glance, who may run an exercise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, QuerySet

from cases.classroom.autopilot import staffed_office_ids
from cases.engine import is_facilitator
from cases.models import Case, Exercise, Membership, Office
from cases.rules import Rule, get_rule


def can_run(user: Any, exercise: Exercise) -> bool:
    """Return whether the user may run this exercise (its facilitator, or a superuser)."""
    return bool(user.is_superuser or is_facilitator(user, exercise.pk))


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
    rules: list[Rule]


def inbox_rows(offices: QuerySet[Office] | list[Office]) -> list[InboxRow]:
    """Return the open cases awaiting these offices, every kind, oldest first, with age and governing rules."""
    ids = [o.pk for o in offices]
    cases = (
        Case.objects.filter(next_office_id__in=ids, closed_at__isnull=True)
        .select_related("exercise", "next_office")
        .order_by("state_since", "id")
    )
    rows = []
    for case in cases:
        clock = case.exercise.clock
        rows.append(InboxRow(
            case=case,
            age_days=max(0, (clock - case.state_since).days),
            total_days=max(0, (clock - case.filed_at).days),
            rules=[get_rule(r) for r in case.next_rules.split(",") if r],
        ))
    return rows


@dataclass
class QueueRow:
    office: Office
    holders: list[str]
    waiting: int
    oldest: dt.datetime | None
    oldest_days: int | None
    autopilot: bool


def office_queues(exercise: Exercise) -> list[QueueRow]:
    """Return every office's queue at a glance: who holds it, how many wait, the oldest wait."""
    stats = {
        row["next_office"]: row
        for row in Case.objects.filter(exercise=exercise, closed_at__isnull=True, next_office__isnull=False)
        .values("next_office").annotate(n=Count("id"), oldest=Min("state_since"))
    }
    holders: dict[int, list[str]] = {}
    for m in Membership.objects.filter(exercise=exercise, office__isnull=False).select_related("user"):
        holders.setdefault(m.office_id, []).append(m.user.username)
    staffed = staffed_office_ids(exercise)
    out = []
    for office in exercise.offices.order_by("side", "id"):
        row = stats.get(office.pk)
        oldest = row["oldest"] if row else None
        out.append(QueueRow(
            office=office, holders=holders.get(office.pk, []), waiting=row["n"] if row else 0,
            oldest=oldest, oldest_days=(exercise.clock - oldest).days if oldest else None,
            autopilot=office.pk not in staffed,
        ))
    return out
