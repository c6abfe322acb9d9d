"""Stray-property cases in the admin (OTH-3): filed through ``stray_report``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin
from cases.models import Case, StrayCase
from cases.services.stray import stray_report


@admin.register(StrayCase)
class StrayCaseAdmin(ServiceFilingAdmin):
    """Vessels, livestock and poultry of the other side."""

    filing_fields = ["exercise", "item_kind", "quantity", "place_found", "description"]
    fieldsets = (
        ("Case", {"fields": (*CASE_FIELDS, "item_kind", "quantity", "place_found", "description")}),
        ("Safekeeping and retrieval (OTH-3)", {"fields": ("custody_place", "notified_at", "handover_point")}),
    )

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return stray_report(exercise=data["exercise"], item_kind=data["item_kind"], quantity=data["quantity"],
                            place_found=data.get("place_found", ""), actor=request.user,
                            description=data.get("description", ""), note=data.get("note", ""))
