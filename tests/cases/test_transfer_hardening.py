"""import_exercise cannot overwrite or escalate (issue 18, item 8); each test reproduces one finding of the probe."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.choices import Nationality, OfficeKind, Sex
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Exercise, Membership, Office, Person
from cases.permissions import STUDENT_GROUP, grant_student, student_group
from cases.services.marriage import marriage_file
from cases.services.transfer import exercise_export, exercise_import

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def _exercise(name: str, login: str) -> Exercise:
    exercise = Exercise.objects.create(name=name, clock=dt.datetime(1959, 3, 2, 9, 0, tzinfo=BEIJING),
                                       regime="1958_marriage")
    unit = Office.objects.create(exercise=exercise, kind=OfficeKind.WORK_UNIT, name=f"{name} works")
    for kind in (OfficeKind.COUNTY_PSB, OfficeKind.CIVIL_AFFAIRS):
        Office.objects.create(exercise=exercise, kind=kind, name=f"{name} {kind}")
    man = Person.objects.create(exercise=exercise, name="Zhang", sex=Sex.MALE, nationality=Nationality.HAN)
    woman = Person.objects.create(exercise=exercise, name="Kim", sex=Sex.FEMALE, nationality=Nationality.DPRK)
    user = get_user_model().objects.create_user(login, password="secret-pw")
    grant_student(user)
    Membership.objects.create(exercise=exercise, user=user, office=unit)
    marriage_file(exercise=exercise, man=man, woman=woman, work_unit=unit, actor=None)
    return exercise


def _snapshot() -> dict[str, object]:
    """What an import must never change: every existing row of the tables an export touches, and the rights."""
    user_model = get_user_model()
    return {
        "exercises": list(Exercise.objects.order_by("pk").values_list("pk", "name")),
        "offices": list(Office.objects.order_by("pk").values_list("pk", "exercise_id", "name", "kind")),
        "cases": list(Case.objects.order_by("pk").values_list("pk", "exercise_id", "reference", "state")),
        "events": CaseEvent.objects.count(),
        "users": list(user_model.objects.order_by("pk").values_list("pk", "username", "is_staff", "is_superuser",
                                                                     "password")),
        "groups": {g.name: sorted(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()},
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "exercise_id", "user_id", "office_id")),
    }


@pytest.fixture
def other() -> Exercise:
    return _exercise("Other class", "other-student")


@pytest.fixture
def exported(other: Exercise) -> list[dict]:
    source = _exercise("Source class", "source-student")
    return json.loads(exercise_export(exercise=source))


def _import(rows: list[dict], **kwargs: object) -> Exercise:
    return exercise_import(data=json.dumps(rows), **kwargs)


def test_a_renamed_export_with_its_original_ids_makes_a_new_exercise_and_moves_nothing(exported, other):
    """Finding: a renamed export re-imported with its original ids moved another exercise's cases."""
    source = Exercise.objects.get(name="Source class")
    before = _snapshot()
    for row in exported:
        if row["model"] == "cases.exercise":
            row["pk"] = 999
            row["fields"]["name"] = "Renamed copy"
        elif row["fields"].get("exercise") == source.pk:
            row["fields"]["exercise"] = 999

    copy = _import(exported)

    after = _snapshot()
    assert copy.name == "Renamed copy" and copy.pk not in (999, source.pk, other.pk)
    for key in ("offices", "cases", "memberships"):
        assert set(before[key]) <= set(after[key])  # every row that was there is there, unchanged
    assert Case.objects.filter(exercise=source).count() == 1 and Case.objects.filter(exercise=copy).count() == 1
    assert not set(Case.objects.filter(exercise=copy).values_list("pk", flat=True)) & {c[0] for c in before["cases"]}


def test_the_same_export_can_be_imported_under_another_name(exported):
    copy = _import(exported, name="Tuesday 3B")
    assert copy.name == "Tuesday 3B" and Case.objects.filter(exercise=copy).count() == 1


def test_an_office_row_with_another_exercise_s_id_cannot_overwrite_it(exported, other):
    """Finding: a ``cases.office`` row with pk=1 overwrote another exercise's office."""
    target = Office.objects.filter(exercise=other).order_by("pk").first()
    source_pk = next(r["pk"] for r in exported if r["model"] == "cases.exercise")
    office_row = next(r for r in exported if r["model"] == "cases.office")
    office_row["pk"] = target.pk  # a file naming someone else's row
    for row in exported:
        for key in ("work_unit", "office", "next_office"):
            if row["model"] != "cases.office" and row["fields"].get(key) is not None:
                row["fields"][key] = target.pk
    Exercise.objects.filter(name="Source class").delete()
    before = list(Office.objects.filter(exercise=other).values_list("pk", "name", "kind"))

    copy = _import(exported)

    assert list(Office.objects.filter(exercise=other).values_list("pk", "name", "kind")) == before
    assert Office.objects.filter(exercise=copy).count() == 3 and source_pk != copy.pk


def test_an_office_row_pointing_at_another_exercise_is_refused(exported, other):
    office_row = next(r for r in exported if r["model"] == "cases.office")
    office_row["fields"]["exercise"] = other.pk
    Exercise.objects.filter(name="Source class").delete()
    before = _snapshot()
    with pytest.raises(ApplicationError, match="not in this file"):
        _import(exported)
    assert _snapshot() == before


