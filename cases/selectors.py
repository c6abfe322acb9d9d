"""Reads: what a user may see and do. Services write; these only query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from cases.engine import StepMeta, acting_office, meta_of, transitions_from, unmet_guards
from cases.models import Case, Membership, Office
from cases.rules import Rule, get_rule
from cases.rules.in_force import rule_notes


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
        out.append(
            StepOption(
                name=t.name,
                meta=meta,
                office=case.office_for(meta.office),
                allowed=acting_office(user, case, meta.office) is not None,
                blocked_by=unmet_guards(case, t),
                rules=[get_rule(r) for r in meta.rules],
                dated_notes=rule_notes(case, meta.rules),
            )
        )
    return out
