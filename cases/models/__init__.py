"""Models of the case engine and of the procedures that live in the cases app."""

from cases.models.authorization import AuthorizationCase, AuthorizationState
from cases.models.case import Case, CaseEvent, CaseProxy, Deadline, DeadlineKind, DeadlineStatus, EventKind
from cases.models.classroom import (
    ExerciseScenario,
    Job,
    JobKind,
    JobStatus,
    ScenarioLoad,
    ScenarioLoadStatus,
    TimedEvent,
    TimedEventStatus,
)
from cases.models.clock import ClockMove, ClockMoveSource
from cases.models.corpse import CorpseCase, CorpseState
from cases.models.crosser import CrosserCase, CrosserState
from cases.models.detention import DetentionCase, DetentionState
from cases.models.embassy import EmbassyCase, EmbassyState
from cases.models.exercise import Exercise, Membership, Office, Person
from cases.models.exercise_event import ExerciseEvent, ExerciseEventKind
from cases.models.marriage import MarriageCase, MarriageState
from cases.models.meeting import (
    EntryPermit,
    MeetingCase,
    MeetingKind,
    MeetingState,
    Representative,
    RepresentativeRank,
)
from cases.models.naturalisation import NaturalisationCase, NaturalisationState
from cases.models.reception import ReceptionCase, ReceptionState
from cases.models.relocation import RelocationQuota, RelocationState
from cases.models.stray import StrayCase, StrayState

__all__ = [
    "AuthorizationCase",
    "AuthorizationState",
    "Case",
    "CaseEvent",
    "CaseProxy",
    "ClockMove",
    "ClockMoveSource",
    "CorpseCase",
    "CorpseState",
    "CrosserCase",
    "CrosserState",
    "Deadline",
    "DeadlineKind",
    "DeadlineStatus",
    "DetentionCase",
    "DetentionState",
    "EmbassyCase",
    "EmbassyState",
    "EntryPermit",
    "EventKind",
    "Exercise",
    "ExerciseEvent",
    "ExerciseEventKind",
    "ExerciseScenario",
    "Job",
    "JobKind",
    "JobStatus",
    "MarriageCase",
    "MarriageState",
    "MeetingCase",
    "MeetingKind",
    "MeetingState",
    "Membership",
    "NaturalisationCase",
    "NaturalisationState",
    "Office",
    "Person",
    "ReceptionCase",
    "ReceptionState",
    "RelocationQuota",
    "RelocationState",
    "Representative",
    "RepresentativeRank",
    "ScenarioLoad",
    "ScenarioLoadStatus",
    "StrayCase",
    "StrayState",
    "TimedEvent",
    "TimedEventStatus",
]
