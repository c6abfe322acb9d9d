"""Marriage cases in the admin: filed through ``marriage_file`` on the one filing base, steps through CaseAdmin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from cases.admin.base import StateFilter
from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin, variant_filter
from cases.models import Case, MarriageCase
from cases.services.marriage import marriage_file

VARIANTS = [("", "As the exercise's regime says"), *MarriageCase.VARIANT_LABELS.items()]


@admin.register(MarriageCase)
class MarriageCaseAdmin(ServiceFilingAdmin):
    """Marriage of a Chinese man and a Korean woman (MAR-0 ... MAR-9): the application form of D2 §4."""

    list_filter = ("exercise", variant_filter(MarriageCase), StateFilter, "next_office")
    filing_fields = ["exercise", "man", "woman", "work_unit", "copies", "woman_crossed_illegally",
                     "woman_has_work_in_dprk", "man_can_find_work_in_dprk"]
    fieldsets = (
        ("Case", {"fields": CASE_FIELDS}),
        ("The couple", {"fields": ("man", "woman", "work_unit", "copies", "applications",
                                   "woman_crossed_illegally", "woman_has_work_in_dprk", "man_can_find_work_in_dprk")}),
        ("Examination (MAR-3)", {"fields": ("found_truthful", "remarrying", "post_compatible")}),
        ("Papers", {"fields": ("copy_returned_at", "embassy_copy_at", "dprk_approval_ref", "passport_number",
                               "visa_number", "marriage_certificate", "foreign_resident_number", "reason")}),
    )

    def filing_extra(self) -> dict[str, forms.Field]:
        return {"variant": forms.ChoiceField(choices=VARIANTS, required=False)}

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return marriage_file(
            exercise=data["exercise"], man=data["man"], woman=data["woman"], work_unit=data["work_unit"],
            actor=request.user, copies=data["copies"], woman_crossed_illegally=data["woman_crossed_illegally"],
            woman_has_work_in_dprk=data["woman_has_work_in_dprk"],
            man_can_find_work_in_dprk=data["man_can_find_work_in_dprk"], variant=data.get("variant") or "",
            note=data.get("note", ""),
        )
