"""Crossings and illegal-crossing records in the admin; a crossing is recorded only through the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from cases.admin.base import ReadOnlyAdmin
from cases.admin.filing import ServiceAddAdmin
from cases.errors import ApplicationError
from permits.models import Crossing, IllegalCrossingRecord, PermitCase
from permits.services.crossing import CrossingRefused, crossing_record, illegal_crossing_take_up


@admin.register(Crossing)
class CrossingAdmin(ServiceAddAdmin):
    """Present a traveller at a crossing point (PER-8, PER-9, PER-10): recorded through ``crossing_record``.

    A traveller turned back is an outcome, not a form error: the attempt is recorded and the reason shown.
    """

    list_display = ("at", "person", "direction", "point", "outcome", "rules", "permit", "exercise")
    list_filter = ("exercise", "outcome", "direction", "point")
    search_fields = ("person__name", "permit__reference")
    filing_fields = ["exercise", "person", "permit", "point", "direction", "destination", "other_side_consent",
                     "consent_by", "note"]
    outcomes = (CrossingRefused,)
    superuser_deletes = True

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Give the permit choice its own queryset: Django would otherwise order it by the CaseAdmin's
        # list ordering, which names an annotation only that admin's queryset carries.
        if db_field.name == "permit":
            kwargs["queryset"] = PermitCase.objects.exclude(permit_number="").order_by("-filed_at")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Crossing:
        return crossing_record(
            exercise=data["exercise"], person=data["person"], point=data["point"], direction=data["direction"],
            actor=request.user, permit=data.get("permit"), destination=data.get("destination"),
            other_side_consent=data.get("other_side_consent", False), consent_by=data.get("consent_by", ""),
            note=data.get("note", ""),
        )


@admin.register(IllegalCrossingRecord)
class IllegalCrossingRecordAdmin(ReadOnlyAdmin):
    """People treated as illegal border crossers (PER-10), for the returns procedure to take up."""

    list_display = ("at", "person", "ground", "status", "permit", "taken_up_by", "exercise")
    list_filter = ("exercise", "status", "ground")
    actions = ["take_up"]
    readonly_fields = ("exercise", "person", "crossing", "permit", "ground", "at", "rules", "status", "taken_up_by",
                       "note")

    @admin.action(description="Open an illegal-crosser case (returns procedure) for the selected records")
    def take_up(self, request: HttpRequest, queryset: Any) -> None:
        """Hand each open record to the returns procedure through the service (PER-10, RET-5)."""
        for record in queryset:
            try:
                case = illegal_crossing_take_up(record=record, actor=request.user)
            except ApplicationError as exc:
                messages.error(request, f"{record}: {exc.message}")
            else:
                messages.success(request, f"{record}: opened {case.reference}.")
