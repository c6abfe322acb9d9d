"""Detention reports in the admin (OTH-2): filed through ``detention_report``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin
from cases.choices import OfficeKind
from cases.models import Case, DetentionCase
from cases.services.detention import detention_report

REPORTERS = [(k, OfficeKind(k).label) for k in (OfficeKind.COUNTY_PSB, OfficeKind.BORDER_STATION,
                                                 OfficeKind.WORK_UNIT)]


@admin.register(DetentionCase)
class DetentionCaseAdmin(ServiceFilingAdmin):
    """Public security asks approval to detain or sentence a Korean national."""

    filing_fields = ["exercise", "person", "measure", "grounds"]
    fieldsets = (
        ("Case", {"fields": (*CASE_FIELDS, "person", "measure", "grounds")}),
        ("Approval (OTH-2)", {"fields": ("approved_at", "reason")}),
    )

    def filing_extra(self) -> dict[str, forms.Field]:
        # The work unit is offered on purpose: OTH-2 refuses it with a reason a student can read.
        return {"reported_by": forms.ChoiceField(choices=REPORTERS, initial=OfficeKind.COUNTY_PSB)}

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return detention_report(
            exercise=data["exercise"], person=data["person"], measure=data["measure"], grounds=data.get("grounds", ""),
            actor=request.user, reporting_office_kind=data["reported_by"], note=data.get("note", ""),
        )
