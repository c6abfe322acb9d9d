"""Embassy cases in the admin (RET-1, RET-11): filed through ``embassy_case_open``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from cases.admin.base import StateFilter
from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin, variant_filter
from cases.models import Case, EmbassyCase
from cases.models.embassy import EmbassyMatter
from cases.services.embassy import embassy_case_open


@admin.register(EmbassyCase)
class EmbassyCaseAdmin(ServiceFilingAdmin):
    """Emigrant passports, renunciations and returns to settle property."""

    list_filter = ("exercise", variant_filter(EmbassyCase, "matter"), StateFilter, "next_office")
    filing_fields = ["exercise", "person", "crosser_case", "papers_held", "dprk_consent_ref", "former_commune",
                     "property_description"]
    fieldsets = (
        ("Case", {"fields": (*CASE_FIELDS, "person", "crosser_case", "papers_held")}),
        ("Passport and renunciation (RET-1)", {"fields": ("dprk_consent_ref", "investigation_findings",
                                                          "passport_number", "renunciation_certificate")}),
        ("Property (RET-11)", {"fields": ("former_commune", "property_description", "certification_letter_ref",
                                          "settlement_method", "travel_permit_number", "reason")}),
    )

    def filing_extra(self) -> dict[str, forms.Field]:
        return {"matter": forms.ChoiceField(choices=EmbassyMatter.choices)}

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return embassy_case_open(
            exercise=data["exercise"], person=data["person"], matter=data["matter"], actor=request.user,
            crosser_case=data.get("crosser_case"), papers_held=data.get("papers_held", ""),
            dprk_consent_ref=data.get("dprk_consent_ref", ""), former_commune=data.get("former_commune"),
            property_description=data.get("property_description", ""), note=data.get("note", ""),
        )
