"""Crossings and illegal-crossing records in the admin; a crossing is recorded only through the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from cases.admin.base import ExerciseScopedAdmin, ServiceSavesAdminMixin
from cases.errors import ApplicationError
from permits.models import Crossing, IllegalCrossingRecord, PermitCase
from permits.services.crossing import CrossingRefused, crossing_record, illegal_crossing_take_up


class CrossingForm(forms.ModelForm):
    """Present a traveller at a crossing point (PER-8, PER-9, PER-10)."""

    class Meta:
        model = Crossing
        fields = ["exercise", "person", "permit", "point", "direction", "destination", "other_side_consent",
                  "consent_by", "note"]


@admin.register(Crossing)
class CrossingAdmin(ServiceSavesAdminMixin, ExerciseScopedAdmin):
    list_display = ("at", "person", "direction", "point", "outcome", "rules", "permit", "exercise")
    list_filter = ("exercise", "outcome", "direction", "point")
    search_fields = ("person__name", "permit__reference")
    form = CrossingForm

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Give the permit choice its own queryset: Django would otherwise order it by the CaseAdmin's
        # list ordering, which names an annotation only that admin's queryset carries.
        if db_field.name == "permit":
            kwargs["queryset"] = PermitCase.objects.exclude(permit_number="").order_by("-filed_at")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        data = form.cleaned_data
        # A refusal is an outcome, not an error: keep the recorded attempt (the admin's atomic block would
        # roll it back if the exception left this method) and show the reason.
        try:
            return self._record(request, data)
        except CrossingRefused as exc:
            messages.warning(request, f"Refused and recorded: {exc.message}")
            return exc.crossing

    def _record(self, request: HttpRequest, data: dict[str, Any]) -> Crossing:
        return crossing_record(
            exercise=data["exercise"], person=data["person"], point=data["point"], direction=data["direction"],
            actor=request.user, permit=data.get("permit"), destination=data.get("destination"),
            other_side_consent=data.get("other_side_consent", False), consent_by=data.get("consent_by", ""),
            note=data.get("note", ""),
        )


@admin.register(IllegalCrossingRecord)
class IllegalCrossingRecordAdmin(ExerciseScopedAdmin):
    """People treated as illegal border crossers (PER-10), for the returns procedure to take up."""

    list_display = ("at", "person", "ground", "status", "permit", "taken_up_by", "exercise")
    list_filter = ("exercise", "status", "ground")
    actions = ["take_up"]
    readonly_fields = ("exercise", "person", "crossing", "permit", "ground", "at", "rules", "status", "taken_up_by",
                       "note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

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
