"""Models of the permits app: border geography, permit cases and their documents, crossings."""

from permits.models.crossing import (
    Crossing,
    Direction,
    IllegalCrossingRecord,
    IllegalCrossingStatus,
    IllegalGround,
    Outcome,
)
from permits.models.geography import BorderCounty, BorderRegionChange, CountyKind, CrossingHours, CrossingPoint
from permits.models.permit import (
    ApplicantCategory,
    DocumentKind,
    PermitCase,
    PermitDocument,
    PermitKind,
    PermitState,
    Purpose,
)

__all__ = [
    "ApplicantCategory",
    "BorderCounty",
    "BorderRegionChange",
    "CountyKind",
    "Crossing",
    "CrossingHours",
    "CrossingPoint",
    "Direction",
    "DocumentKind",
    "IllegalCrossingRecord",
    "IllegalCrossingStatus",
    "IllegalGround",
    "Outcome",
    "PermitCase",
    "PermitDocument",
    "PermitKind",
    "PermitState",
    "Purpose",
]
