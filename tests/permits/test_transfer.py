"""A Helong exercise with permits, crossings and illegal-crossing records exports, deletes and imports whole."""

import json

import pytest

from cases.models import CaseEvent, Exercise
from cases.services.transfer import exercise_export, exercise_import
from permits.models import BorderCounty, Crossing, IllegalCrossingRecord, PermitCase, PermitDocument
from permits.services.crossing import CrossingRefused, crossing_record
from tests.permits.conftest import bj


def test_permit_exercise_round_trip_keeps_permits_crossings_and_records(helong):
    """PER-9/PER-10 rows travel with their exercise; the shared geography stays in place."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    crossing_record(exercise=helong.exercise, person=case.applicant, point=helong.point("Nanping - Musan"),
                    direction="exit", actor=helong.user("defence"), permit=case)
    with pytest.raises(CrossingRefused):
        crossing_record(exercise=helong.exercise, person=helong.person("Han Sun-ok"),
                        point=helong.point("Nanping - Musan"), direction="exit", actor=helong.user("defence"))
    exported = exercise_export(exercise=helong.exercise)
    models = {row["model"] for row in json.loads(exported)}
    assert {"permits.permitcase", "permits.permitdocument", "permits.crossing",
            "permits.illegalcrossingrecord"} <= models
    assert "permits.bordercounty" not in models
    counts = (PermitCase.objects.count(), PermitDocument.objects.count(), Crossing.objects.count(),
              IllegalCrossingRecord.objects.count(), CaseEvent.objects.count())
    helong.exercise.delete()
    assert not PermitCase.objects.exists() and not Crossing.objects.exists()
    assert BorderCounty.objects.count() == 18
    restored = exercise_import(data=exported)
    assert (PermitCase.objects.count(), PermitDocument.objects.count(), Crossing.objects.count(),
            IllegalCrossingRecord.objects.count(), CaseEvent.objects.count()) == counts
    assert PermitCase.objects.get(exercise=restored, reference=case.reference).state == "abroad"
    again = json.loads(exercise_export(exercise=Exercise.objects.get(pk=restored.pk)))
    assert sorted(r["model"] for r in again) == sorted(r["model"] for r in json.loads(exported))
