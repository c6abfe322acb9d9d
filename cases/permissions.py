"""The students' permission model: one "Students" group that can open every procedure's pages.

Minimal version written on the ``demopack`` branch so that the demo pack, the packs' CSV students
and ``import_exercise`` stop taking their permissions from the Python demo builders. The
``registry`` branch owns this module and derives the set from the procedure registry; its
``student_group()`` / ``grant_student(user)`` replace these two functions with the same signatures.
Until then the set is the union of what the five demo builders granted, listed here once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

STUDENT_GROUP = "Students"

# (app label, codenames): every page a student of any office opens, and the cases students file.
_CASES_CODENAMES = [
    "view_exercise", "view_office", "view_person", "view_case", "view_caseevent", "view_deadline",
    "view_marriagecase", "add_marriagecase",
    "view_authorizationcase", "add_authorizationcase", "view_relocationquota",
    "view_meetingcase", "view_representative", "view_entrypermit", "view_clockmove",
    *[f"{action}_{model}" for model in ("crossercase", "embassycase", "receptioncase", "corpsecase",
                                        "naturalisationcase", "detentioncase", "straycase")
      for action in ("view", "add")],
]
_PERMITS_CODENAMES = [
    "view_permitcase", "add_permitcase", "view_permitdocument", "view_crossing", "add_crossing",
    "view_illegalcrossingrecord", "view_bordercounty", "view_crossingpoint", "view_crossinghours",
    "view_borderregionchange",
]


def student_group() -> Group:
    """Return the "Students" group, holding every permission a student of any procedure needs."""
    group, _ = Group.objects.get_or_create(name=STUDENT_GROUP)
    wanted = Permission.objects.filter(
        Q(content_type__app_label="cases", codename__in=_CASES_CODENAMES)
        | Q(content_type__app_label="permits", codename__in=_PERMITS_CODENAMES)
    )
    group.permissions.add(*wanted)
    return group


def grant_student(user: Any) -> None:
    """Make ``user`` a student: staff (the admin is the students' desk) and in the students' group."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(student_group())
