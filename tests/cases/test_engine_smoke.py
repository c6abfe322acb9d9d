"""The engine opens cases through services and keeps who-acts-next up to date."""

from cases.choices import OfficeKind
from cases.models import MarriageCase


def test_seeded_cases_wait_for_the_right_office(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    assert case.state == "filed"
    assert case.next_office == desk.office(OfficeKind.WORK_UNIT)
    assert case.events.count() == 1
