"""The date table in the admin: every rule with its in-force dates and source, in the order of the documents.

Read-only and the same table as docs/rules-in-force.md (cases/rules/in_force.py), so that a teacher can show
the class the order in which the documents came and what each one put in force. Mixed into the Exercise
admin for its URL (``admin:cases_exercise_rule_dates``); any staff user may read it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from cases.models import Exercise
from cases.regimes import REGIMES
from cases.rules import get_rule
from cases.rules.in_force import DOCUMENTS, date_table


class RuleDatesMixin:
    """Add the read-only date table page to an admin (``rules-by-date/``)."""

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("rules-by-date/", view(self.rule_dates_view), name="cases_exercise_rule_dates"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def rule_dates_view(self, request: HttpRequest) -> HttpResponse:
        """Show every rule by the date it comes into force, the documents in date order, and the regimes."""
        if request.method != "GET":
            return HttpResponse("This page is read-only.", status=405)
        rows = [{**row, "summary": get_rule(row["rule"]).summary} for row in date_table()]
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Exercise._meta,
            "title": "Rules in force by date",
            "rows": rows,
            "documents": sorted(DOCUMENTS.values(), key=lambda d: (d.date, d.code)),
            "regimes": sorted(REGIMES.values(), key=lambda r: r.effective),
        }
        return TemplateResponse(request, "admin/cases/rule_dates.html", context)
