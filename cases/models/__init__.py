"""Models of the case engine and of the procedures that live in the cases app."""

from cases.models.authorization import AuthorizationCase, AuthorizationState
from cases.models.case import Case, CaseEvent, CaseProxy, Deadline, DeadlineKind, DeadlineStatus, EventKind
from cases.models.clock import ClockMove, ClockMoveSource
from cases.models.exercise import Exercise, Membership, Office, Person
from cases.models.marriage import MarriageCase, MarriageState
from cases.models.meeting import (
    EntryPermit,
    MeetingCase,
    MeetingKind,
    MeetingState,
    Representative,
    RepresentativeRank,
)
from cases.models.relocation import RelocationQuota, RelocationState

__all__ = [
    "AuthorizationCase",
    "AuthorizationState",
    "Case",
    "CaseEvent",
    "CaseProxy",
    "ClockMove",
    "ClockMoveSource",
    "Deadline",
    "DeadlineKind",
    "DeadlineStatus",
    "EntryPermit",
    "EventKind",
    "Exercise",
    "MarriageCase",
    "MarriageState",
    "MeetingCase",
    "MeetingKind",
    "MeetingState",
    "Membership",
    "Office",
    "Person",
    "RelocationQuota",
    "RelocationState",
    "Representative",
    "RepresentativeRank",
]
