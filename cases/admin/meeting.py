"""Meetings of representatives (MEET-1 ... MEET-5): case pages whose steps call the services,
representatives and entry permits (read-only: services write them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.admin.base import CaseAdmin, ExerciseScopedAdmin
from cases.models import EntryPermit, MeetingCase, Representative

FIELDSETS = (
    ("Case", {"fields": ("reference", "exercise", "variant", "regime", "filed_at", "state_since", "closed_at")}),
    ("Request (MEET-1, MEET-2)", {"fields": ("meeting_kind", "requesting_side", "scheduled_for", "place",
                                           "subject", "emergency", "emergency_agreed", "requested_by",
                                           "counterpart")}),
    ("Venue and chair (MEET-3)", {"fields": ("host_side", "chair")}),
    ("Resolution (MEET-4)", {"fields": ("resolution", "approved_cn_at", "approved_kp_at", "effective_from",
                                        "reason")}),
)


@admin.register(MeetingCase)
class MeetingCaseAdmin(CaseAdmin):
    """Meetings between the two sides' representatives (D10 Art. 9)."""

    list_filter = ("exercise", "meeting_kind", "state", "next_office")
    fieldsets = FIELDSETS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f for fs in FIELDSETS for f in fs[1]["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Requests are filed through meeting_request (MEET-2 checks), not a bare model form.
        return False


class _ReadOnly(ExerciseScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Representative)
class RepresentativeAdmin(_ReadOnly):
    list_display = ("name", "rank", "side", "area", "available", "exercise")
    list_filter = ("exercise", "side", "rank")


@admin.register(EntryPermit)
class EntryPermitAdmin(_ReadOnly):
    exercise_path = "meeting__exercise_id"
    list_display = ("number", "representative", "meeting", "issued_by", "issued_at")
