"""Exercises, offices, people and memberships: what the teacher sets up."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.admin.analytics import ExerciseAnalyticsMixin
from cases.admin.base import ExerciseScopedAdmin, ReadOnlyAdmin, WallTimeShown
from cases.admin.dates import RuleDatesMixin
from cases.models import CaseEvent, Exercise, Membership, Office, Person


@admin.register(Exercise)
class ExerciseAdmin(RuleDatesMixin, ExerciseAnalyticsMixin, ExerciseScopedAdmin):
    student_opens_linked_records = True  # linked from the case page
    list_display = ("name", "clock", "regime", "paused", "analytics_links")
    exercise_path = "id"
    search_fields = ("name",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """No: the console deletes an exercise (its cases, log and the logins made for it), after confirming."""
        return False


@admin.register(Office)
class OfficeAdmin(ExerciseScopedAdmin):
    student_opens_linked_records = True  # linked from the case page
    list_display = ("name", "kind", "side", "place", "exercise")
    list_filter = ("exercise", "side", "kind")
    search_fields = ("name",)


@admin.register(Person)
class PersonAdmin(ExerciseScopedAdmin):
    student_opens_linked_records = True  # linked from the case page
    list_display = ("name", "sex", "nationality", "occupation", "employer", "exercise")
    list_filter = ("exercise", "nationality", "occupation")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(ExerciseScopedAdmin):
    list_display = ("user", "office", "is_facilitator", "exercise")
    list_filter = ("exercise", "is_facilitator")


@admin.register(CaseEvent)
class CaseEventAdmin(WallTimeShown, ReadOnlyAdmin):
    """The event log, read-only: it is append-only by design."""

    list_display = ("sim_time", "case", "label", "office", "actor", "rules")
    list_filter = ("exercise", "kind", "office")
    list_select_related = ("case", "office", "actor")
    search_fields = ("case__reference", "label", "note")
