"""Illegal-crosser cases in the admin (RET-1 ... RET-12): filed through ``crosser_report``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from cases.admin.base import StateFilter
from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin, variant_filter
from cases.models import Case, CrosserCase
from cases.models.crosser import CrossingDirection
from cases.regimes import REGIME_CHOICES
from cases.services.crosser import crosser_report


@admin.register(CrosserCase)
class CrosserCaseAdmin(ServiceFilingAdmin):
    """Illegal crossers: identity, disaster exemption, crime check, handover or stay."""

    list_filter = ("exercise", variant_filter(CrosserCase, "direction"), StateFilter, "next_office")
    filing_fields = ["exercise", "person", "source", "source_reference", "crossing_place", "returned_from_dprk",
                     "settled_by_dprk", "wants_to_return"]
    fieldsets = (
        ("Case", {"fields": (*CASE_FIELDS, "source", "source_reference")}),
        ("Crosser (RET-5)", {"fields": ("person", "crossing_place", "crossed_at", "identity_details",
                                        "circumstances", "crossing_cause", "disaster_exempt", "returned_from_dprk",
                                        "settled_by_dprk", "wants_to_return")}),
        ("Check (RET-3, RET-6)", {"fields": ("home_case", "crime_after_crossing", "keep_agreed",
                                             "other_side_notified_at")}),
        ("Return (RET-7, RET-9, RET-10)", {"fields": ("handover_point", "handed_over_at", "entry_permit_number",
                                                     "travel_money_yuan", "reason")}),
    )

    def filing_extra(self) -> dict[str, forms.Field]:
        return {
            "direction": forms.ChoiceField(choices=CrossingDirection.choices),
            "line": forms.ChoiceField(
                choices=[("", "The exercise's regime"), *REGIME_CHOICES], required=False, label="policy line",
            ),
        }

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return crosser_report(
            exercise=data["exercise"], person=data["person"], direction=data["direction"], source=data["source"],
            actor=request.user, source_reference=data.get("source_reference", ""),
            crossing_place=data.get("crossing_place", ""), returned_from_dprk=data["returned_from_dprk"],
            settled_by_dprk=data["settled_by_dprk"], wants_to_return=data["wants_to_return"],
            regime=data.get("line") or "", note=data.get("note", ""),
        )
