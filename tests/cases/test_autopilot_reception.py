"""Autopilot reception policy: files check, funds and coupons, fifteen days' quarantine, a job (RET-13)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.classroom.timekeeping import fast_forward
from cases.models import Office
from cases.models.reception import ReceptionCase
from cases.services.reception import reception_arrive
from tests.factories import BEIJING, ExerciseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_arrivals_are_quarantined_fifteen_days_and_given_work_by_diploma():
    """RET-13: each arrival gets real travel funds and coupons, stays fifteen days, and only diploma
    holders go to central departments. The generic policy gives 1 won and fails the funds check."""
    # E1961: the reception stations ran from the first half of 1960 (RET-13 in force from 1 Jan 1960).
    exercise = ExerciseFactory(clock=dt.datetime(1961, 6, 1, 9, 0, tzinfo=BEIJING), regime="1961_strict")
    for kind in ("dprk_reception", "dprk_labour"):
        Office.objects.create(exercise=exercise, kind=kind, name=kind)
    for i in range(30):
        person = PersonFactory(exercise=exercise, nationality="cn_korean")
        reception_arrive(exercise=exercise, person=person, actor=None, has_diploma=i % 3 == 0)
    fast_forward(exercise=exercise, actor=None, days=120)
    cases = list(ReceptionCase.objects.filter(exercise=exercise))
    assert {c.state for c in cases} <= {"assigned", "held"} and sum(c.state == "assigned" for c in cases) >= 25
    for c in cases:
        if c.state != "assigned":
            continue
        assert c.travel_funds_won >= 20 and c.ration_coupons == 15
        assert c.quarantine_ended_at - c.quarantine_started_at == dt.timedelta(days=15)
        assert c.assignment != "central" or c.has_diploma
