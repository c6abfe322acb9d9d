"""A filing page for procedures whose add form calls a service (used by the returns procedures).

The add form is a ModelForm over a few model fields plus extra inputs; its ``clean`` runs the real
service inside a transaction that is rolled back on purpose (a dry run), so that every rule the service
checks (the office the user holds included) comes back as a form error and the user keeps his input.
Saving then calls the service for real. Case pages are the base ``CaseAdmin``'s: read-only, steps only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.forms import modelform_factory
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from cases.admin.base import CaseAdmin, StateFilter, bounded_formfield
from cases.errors import ApplicationError
from cases.models import Case


class _DryRun(Exception):
    """Raised to roll back the validating service call."""


def variant_filter(choices: list[tuple[str, str]], title: str = "procedure") -> type[admin.SimpleListFilter]:
    """Build a list filter over ``Case.variant`` from fixed choices (no scan for distinct values)."""

    class VariantFilter(admin.SimpleListFilter):
        parameter_name = "variant"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [(str(v), str(label)) for v, label in choices]

        def queryset(self, request: HttpRequest, queryset: Any) -> Any:
            return queryset.filter(variant=self.value()) if self.value() else queryset

    VariantFilter.title = title
    return VariantFilter


class ServiceFilingAdmin(CaseAdmin):
    """CaseAdmin whose add page files the case through ``file_case`` (a procedure service)."""

    list_filter = ("exercise", StateFilter, "next_office")
    filing_fields: ClassVar[list[str]] = ["exercise"]
    case_fieldsets: ClassVar[tuple[Any, ...]] = ()

    def filing_extra(self) -> dict[str, forms.Field]:
        """Return the non-model inputs of the filing form (a direction, a matter ...)."""
        return {}

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        """File the case through the procedure's service."""
        raise NotImplementedError

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A link to another case: give the queryset here, because the default one would take the
        # related CaseAdmin's ordering, which needs an annotation only its own list adds.
        if issubclass(db_field.related_model, Case) and "queryset" not in kwargs:
            kwargs["queryset"] = db_field.related_model._default_manager.order_by("-filed_at", "-id")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        admin_self = self
        base = modelform_factory(self.model, fields=self.filing_fields, formfield_callback=bounded_formfield)

        def clean(form: forms.ModelForm) -> dict[str, Any]:
            data = forms.ModelForm.clean(form)
            if form.errors:
                return data
            try:
                with transaction.atomic():
                    admin_self.file_case(request, data)
                    raise _DryRun
            except _DryRun:
                pass
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from exc
            return data

        attrs: dict[str, Any] = {
            **self.filing_extra(),
            "note": forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False),
            "clean": clean,
        }
        form_cls = type(f"{self.model.__name__}FilingForm", (base,), attrs)
        for name in self.filing_fields:
            db_field = self.model._meta.get_field(name)
            if db_field.is_relation:
                field = self.formfield_for_foreignkey(db_field, request)
                form_cls.base_fields[name].queryset = field.queryset  # type: ignore[attr-defined]
        return form_cls

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ((None, {"fields": [*self.filing_fields, *self.filing_extra(), "note"]}),)
        return self.case_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return [f for fs in self.case_fieldsets for f in fs[1]["fields"]]

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return self.file_case(request, form.cleaned_data)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Do nothing: the service in save_form already saved the case and its event."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Do nothing: these cases have no inlines."""

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        try:
            return super().add_view(request, form_url, extra_context)
        except ApplicationError as exc:  # a race between the dry run and the save
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path)


CASE_FIELDS = ("reference", "exercise", "variant", "regime", "filed_at", "state_since", "closed_at")
