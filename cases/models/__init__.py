"""Models of the case engine and of the procedures that live in the cases app."""

from cases.models.case import Case, CaseEvent, CaseProxy, Deadline, DeadlineKind, DeadlineStatus, EventKind
from cases.models.classroom import (
    ExerciseScenario,
    ScenarioLoad,
    ScenarioLoadStatus,
    TimedEvent,
    TimedEventStatus,
)
from cases.models.exercise import Exercise, Membership, Office, Person
from cases.models.marriage import MarriageCase, MarriageState

__all__ = [
    "Case",
    "CaseEvent",
    "CaseProxy",
    "Deadline",
    "DeadlineKind",
    "DeadlineStatus",
    "EventKind",
    "Exercise",
    "ExerciseScenario",
    "MarriageCase",
    "MarriageState",
    "Membership",
    "Office",
    "Person",
    "ScenarioLoad",
    "ScenarioLoadStatus",
    "TimedEvent",
    "TimedEventStatus",
]
