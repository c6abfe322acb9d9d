"""One permission model: every student's rights come from the procedure registry, however the exercise came in.

Issue 14: after ``import_exercise`` into an empty database a permit student lost ``view_permitcase`` and
``view_crossercase`` (the import granted the demo's marriage-only group). Here an exercise holds a case
and a seated student of every registered procedure; it is exported, everything (exercise, logins,
groups) is removed, and it is imported again: each student must still hold their procedure's
permissions and open their case page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.test import Client
from django.urls import reverse

from cases.choices import Nationality, OfficeKind, Sex
from cases.engine import all_transitions, meta_of
from cases.models import Case, Exercise, Membership, Office, Person
from cases.permissions import CLASSROOM_PERMISSIONS, grant_student, student_group, student_permission_names
from cases.procedures import all_procedures
from cases.services.transfer import exercise_export, exercise_import

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def _value(field: models.Field, exercise: Exercise, person: Person, office: Office) -> Any:
    """Return a plausible value for a required field of a procedure's model."""
    if isinstance(field, models.ForeignKey):
        related = field.related_model
        if related is Exercise:
            return exercise
        if related is Person:
            return person
        if related is Office:
            return office
        rows = related._default_manager.order_by("pk")
        if not any(f.name == "exercise" for f in related._meta.concrete_fields):
            return rows.first()  # shared reference data (the border geography)
        return rows.filter(exercise=exercise).first() or _row(related, exercise, person, office, {"exercise": exercise})
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.DateTimeField):
        return exercise.clock
    if isinstance(field, models.DateField):
        return exercise.clock.date()
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return 1
    return "x"


def _case_of(model: type[Case], exercise: Exercise, person: Person, office: Office, n: int) -> Case:
    """Create one case of ``model`` in its initial state (rows only: the test is about who may see it)."""
    values: dict[str, Any] = {
        "exercise": exercise, "kind": model.PROCEDURE_KIND, "reference": f"{model.REFERENCE_PREFIX}-T{n}",
        "title": f"{model.PROCEDURE_KIND} case", "regime": exercise.regime, "filed_at": exercise.clock,
        "state_since": exercise.clock,
    }
    return _row(model, exercise, person, office, values)


def _row(model: type[models.Model], exercise: Exercise, person: Person, office: Office, values: dict[str, Any]) -> Any:
    """Create a row of ``model`` with ``values`` and a plausible value in every other required field."""
    for field in model._meta.concrete_fields:
        if field.name in values or field.primary_key or field.null or field.has_default():
            continue
        if isinstance(field, models.OneToOneField) and field.remote_field.parent_link:
            continue
        values[field.name] = _value(field, exercise, person, office)
    return model._default_manager.create(**values)


def _first_office_kind(model: type[Case]) -> str:
    """Return the kind of the office that takes the procedure's first declared step."""
    return next(meta_of(t).office for t in all_transitions(model) if meta_of(t).office)


def _exercise_with_a_student_of_every_procedure() -> tuple[Exercise, dict[str, tuple[str, str]]]:
    """Return the exercise and, per procedure kind, (student's username, case reference)."""
    exercise = Exercise.objects.create(name="Every procedure", clock=dt.datetime(1963, 9, 10, 9, 0, tzinfo=BEIJING),
                                       regime="1962_correction")
    offices = {kind: Office.objects.create(exercise=exercise, kind=kind, name=str(label))
               for kind, label in OfficeKind.choices}
    person = Person.objects.create(exercise=exercise, name="Kim Chol", sex=Sex.MALE, nationality=Nationality.CN_KOREAN)

    user_model = get_user_model()
    students: dict[str, tuple[str, str]] = {}
    for n, procedure in enumerate(all_procedures()):
        office = offices[_first_office_kind(procedure.model)]
        case = _case_of(procedure.model, exercise, person, office, n)
        user = user_model.objects.create_user(f"student-{procedure.kind}", password="pw", is_staff=True)
        Membership.objects.create(exercise=exercise, user=user, office=office)
        grant_student(user)
        students[procedure.kind] = (user.username, case.reference)
    return exercise, students


def _view_permission(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def _check_every_student(students: dict[str, tuple[str, str]], exercise: Exercise) -> None:
    user_model = get_user_model()
    failures = []
    for procedure in all_procedures():
        username, reference = students[procedure.kind]
        user = user_model.objects.get(username=username)
        needed = {_view_permission(procedure.model), "cases.view_case", "cases.view_caseevent"}
        missing = sorted(p for p in needed if not user.has_perm(p))
        case = Case.objects.get(exercise=exercise, reference=reference)
        client = Client()
        client.force_login(user)
        opts = procedure.model._meta
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[case.pk]))
        if missing or page.status_code != 200:
            failures.append(f"{procedure.kind}: missing {missing}, case page {page.status_code}")
    assert not failures, failures


def test_every_procedure_names_the_view_permission_of_its_cases():
    for procedure in all_procedures():
        assert _view_permission(procedure.model) in procedure.student_permissions, procedure.kind


def test_a_student_of_every_procedure_can_open_their_case():
    exercise, students = _exercise_with_a_student_of_every_procedure()
    _check_every_student(students, exercise)


def test_after_import_into_an_empty_database_every_student_works_as_before():
    exercise, students = _exercise_with_a_student_of_every_procedure()
    _check_every_student(students, exercise)
    exported = exercise_export(exercise=exercise)
    exercise.delete()
    get_user_model().objects.all().delete()
    Group.objects.all().delete()

    restored = exercise_import(data=exported)

    _check_every_student(students, restored)


def test_the_students_group_holds_exactly_the_registry_s_permissions():
    student_group()
    stale = Group.objects.get(name="Students")
    stale.permissions.add(Permission.objects.get(codename="delete_exercise"))  # granted by hand
    group = student_group()
    names = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    expected = set(CLASSROOM_PERMISSIONS)
    for procedure in all_procedures():
        expected |= set(procedure.student_permissions)
    assert names == expected == set(student_permission_names())
    assert "cases.delete_exercise" not in names
