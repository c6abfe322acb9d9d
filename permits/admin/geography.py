"""The border geography in the admin: global reference data, and each exercise's region changes (PER-2, PER-8)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.admin.base import SafeListAdmin
from cases.admin.filing import ServiceAddAdmin
from permits.models import BorderCounty, BorderRegionChange, CrossingHours, CrossingPoint
from permits.services.geography import border_region_change


@admin.register(BorderCounty)
class BorderCountyAdmin(SafeListAdmin):
    list_display = ("name", "side", "province", "kind", "in_border_region", "facing", "assumption_flag")
    list_filter = ("side", "province", "in_border_region")
    search_fields = ("name", "other_names")

    @admin.display(description="faces")
    def facing(self, obj: BorderCounty) -> str:
        return ", ".join(c.name for c in obj.faces.all()) or "—"

    @admin.display(description="assumption", boolean=True)
    def assumption_flag(self, obj: BorderCounty) -> bool:
        return bool(obj.assumption)


@admin.register(CrossingPoint)
class CrossingPointAdmin(SafeListAdmin):
    list_display = ("name", "cn_county", "kp_county", "cn_inspection_body", "kp_inspection_body", "source")
    list_filter = ("cn_county",)


@admin.register(CrossingHours)
class CrossingHoursAdmin(SafeListAdmin):
    list_display = ("label", "first_month", "last_month", "opens", "closes", "pyongyang_label", "source")


@admin.register(BorderRegionChange)
class BorderRegionChangeAdmin(ServiceAddAdmin):
    """Changes of the border region, each notified to the other side (PER-2, D10 Art. 6)."""

    list_display = ("county", "in_region", "effective_at", "notified_by", "notified_to", "exercise")
    list_filter = ("exercise", "in_region")
    filing_fields = ["exercise", "county", "in_region", "notified_to"]
    filing_optional = ("notified_to",)

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> BorderRegionChange:
        return border_region_change(
            exercise=data["exercise"], county=data["county"], in_region=data["in_region"], actor=request.user,
            notified_to=data.get("notified_to"), note=data.get("note", ""),
        )
