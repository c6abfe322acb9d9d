"""Marriage cases in the admin: filing through the service, steps through the base CaseAdmin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from cases.admin.base import CaseAdmin, ServiceSavesAdminMixin, StateFilter
from cases.choices import OfficeKind
from cases.engine import acting_office
from cases.errors import ApplicationError
from cases.models import MarriageCase
from cases.services.marriage import marriage_file, marriage_validate

VARIANTS = [("", "As the exercise's regime says"), ("1958", "1958 procedure (D2)"),
            ("pre1958", "Pre-1958 referral to the Centre (MAR-0)")]


class MarriageFilingForm(forms.ModelForm):
    """The application form of D2 §4, filed with the man's work unit."""

    variant = forms.ChoiceField(choices=VARIANTS, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    class Meta:
        model = MarriageCase
        fields = ["exercise", "man", "woman", "work_unit", "copies", "woman_crossed_illegally",
                  "woman_has_work_in_dprk", "man_can_find_work_in_dprk"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            data["variant"] = marriage_validate(
                exercise=data["exercise"], man=data["man"], woman=data["woman"], work_unit=data["work_unit"],
                copies=data["copies"], woman_crossed_illegally=data["woman_crossed_illegally"],
                variant=data.get("variant") or "",
            )
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        probe = MarriageCase(exercise=data["exercise"], work_unit=data["work_unit"])
        kind = OfficeKind.COUNTY_PSB if data["woman_crossed_illegally"] else OfficeKind.WORK_UNIT
        if acting_office(self.user, probe, kind) is None:
            office = probe.office_for(kind)
            raise forms.ValidationError(f"Only {office or kind} files this case, and you do not hold that office.")
        return data


class VariantFilter(admin.SimpleListFilter):
    """The two procedures of MAR-0, from fixed choices (no scan of the table for distinct values)."""

    title = "procedure"
    parameter_name = "variant"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [v for v in VARIANTS if v[0]]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(variant=self.value()) if self.value() else queryset


@admin.register(MarriageCase)
class MarriageCaseAdmin(ServiceSavesAdminMixin, CaseAdmin):
    """Marriage of a Chinese man and a Korean woman (MAR-0 ... MAR-9)."""

    list_filter = ("exercise", VariantFilter, StateFilter, "next_office")
    fieldsets = (
        ("Case", {"fields": ("reference", "exercise", "variant", "regime", "filed_at", "state_since", "closed_at")}),
        ("The couple", {"fields": ("man", "woman", "work_unit", "copies", "applications",
                                   "woman_crossed_illegally", "woman_has_work_in_dprk", "man_can_find_work_in_dprk")}),
        ("Examination (MAR-3)", {"fields": ("found_truthful", "remarrying", "post_compatible")}),
        ("Papers", {"fields": ("copy_returned_at", "embassy_copy_at", "dprk_approval_ref", "passport_number",
                               "visa_number", "marriage_certificate", "foreign_resident_number", "reason")}),
    )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        form = MarriageFilingForm

        class BoundFilingForm(form):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, user=request.user, **kw)

        for name in ("exercise", "man", "woman", "work_unit"):
            db_field = MarriageCase._meta.get_field(name)
            field = self.formfield_for_foreignkey(db_field, request)
            BoundFilingForm.base_fields[name].queryset = field.queryset  # type: ignore[attr-defined]
        return BoundFilingForm

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ((None, {"fields": [*MarriageFilingForm.Meta.fields, "variant", "note"]}),)
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return [f for fs in self.fieldsets for f in fs[1]["fields"]]

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        data = form.cleaned_data
        return marriage_file(
            exercise=data["exercise"], man=data["man"], woman=data["woman"], work_unit=data["work_unit"],
            actor=request.user, copies=data["copies"], woman_crossed_illegally=data["woman_crossed_illegally"],
            woman_has_work_in_dprk=data["woman_has_work_in_dprk"],
            man_can_find_work_in_dprk=data["man_can_find_work_in_dprk"], variant=data["variant"],
            note=data.get("note", ""),
        )
