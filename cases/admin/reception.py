"""DPRK reception-station cases in the admin (RET-13): filed through ``reception_arrive``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin
from cases.models import Case, ReceptionCase
from cases.services.reception import reception_arrive


@admin.register(ReceptionCase)
class ReceptionCaseAdmin(ServiceFilingAdmin):
    """Files check, funds and coupons, fifteen days' quarantine, work."""

    filing_fields = ["exercise", "person", "station", "has_diploma", "crosser_case"]
    fieldsets = (
        ("Case", {"fields": (*CASE_FIELDS, "person", "station", "crosser_case", "has_diploma")}),
        ("Reception (RET-13)", {"fields": ("files_cleared_at", "travel_funds_won", "ration_coupons",
                                           "quarantine_started_at", "quarantine_ended_at", "assignment", "workplace",
                                           "reason")}),
    )

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return reception_arrive(
            exercise=data["exercise"], person=data["person"], actor=request.user, station=data.get("station", ""),
            has_diploma=data["has_diploma"], crosser_case=data.get("crosser_case"), note=data.get("note", ""),
        )
