"""Naturalisation cases in the admin (OTH-1): filed through ``naturalisation_apply``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin
from cases.models import Case, NaturalisationCase
from cases.services.naturalisation import naturalisation_apply


@admin.register(NaturalisationCase)
class NaturalisationCaseAdmin(ServiceFilingAdmin):
    """A Korean national's application for Chinese citizenship."""

    filing_fields = ["exercise", "person", "grounds"]
    fieldsets = (
        ("Case", {"fields": (*CASE_FIELDS, "person", "grounds")}),
        ("Decision (OTH-1)", {"fields": ("province_reviewed_at", "letter_number", "reason")}),
    )

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return naturalisation_apply(exercise=data["exercise"], person=data["person"], actor=request.user,
                                    grounds=data.get("grounds", ""), note=data.get("note", ""))