def test_a_superuser_row_creates_no_superuser_and_no_staff(exported):
    """Finding: an ``auth.user`` row with ``is_superuser: true`` created a superuser."""
    exported.append({"model": "auth.user", "fields": {"username": "intruder", "is_superuser": True,
                                                        "is_staff": True, "groups": [["Admins"]]}})
    for row in exported:
        if row["model"] == "auth.user" and row["fields"]["username"] == "source-student":
            row["fields"]["is_superuser"] = True
    Exercise.objects.filter(name="Source class").delete()
    get_user_model().objects.filter(username="source-student").delete()

    _import(exported)

    user_model = get_user_model()
    assert not user_model.objects.filter(is_superuser=True).exists()
    intruder = user_model.objects.get(username="intruder")
    assert not intruder.is_staff and not intruder.groups.exists()  # holds no seat: no rights at all
    student = user_model.objects.get(username="source-student")
    assert student.is_staff and not student.is_superuser
    assert list(student.groups.values_list("name", flat=True)) == [STUDENT_GROUP]


def test_a_group_row_is_refused_and_the_students_group_keeps_its_permissions(exported):
    """Finding: an ``auth.group`` row replaced the Students group's permissions."""
    exported.insert(0, {"model": "auth.group", "pk": student_group().pk,
                        "fields": {"name": STUDENT_GROUP, "permissions": [["delete_exercise", "cases", "exercise"]]}})
    Exercise.objects.filter(name="Source class").delete()
    before = _snapshot()
    with pytest.raises(ApplicationError, match=r"auth\.group"):
        _import(exported)
    assert _snapshot() == before


def test_a_refused_import_leaves_the_students_group_as_it_was(exported):
    """Finding: a refused import still changed the Students group."""
    group = student_group()
    group.permissions.remove(Permission.objects.get(codename="view_marriagecase"))
    before = _snapshot()
    with pytest.raises(ApplicationError, match="already exists"):
        _import(exported)  # "Source class" is still here
    Exercise.objects.filter(name="Source class").delete()
    before = _snapshot()
    event = next(r for r in exported if r["model"] == "cases.caseevent")
    event["fields"]["case"] = 987654  # refers to no case of the file: refused while loading
    with pytest.raises(ApplicationError, match=r"(?i)nothing was changed"):
        _import(exported)
    assert _snapshot() == before


def test_an_import_is_all_or_nothing(exported):
    Exercise.objects.filter(name="Source class").delete()
    get_user_model().objects.filter(username="source-student").delete()
    before = _snapshot()
    event = next(r for r in exported if r["model"] == "cases.caseevent")
    event["fields"]["case"] = 424242
    with pytest.raises(ApplicationError, match=r"(?i)nothing was changed"):
        _import(exported)
    assert _snapshot() == before
    assert not get_user_model().objects.filter(username="source-student").exists()


@pytest.mark.parametrize("data, message", [
    ("[1, 2, 3]", "row 1"),  # was AttributeError: 'int' object has no attribute 'get'
    ('[{"model": "cases.exercise", "pk": 1, "fields": []}]', "row 1"),
    ('[{"model": "cases.exercise", "pk": "x", "fields": {}}]', "row 1"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),  # was RecursionError
    ('{"model": "cases.exercise"}', "list of rows"),
    ('[{"model": "sessions.session", "pk": 1, "fields": {}}]', "sessions.session"),
    ('[{"model": "cases.exercise", "pk": 1, "fields": {"name": "A", "nonsense": 1}}]', "nonsense"),
    ('[{"model": "cases.exercise", "pk": 1, "fields": {"name": "A"}}, '
     '{"model": "cases.exercise", "pk": 2, "fields": {"name": "B"}}]', "more than one exercise"),
])
def test_a_malformed_file_gets_a_clear_message_and_changes_nothing(data, message, other):
    before = _snapshot()
    with pytest.raises(ApplicationError, match=message):
        exercise_import(data=data)
    assert _snapshot() == before


def test_the_command_reports_a_malformed_file_without_a_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    with pytest.raises(CommandError, match="nested too deeply"):
        call_command("import_exercise", str(path))


def test_exports_leave_password_hashes_out_unless_asked(other, tmp_path):
    hashed = get_user_model().objects.get(username="other-student").password
    plain = exercise_export(exercise=other)
    assert hashed not in plain and '"password"' not in plain
    assert '"is_superuser"' not in plain and '"groups"' not in plain
    with_hashes = json.loads(exercise_export(exercise=other, with_passwords=True))
    user = next(r for r in with_hashes if r["model"] == "auth.user")
    hashed = get_user_model().objects.get(username=user["fields"]["username"]).password
    assert user["fields"]["password"] == hashed and "$" in hashed

    path = tmp_path / "out.json"
    call_command("export_exercise", other.name, output=str(path))
    assert hashed not in path.read_text()
    call_command("export_exercise", other.name, output=str(path), with_passwords=True)
    assert hashed in path.read_text()


def test_an_imported_student_without_a_password_hash_cannot_log_in_until_given_one(exported):
    Exercise.objects.filter(name="Source class").delete()
    get_user_model().objects.filter(username="source-student").delete()
    _import(exported)
    student = get_user_model().objects.get(username="source-student")
    assert not student.has_usable_password()
