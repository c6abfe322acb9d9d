"""Filing many cases at once (large packs, the Jilin benchmark) records what filing one at a time does."""

from __future__ import annotations

import pytest

from cases.choices import Nationality, OfficeKind
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, CrosserCase, Deadline, Exercise, Person
from cases.services.bulk_open import case_bulk_open
from cases.services.crosser import crosser_report

pytestmark = pytest.mark.django_db

K = OfficeKind


def _unsaved(desk, n: int, start: int = 0) -> list[CrosserCase]:
    people = Person.objects.bulk_create([
        Person(exercise=desk.exercise, name=f"Bulk crosser {start + i}", nationality=Nationality.CN_KOREAN)
        for i in range(n)
    ])
    return [CrosserCase(exercise=desk.exercise, title=f"{p.name}: crossed", person=p, variant="outbound",
                        source="interception", state="reported") for p in people]


def _station_user(desk):
    return desk.exercise.memberships.get(office=desk.office(K.BORDER_STATION)).user


def test_bulk_filing_matches_filing_one_case_through_the_service_ret_5(desk):
    """RET-5: a bulk-filed crosser case has the same rows, event and next office as one filed alone."""
    person = Person.objects.create(exercise=desk.exercise, name="Alone", nationality=Nationality.CN_KOREAN)
    single = crosser_report(exercise=desk.exercise, person=person, direction="outbound", source="interception",
                            actor=_station_user(desk))
    many = case_bulk_open(cases=_unsaved(desk, 5), actor=_station_user(desk), office_kind=K.BORDER_STATION,
                          rules=("RET-5",))
    assert len(many) == 5 and all(c.pk for c in many)
    stem, number = single.reference.rsplit("-", 1)
    assert [c.reference for c in many] == [f"{stem}-{int(number) + i:04d}" for i in range(1, 6)]
    for case in CrosserCase.objects.filter(pk__in=[c.pk for c in many]):
        assert case.state == single.state and case.kind == "crosser"
        assert case.next_office_id == single.next_office_id and case.next_rules == single.next_rules
        assert case.filed_at == single.filed_at == case.state_since
        event = CaseEvent.objects.get(case=case)
        assert (event.kind, event.rules, event.office_id) == ("filed", "RET-5", desk.office(K.BORDER_STATION).pk)
        assert event.actor == _station_user(desk)
    assert Deadline.objects.filter(case_id__in=[c.pk for c in many]).count() == 5 * Deadline.objects.filter(
        case=single).count()


def test_bulk_filing_refuses_a_user_without_the_office_and_writes_nothing(desk):
    psb_user = desk.exercise.memberships.get(office=desk.office(K.COUNTY_PSB)).user
    before = Case.objects.count()
    with pytest.raises(ApplicationError, match="do not hold that office"):
        case_bulk_open(cases=_unsaved(desk, 3), actor=psb_user, office_kind=K.BORDER_STATION, rules=("RET-5",))
    assert Case.objects.count() == before


def test_bulk_filing_refuses_while_paused_and_mixed_procedures(desk):
    Exercise.objects.filter(pk=desk.exercise.pk).update(paused=True)
    with pytest.raises(ApplicationError, match="paused"):
        case_bulk_open(cases=_unsaved(desk, 2), actor=None, office_kind=K.BORDER_STATION, rules=("RET-5",))
    Exercise.objects.filter(pk=desk.exercise.pk).update(paused=False)
    mixed: list[Case] = [*_unsaved(desk, 1, start=10), Case(exercise=desk.exercise, title="x")]
    with pytest.raises(ApplicationError, match="one procedure"):
        case_bulk_open(cases=mixed, actor=None, office_kind=K.BORDER_STATION, rules=("RET-5",))


def test_numbers_past_9999_keep_counting(desk):
    """References grow a digit after 9,999 and the next case still gets the next number."""
    from cases.services.steps import next_number

    first = case_bulk_open(cases=_unsaved(desk, 1, start=50), actor=None, office_kind=K.BORDER_STATION,
                           rules=("RET-5",))[0]
    stem = first.reference.rsplit("-", 1)[0] + "-"
    CrosserCase.objects.filter(pk=first.pk).update(reference=f"{stem}9999")
    second = case_bulk_open(cases=_unsaved(desk, 2, start=60), actor=None, office_kind=K.BORDER_STATION,
                            rules=("RET-5",))
    assert [c.reference for c in second] == [f"{stem}10000", f"{stem}10001"]
    assert next_number(desk.exercise, "RET") == (stem, 10002)
