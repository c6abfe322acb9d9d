"""The one students' group (cases.permissions): every procedure's cases can be opened by a student."""

from __future__ import annotations

import pytest

from cases.permissions import grant_student, student_group
from cases.procedures import all_procedures
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_student_may_view_every_procedures_cases_and_file_the_ones_students_file():
    user = UserFactory(is_staff=False)
    user.groups.clear()
    grant_student(user)
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert user.is_staff and user.groups.filter(pk=student_group().pk).exists()
    for procedure in all_procedures():
        meta = procedure.model._meta
        assert user.has_perm(f"{meta.app_label}.view_{meta.model_name}"), procedure.kind
    for codename in ("cases.add_marriagecase", "cases.add_crossercase", "permits.add_permitcase",
                     "permits.add_crossing", "permits.view_crossingpoint", "cases.view_deadline"):
        assert user.has_perm(codename), codename
    assert not user.has_perm("cases.change_marriagecase")  # steps go through the services, not the change form
