"""All cases of every procedure in one list: the office's inbox, its own queue first."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from cases.admin.base import CaseAdmin, StateFilter
from cases.models import Case, CaseProxy


class KindFilter(admin.SimpleListFilter):
    """Filter by procedure, from the registry (no scan of the table for distinct values)."""

    title = "procedure"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from cases.procedures import all_procedures

        return sorted((p.kind, p.label) for p in all_procedures())

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(CaseProxy)
class InboxAdmin(CaseAdmin):
    """Every case kind together; a case opens on its own procedure's page."""

    list_display = ("reference_link", "title", "procedure_shown", "state_display", "next_office",
                    "next_rules_display", "waiting_since")
    list_display_links = None
    list_filter = ("exercise", KindFilter, StateFilter, "next_office")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("cases.view_case")

    @admin.display(description="procedure", ordering="kind")
    def procedure_shown(self, obj: Case) -> str:
        """The case's procedure by its name ("Illegal crosser case"), not its code ("crosser")."""
        return obj.procedure.label

    @admin.display(description="reference", ordering="reference")
    def reference_link(self, obj: Case) -> str:
        return format_html('<a href="{}">{}</a>', _case_url(obj), obj.reference)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        case = self.get_object(request, object_id)
        if case is None:
            return super().change_view(request, object_id, form_url, extra_context)
        return HttpResponseRedirect(_case_url(case))


def _case_url(case: Case) -> str:
    opts = case.procedure.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[case.pk])
