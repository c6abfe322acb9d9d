"""Corpse cases in the admin (RET-14): filed through ``corpse_report``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin
from cases.models import Case, CorpseCase
from cases.services.corpse import corpse_report


@admin.register(CorpseCase)
class CorpseCaseAdmin(ServiceFilingAdmin):
    """Bodies found in the border region."""

    filing_fields = ["exercise", "place_found", "description"]
    fieldsets = (
        ("Case", {"fields": (*CASE_FIELDS, "place_found", "description")}),
        ("Findings (RET-14)", {"fields": ("nationality_finding", "cause_of_death", "crime_suspected",
                                          "joint_inspection_held", "joint_findings", "handover_point", "disposal")}),
    )

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return corpse_report(exercise=data["exercise"], place_found=data.get("place_found", ""), actor=request.user,
                             description=data.get("description", ""), note=data.get("note", ""))
