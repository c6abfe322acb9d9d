"""The one way an add page saves: through a service, validated by the same service.

Every add page of the product (every procedure's case filing, a crossing at a point, a change of the
border region) is a :class:`ServiceAddMixin` admin. Its form is a ModelForm over a few model fields
(``filing_fields``) plus extra inputs (``filing_extra``); its ``clean`` runs the real service
(``file_case``) inside a transaction that is rolled back on purpose (a dry run), so every check the
service makes (the office the user holds included) comes back as a form error, the user keeps his
input, and nothing can pass the form that the service then refuses: there is no second list of checks
to drift from the service's. Saving calls the service for real. Case pages are the base
``CaseAdmin``'s: read-only, steps only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.forms import modelform_factory
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from cases.admin.base import CaseAdmin, ReadOnlyAdmin, StateFilter, bounded_formfield
from cases.admin.scope import hidden_from
from cases.errors import ApplicationError
from cases.models import Case, Exercise


class _DryRun(Exception):
    """Raised to roll back the validating service call."""


def variant_filter(model: type[Case], title: str = "procedure") -> type[admin.SimpleListFilter]:
    """Build a list filter over ``Case.variant`` from the procedure's ``VARIANT_LABELS`` (no scan for values)."""

    class VariantFilter(admin.SimpleListFilter):
        parameter_name = "variant"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [(str(v), str(label)) for v, label in model.VARIANT_LABELS.items()]

        def queryset(self, request: HttpRequest, queryset: Any) -> Any:
            return queryset.filter(variant=self.value()) if self.value() else queryset

    VariantFilter.title = title
    return VariantFilter


def same_exercise_check(form: forms.BaseForm, data: dict[str, Any]) -> None:
    """Refuse, as an error on its field, a chosen row of another exercise than the one chosen."""
    exercise = data.get("exercise")
    if not isinstance(exercise, Exercise):
        return
    for name, value in list(data.items()):
        if isinstance(value, models.Model) and getattr(value, "exercise_id", exercise.pk) != exercise.pk:
            form.add_error(name, f"{value} belongs to another exercise, not to {exercise}.")


class ServiceAddMixin:
    """An add page whose form is validated by a dry run of the service and saved by the service.

    Put it before the admin base (``ReadOnlyAdmin`` or ``CaseAdmin``). Subclasses give
    ``filing_fields`` (model fields of the form), optionally ``filing_optional`` (those of them that
    may be left empty), ``filing_extra()`` (inputs that are not model fields, or that replace one) and
    ``file_case()`` (the service call). ``outcomes`` are refusals that are recorded outcomes, not form
    errors (a crossing turned back at the point is kept): the dry run lets them pass, ``save_form``
    shows them.
    """

    filing_fields: ClassVar[list[str]] = ["exercise"]
    filing_optional: ClassVar[tuple[str, ...]] = ()
    outcomes: ClassVar[tuple[type[ApplicationError], ...]] = ()
    filing_title: ClassVar[str] = ""
    filing_layout: ClassVar[tuple[str, ...]] = ()  # the add form's order, when not fields then extras then note

    model: type[models.Model]
    opts: Any

    def filing_extra(self) -> dict[str, forms.Field]:
        """Return the non-model inputs of the filing form (a direction, a matter ...)."""
        return {}

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Any:
        """Save the row through the service; raise ApplicationError to refuse."""
        raise NotImplementedError

    def filed_message(self, obj: Any) -> str:
        """Say what was saved (shown on the page the user lands on)."""
        label = getattr(obj, "reference", "") or str(obj)
        state = obj.state_label() if isinstance(obj, Case) else ""
        return f"Filed {label}." + (f" Now: {state}." if state else "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The read-only base turns adding off; here the model's add permission decides (the service
        # checks the office again on the server); a student's admin offers only their procedures' pages.
        return not hidden_from(request, self.model) and admin.ModelAdmin.has_add_permission(
            self, request)  # type: ignore[arg-type]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        admin_self = self
        outcomes = self.outcomes
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
            except outcomes:
                pass  # a refusal that is recorded: the real call records it and says so
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from exc
            # What the service let pass (it says why, citing its rule, where it checks): no row of another
            # exercise than the one chosen (a teacher's pickers offer every exercise's rows).
            same_exercise_check(form, data)
            return data

        def _post_clean(form: forms.ModelForm) -> None:
            """Skip the model's own validation: the service builds and checks the row."""

        attrs: dict[str, Any] = {
            **self.filing_extra(),
            "clean": clean,
            "_post_clean": _post_clean,
        }
        if "note" not in attrs and "note" not in self.filing_fields:
            attrs["note"] = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
        form_cls = type(f"{self.model.__name__}FilingForm", (base,), attrs)
        for name in self.filing_fields:
            if name in attrs:
                continue
            db_field = self.model._meta.get_field(name)
            if db_field.is_relation:
                field = self.formfield_for_foreignkey(db_field, request)  # type: ignore[attr-defined]
                form_cls.base_fields[name].queryset = field.queryset  # type: ignore[attr-defined]
                form_cls.base_fields[name].error_messages["invalid_choice"] = field.error_messages["invalid_choice"]
                form_cls.base_fields[name].initial = field.initial
            if name in self.filing_optional:
                form_cls.base_fields[name].required = False
        return form_cls

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None and self.filing_layout:
            return ((None, {"fields": list(self.filing_layout)}),)
        if obj is None:
            extra = [n for n in self.filing_extra() if n not in self.filing_fields]
            note = [] if "note" in self.filing_fields or "note" in extra else ["note"]
            return ((None, {"fields": [*self.filing_fields, *extra, *note]}),)
        return super().get_fieldsets(request, obj)  # type: ignore[misc]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return super().get_readonly_fields(request, obj)  # type: ignore[misc]

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        try:
            return self.file_case(request, form.cleaned_data)
        except self.outcomes as exc:
            # A refusal that is an outcome: keep the recorded attempt (the admin's atomic block would
            # roll it back if the exception left this method) and show the reason.
            messages.warning(request, f"Refused and recorded: {exc.message}")
            return getattr(exc, "record", None) or getattr(exc, "crossing", None)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Do nothing: the service in save_form already saved the row and its event."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Do nothing: the service saved everything it needs."""

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        """Do nothing: the service's own event records who filed it."""

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: str | None = None) -> HttpResponse:
        """Land on the saved row's page (the case page, with its next steps), saying what was filed."""
        if isinstance(obj, Case):
            messages.success(request, self.filed_message(obj))
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                                args=[obj.pk]))
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        extra_context = dict(extra_context or {})
        if self.filing_title:
            extra_context.setdefault("title", self.filing_title)
        try:
            return super().add_view(request, form_url, extra_context)  # type: ignore[misc]
        except ApplicationError as exc:  # a race between the dry run and the save
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path)


class ServiceFilingAdmin(ServiceAddMixin, CaseAdmin):
    """The filing base of every procedure: a CaseAdmin whose add page files through ``file_case``."""

    list_filter: Any = ("exercise", StateFilter, "next_office")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A link to another case: give the queryset here, because the default one would take the
        # related CaseAdmin's ordering, which needs an annotation only its own list adds.
        if issubclass(db_field.related_model, Case) and "queryset" not in kwargs:
            kwargs["queryset"] = db_field.related_model._default_manager.order_by("-filed_at", "-id")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceAddAdmin(ServiceAddMixin, ReadOnlyAdmin):
    """An add page for a row that is not a case (a crossing, a region change), saved by its service."""


CASE_FIELDS = ("reference", "exercise", "variant_shown", "regime", "filed_at", "state_since", "closed_at")
