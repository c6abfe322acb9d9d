"""The registry of procedures: everything the rest of the product needs from each procedure, in one place.

Each procedure registers itself once, from its own app (``cases/apps.py`` for the procedures of the
``cases`` app, ``permits/apps.py`` for the permit procedure) with :func:`register_procedure`: its
model (and so its states and steps), its autopilot policy, its printable documents, its pack seeder,
how its cases end (approved / refused / closed otherwise) and the permissions a student of its
offices needs. Every other module reads the registry (:func:`get_procedure`, :func:`all_procedures`)
instead of listing procedures by hand, and ``manage.py check`` (:mod:`cases.checks`) verifies every
name a registration refers to.

This module sits just above the models and the engine: it stores callables and specs without
importing the layers that define them (the classroom, the analytics), so it can be read from anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cases.engine import all_transitions, terminal_states

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.db.models import TextChoices

    from cases.models import Case

APPROVED = "approved"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
OUTCOMES = (APPROVED, REFUSED, WITHDRAWN)
# What each bucket is called when a procedure names it no other way: the words follow "closed as" on the
# pages ("46 closed as approved"). The buckets are positions, not verdicts: a procedure whose cases are not
# applications (crossers, corpses, permits once issued) names its own (``OutcomeSpec.labels``).
DEFAULT_OUTCOME_LABELS = {APPROVED: "approved", REFUSED: "refused", WITHDRAWN: "withdrawn or unused"}


@dataclass(frozen=True)
class FunnelStage:
    """A stage of the funnel: cases that ever reached one of ``states``, or closed with ``outcome``."""

    label: str
    states: frozenset[str] = frozenset()
    outcome: str = ""
    filed: bool = False  # every case counts (the first stage)


@dataclass(frozen=True)
class OutcomeSpec:
    """A procedure's closing states in three buckets, what it calls each bucket, and its funnel.

    The buckets keep their historical codes (``approved``, ``refused``, ``withdrawn``: the figures and the
    cumulative flow count by them) but mean, for every procedure: the ordinary end of the procedure (granted,
    done, sent back as the rules intend); refused or ended against the rules' intent (a holder not back); and
    closed otherwise (withdrawn, lapsed, left to stay). ``labels`` says in the procedure's own words what
    each bucket holds; every page words the procedure's figures with them ("closed as <label>").
    """

    approved: frozenset[str] = frozenset()
    refused: frozenset[str] = frozenset()
    withdrawn: frozenset[str] = frozenset()
    # Funnel stages count states *reached*, so a procedure whose cases go on after approval (AUT:
    # settlement and departure) still counts the approval.
    funnel: tuple[FunnelStage, ...] = field(default=())
    note: str = ""
    # Per bucket (``APPROVED``...) the words that follow "closed as"; a bucket not named keeps its default.
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.labels) - set(OUTCOMES))
        if unknown:
            raise ValueError(f"OutcomeSpec labels name no bucket: {', '.join(unknown)} (the buckets: {OUTCOMES})")

    def bucket(self, outcome: str) -> frozenset[str]:
        """Return the closing states of one bucket."""
        return {APPROVED: self.approved, REFUSED: self.refused, WITHDRAWN: self.withdrawn}[outcome]

    def label(self, outcome: str) -> str:
        """Return what this procedure calls a bucket ("holder back, on time or late"; default "approved")."""
        return self.labels.get(outcome) or DEFAULT_OUTCOME_LABELS[outcome]

    def states(self) -> set[str]:
        """Return every state the spec names (for the system checks)."""
        named = set(self.approved) | set(self.refused) | set(self.withdrawn)
        for stage in self.funnel:
            named |= set(stage.states)
        return named


# A policy: (case, the regime's autopilot params, a seeded RNG) -> an AutoStep or None
# (cases.classroom.policy_base). A seeder: (SeedContext, params, index) -> a new case
# (cases.classroom.seeding). A document: a cases.classroom.documents.DocumentSpec.
Policy = Callable[..., Any]
Seeder = Callable[..., Any]


@dataclass(frozen=True)
class Procedure:
    """A registered procedure: its model and states, and what it plugs into the classroom and analytics."""

    kind: str
    model: type[Case]
    policy: Policy | None = None
    seeder: Seeder | None = None
    documents: tuple[Any, ...] = ()
    outcomes: OutcomeSpec | None = None
    # "app_label.codename" of every permission a student seated in one of its offices needs.
    student_permissions: tuple[str, ...] = ()
    # Where the registration was made (a module path), named by the system checks.
    registered_in: str = ""

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name).capitalize()

    @property
    def states(self) -> type[TextChoices]:
        return self.model.State  # type: ignore[attr-defined,no-any-return]

    @property
    def reference_prefix(self) -> str:
        return self.model.REFERENCE_PREFIX  # type: ignore[attr-defined,no-any-return]

    @property
    def admin(self) -> ModelAdmin | None:
        """Return the model's admin from ``admin.site`` (looked up when asked: admins load after the apps)."""
        from django.contrib import admin

        return admin.site._registry.get(self.model)

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    @cached_property
    def terminal(self) -> frozenset[str]:
        return terminal_states(self.model)

    @cached_property
    def transitions(self) -> list:
        return all_transitions(self.model)


_PROCEDURES: dict[str, Procedure] = {}


def register_procedure(
    model: type[Case],
    *,
    policy: Policy | None = None,
    seeder: Seeder | None = None,
    documents: Iterable[Any] = (),
    outcomes: OutcomeSpec | None = None,
    student_permissions: Iterable[str] = (),
    registered_in: str = "",
) -> Procedure:
    """Register (or replace) the procedure of ``model`` (its ``PROCEDURE_KIND``) and return it.

    ``student_permissions`` are "app_label.codename"; a bare codename means the model's own app.
    """
    kind = model.PROCEDURE_KIND
    if not kind:
        raise ValueError(f"{model.__name__} declares no PROCEDURE_KIND")
    app_label = model._meta.app_label
    perms = tuple(p if "." in p else f"{app_label}.{p}" for p in student_permissions)
    procedure = Procedure(kind, model, policy=policy, seeder=seeder, documents=tuple(documents),
                          outcomes=outcomes, student_permissions=perms, registered_in=registered_in)
    _PROCEDURES[kind] = procedure
    return procedure


def unregister_procedure(kind: str) -> None:
    """Remove a procedure from the registry (tests that plug in a broken one put it back after)."""
    _PROCEDURES.pop(kind, None)


def get_procedure(kind: str) -> Procedure:
    """Return the registered procedure of this kind (KeyError if none is)."""
    return _PROCEDURES[kind]


def find_procedure(kind: str) -> Procedure | None:
    """Return the registered procedure of this kind, or None."""
    return _PROCEDURES.get(kind)


def all_procedures() -> list[Procedure]:
    """Return every registered procedure, in registration order."""
    return list(_PROCEDURES.values())
