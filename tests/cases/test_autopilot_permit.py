"""Autopilot permit policy: applications decided, passes really used inside the hours, late holders followed up.

PER-4, PER-7, PER-8, PER-9, PER-12 (policies/permit.py, rates in cases/regimes/__init__.py).
"""

from __future__ import annotations

from collections import Counter

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.timekeeping import fast_forward
from cases.models import Case, CaseEvent, Office
from permits.models import BorderCounty, Crossing, CrossingPoint, PermitCase
from permits.selectors import within_hours
from permits.services.permit import permit_file
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_year_of_permits_holders_cross_in_hours_and_come_back_or_are_followed_up():
    """PER-4, PER-7, PER-8, PER-9, PER-12: passes are issued and used; crossings are recorded by the
    inspection's own service inside the season's hours at the named point; most holders come back,
    some overstay and the overdue follow-up fires. The generic policy records no crossing and fails."""
    exercise = load_pack("permits-1963", name="Permit year")
    station = Office.objects.get(exercise=exercise, kind="border_station")
    # Two applicants without their letters: the station asks for them (PER-4).
    for i in range(2):
        permit_file(
            exercise=exercise, applicant=PersonFactory(exercise=exercise, name=f"No letters {i}", birth_year=1930,
                                                       nationality="cn_korean"),
            category="resident", purpose="relatives", home_county=BorderCounty.objects.get(name="Helong County"),
            destination_county=BorderCounty.objects.get(name="Musan County"),
            crossing_point=CrossingPoint.objects.get(name="Nanping - Musan"), filing_office=station, actor=None,
        )
    report = fast_forward(exercise=exercise, actor=None, days=365)
    assert not report.stuck
    states = Counter(PermitCase.objects.filter(exercise=exercise).values_list("state", flat=True))
    crossings = list(Crossing.objects.filter(exercise=exercise).select_related("permit"))
    exits = [c for c in crossings if c.direction == "exit"]
    returns = [c for c in crossings if c.direction == "return"]
    assert len(exits) >= 10 and len(returns) >= 10
    assert all(c.outcome == "allowed" for c in crossings)
    assert all(within_hours(c.at)[0] for c in crossings)  # PER-8
    assert all(c.point_id == c.permit.crossing_point_id for c in crossings)  # PER-9
    assert all(c.at < c.permit.expires_at for c in exits)  # PER-7: used while valid
    assert states["returned"] >= 10
    assert states["returned_late"] + states["not_returned"] >= 1  # PER-12: overdue holders followed up
    assert CaseEvent.objects.filter(exercise=exercise, transition="set_overdue").exists()
    # PER-4: the missing letters were brought when asked (or the application turned away for them).
    for case in PermitCase.objects.filter(exercise=exercise, applicant__name__startswith="No letters"):
        assert case.documents.count() == 2 or (case.state == "refused" and "PER-4" in case.reason)
    assert not Case.objects.filter(exercise=exercise, state__in=["filed", "county_review", "abroad"]).exists()
