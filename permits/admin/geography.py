"""The border geography in the admin: global reference data, and each exercise's region changes (PER-2, PER-8)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from cases.admin.base import ExerciseScopedAdmin
from cases.errors import ApplicationError
from permits.models import BorderCounty, BorderRegionChange, CrossingHours, CrossingPoint
from permits.services.geography import border_region_change


@admin.register(BorderCounty)
class BorderCountyAdmin(admin.ModelAdmin):
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
class CrossingPointAdmin(admin.ModelAdmin):
    list_display = ("name", "cn_county", "kp_county", "cn_inspection_body", "kp_inspection_body", "source")
    list_filter = ("cn_county",)


@admin.register(CrossingHours)
class CrossingHoursAdmin(admin.ModelAdmin):
    list_display = ("label", "first_month", "last_month", "opens", "closes", "pyongyang_label", "source")


class BorderRegionChangeForm(forms.ModelForm):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    class Meta:
        model = BorderRegionChange
        fields = ["exercise", "county", "in_region", "notified_to", "note"]


@admin.register(BorderRegionChange)
class BorderRegionChangeAdmin(ExerciseScopedAdmin):
    """Changes of the border region, each notified to the other side (PER-2, D10 Art. 6)."""

    list_display = ("county", "in_region", "effective_at", "notified_by", "notified_to", "exercise")
    list_filter = ("exercise", "in_region")
    form = BorderRegionChangeForm

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        data = form.cleaned_data
        return border_region_change(
            exercise=data["exercise"], county=data["county"], in_region=data["in_region"], actor=request.user,
            notified_to=data.get("notified_to"), note=data.get("note", ""),
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Do nothing: the service saved the change."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Do nothing: the service saved everything."""

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        try:
            return super().add_view(request, form_url, extra_context)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path)
