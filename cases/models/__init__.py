"""Models of the case engine and of the procedures that live in the cases app."""

from cases.models.authorization import AuthorizationCase, AuthorizationState
from cases.models.case import Case, CaseEvent, CaseProxy, Deadline, DeadlineKind, DeadlineStatus, EventKind
from cases.models.exercise import Exercise, Membership, Office, Person
from cases.models.marriage import MarriageCase, MarriageState
from cases.models.relocation import RelocationQuota, RelocationState

__all__ = [
    "AuthorizationCase",
    "AuthorizationState",
    "Case",
    "CaseEvent",
    "CaseProxy",
    "Deadline",
    "DeadlineKind",
    "DeadlineStatus",
    "EventKind",
    "Exercise",
    "MarriageCase",
    "MarriageState",
    "Membership",
    "Office",
    "Person",
    "RelocationQuota",
    "RelocationState",
]
