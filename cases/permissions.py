"""One permission model for students, derived from the procedure registry.

A student is a staff login in the "Students" group, seated in an office of an exercise
(:class:`cases.models.Membership`). The group holds exactly the permissions every registered
procedure says a student of its offices needs (``student_permissions`` of
:func:`cases.procedures.register_procedure`) plus the classroom's own (:data:`CLASSROOM_PERMISSIONS`).
The demo, scenario packs, CSV students and ``import_exercise`` all call :func:`grant_student`, so an
exercise works the same for every student however it came into the database. What a student may see
and do inside the admin is narrowed further on the server by their office (``cases.selectors``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from cases.procedures import all_procedures

STUDENT_GROUP = "Students"

# What every student needs whatever the procedure: the exercise, its offices and people, the case list,
# the event log, the deadlines and the clock's moves (shown on every case page's timeline).
CLASSROOM_PERMISSIONS: tuple[str, ...] = (
    "cases.view_exercise", "cases.view_office", "cases.view_person", "cases.view_case", "cases.view_caseevent",
    "cases.view_deadline", "cases.view_clockmove",
)


def student_permission_names() -> list[str]:
    """Return every "app_label.codename" a student needs: the classroom's and each registered procedure's."""
    names = dict.fromkeys(CLASSROOM_PERMISSIONS)
    for procedure in all_procedures():
        names.update(dict.fromkeys(procedure.student_permissions))
    return list(names)


def student_permissions() -> list[Permission]:
    """Return the Permission rows of :func:`student_permission_names` (after ``migrate``, every one exists)."""
    wanted = Q(pk__in=[])
    for name in student_permission_names():
        app_label, codename = name.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(wanted).select_related("content_type"))


def student_group() -> Group:
    """Return the "Students" group holding exactly the permissions a student needs (created if missing).

    Permissions granted to the group by hand, or by an older version, are taken away: the registry is
    the only source of what students may do.
    """
    group, _ = Group.objects.get_or_create(name=STUDENT_GROUP)
    wanted = student_permissions()
    if set(group.permissions.all()) != set(wanted):
        group.permissions.set(wanted)
    return group


def grant_student(user: Any) -> None:
    """Give ``user`` the students' rights: the admin login (``is_staff``) and the group above, nothing more.

    Never makes anyone a superuser; the login must already be saved.
    """
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(student_group())
