"""Students fill one seat of each role before any office gets a second student (the teacher's guide, sizing)."""

from __future__ import annotations

from collections import Counter

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.packs import all_packs, get_pack
from cases.classroom.students import students_create

SHIPPED = [p.slug for p in all_packs()]


@pytest.mark.parametrize("slug", SHIPPED)
def test_a_small_class_holds_as_many_offices_as_it_has_students(slug):
    pack = get_pack(slug)
    seated_roles = [str(r["office"]) for r in pack.data["roles"] if int(r.get("seats", 1)) > 0]
    for students in range(1, len(seated_roles) + 1):
        # In the pack's order of roles: three students play its first three offices, one each.
        assert list(pack.seats_for(students)) == seated_roles[:students]
        assert set(pack.seats_for(students).values()) == {1}


@pytest.mark.parametrize("slug", SHIPPED)
def test_the_busiest_office_gets_its_extra_seats_once_every_role_has_a_student(slug):
    pack = get_pack(slug)
    declared = Counter({str(r["office"]): int(r.get("seats", 1)) for r in pack.data["roles"]})
    total = sum(declared.values())
    assert pack.seats_for(total) == +declared  # every seat the pack declares, no more
    # Beyond the declared seats the order goes round again.
    assert pack.seats_for(2 * total) == Counter({k: 2 * n for k, n in (+declared).items()})


@pytest.mark.django_db
def test_three_students_of_the_marriage_pack_hold_three_offices_and_a_second_batch_goes_on():
    exercise = load_pack("marriage-1958", name="Three", actor=None, students=3)
    first = students_create(exercise=exercise, actor=None, count=3)
    assert [s.office.kind for s in first] == ["work_unit", "central_committee", "dprk_spa"]
    # The next students continue the order after those already seated, the work unit's 2nd seat after every role.
    later = students_create(exercise=exercise, actor=None, count=7)
    assert [s.office.kind for s in later] == ["embassy", "provincial_committee", "county_psb", "civil_affairs",
                                              "mfa", "dprk_safety", "work_unit"]
