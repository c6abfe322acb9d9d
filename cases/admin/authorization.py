"""Authorization letters (AUT-1 ... AUT-11), the 1959 relocation quotas (AUT-12) and the teacher's regime switch.

Steps go through the base CaseAdmin (services). Issuing a letter goes through
``authorization_issue_letter`` as the DPRK office; switching the regime through
``exercise_switch_regime``, on a page only the exercise's teacher can use.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from cases.admin.base import CaseAdmin, StateFilter
from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin, variant_filter
from cases.engine import is_facilitator
from cases.errors import ApplicationError
from cases.models import AuthorizationCase, Case, Exercise, Membership, RelocationQuota
from cases.models.authorization import RETURN_HOME, SETTLE, VISIT, Purpose
from cases.regimes import REGIME_CHOICES, REGIMES
from cases.relocation_1959 import R1959_CITATION, R1959_PROVINCES
from cases.services.authorization import authorization_issue_letter
from cases.services.regime import exercise_switch_regime

LETTER_PURPOSES = [(p.value, p.label) for p in Purpose if p.value in (SETTLE, VISIT, RETURN_HOME)]


class RegimeSwitchForm(forms.Form):
    """The teacher's choice: which line is in force, and what running cases do (keep or migrate)."""

    exercise = forms.ModelChoiceField(queryset=Exercise.objects.none())
    regime = forms.ChoiceField(choices=REGIME_CHOICES)
    running_cases = forms.ChoiceField(
        choices=[("keep", "Running cases keep the rules they were filed under"),
                 ("migrate", "Running cases move to the new rules now")],
        widget=forms.RadioSelect, initial="keep",
    )
    counterfactual = forms.BooleanField(
        required=False, label="Counterfactual run",
        help_text="Needed for a regime whose document is dated after the exercise's date: every page then labels "
        "the run counterfactual.",
    )


def teacher_exercises(user: Any) -> Any:
    """Return the exercises this user may switch: those they run as facilitator (all for a superuser)."""
    if user.is_superuser:
        return Exercise.objects.all()
    ids = Membership.objects.filter(user=user, is_facilitator=True).values_list("exercise_id", flat=True)
    return Exercise.objects.filter(pk__in=list(ids))


@admin.register(AuthorizationCase)
class AuthorizationCaseAdmin(ServiceFilingAdmin):
    """Authorization letters and applications to go to the DPRK (AUT-1 ... AUT-11).

    The add page issues a letter as the DPRK office, through ``authorization_issue_letter`` (AUT-1).
    """

    list_display = ("reference", "title", "variant_shown", "regime", "state_display", "next_office",
                    "next_rules_display", "waiting_since")
    list_filter = ("exercise", variant_filter(AuthorizationCase), "regime", StateFilter,
                   "next_office")
    search_fields = ("reference", "title", "applicant__name", "letter_number")
    filing_title = "Issue an authorization letter (DPRK side, AUT-1)"
    filing_fields = ["exercise", "applicant", "letter_number", "inviting_relative", "reason_for_travel",
                     "kpa_officer_family", "relative_of_dprk_cadre"]
    filing_layout = ("exercise", "applicant", "letter_number", "purpose", "inviting_relative", "reason_for_travel",
                     "kpa_officer_family", "relative_of_dprk_cadre", "note")
    filing_optional = ("inviting_relative", "reason_for_travel")
    fieldsets = (
        ("Case", {"fields": CASE_FIELDS}),
        ("Letter and applicant (AUT-1)", {"fields": (
            "applicant", "destination", "letter_number", "letter_issued_at", "inviting_relative",
            "reason_for_travel", "follows", "kpa_officer_family", "relative_of_dprk_cadre")}),
        ("Papers and examination (AUT-2, AUT-3)", {"fields": (
            "has_commune_introduction", "has_relative_letter", "has_political_clearance", "political_issue",
            "pending_case", "decided_by", "reason")}),
        ("Departure (AUT-8, AUT-11)", {"fields": (
            "taking_property", "property_disposition", "accounts_settled_at", "crossing_point", "departed_at",
            "visit_days", "return_by", "returned_at")}),
        ("Capitalist destinations (AUT-10)", {"fields": ("instruction",)}),
    )

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path("switch-regime/", self.admin_site.admin_view(self.switch_regime_view),
                 name="{}_{}_switch_regime".format(*info)),
            *super().get_urls(),
        ]

    # --- Issuing a letter (the add page) --------------------------------------------------------

    def filing_extra(self) -> dict[str, forms.Field]:
        return {
            "letter_number": forms.CharField(max_length=60, label="Authorization letter no."),
            "purpose": forms.ChoiceField(choices=LETTER_PURPOSES),
            "inviting_relative": forms.CharField(max_length=160, required=False, label="Relative or body in the DPRK"),
            "reason_for_travel": forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                                 max_length=2000, help_text="AUT-11: a visit needs a proper reason."),
            "kpa_officer_family": forms.BooleanField(required=False, label="Family of a KPA officer (AUT-7)"),
            "relative_of_dprk_cadre": forms.BooleanField(required=False, label="Relative of a DPRK cadre (AUT-4)"),
        }

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return authorization_issue_letter(
            exercise=data["exercise"], applicant=data["applicant"], letter_number=data["letter_number"],
            actor=request.user, purpose=data["purpose"], inviting_relative=data.get("inviting_relative", ""),
            reason_for_travel=data.get("reason_for_travel", ""), kpa_officer_family=data["kpa_officer_family"],
            relative_of_dprk_cadre=data["relative_of_dprk_cadre"], note=data.get("note", ""),
        )

    def filed_message(self, obj: Any) -> str:
        return f"Letter recorded: {obj.reference}. Now: {obj.state_label()}."

    # --- The teacher's regime switch ------------------------------------------------------------

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = dict(extra_context or {})
        if teacher_exercises(request.user).exists():
            extra_context["switch_regime_url"] = reverse("admin:cases_authorizationcase_switch_regime")
        return super().changelist_view(request, extra_context)

    def switch_regime_view(self, request: HttpRequest) -> HttpResponse:
        """Let the teacher put another regime in force and choose keep or migrate for running cases."""
        exercises = teacher_exercises(request.user)
        if not exercises.exists():
            raise PermissionDenied
        form = RegimeSwitchForm(request.POST or None)
        form.fields["exercise"].queryset = exercises  # type: ignore[attr-defined]
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            exercise = data["exercise"]
            if not (request.user.is_superuser or is_facilitator(request.user, exercise.pk)):
                raise PermissionDenied
            try:
                result = exercise_switch_regime(
                    exercise=exercise, regime=data["regime"], migrate_running=data["running_cases"] == "migrate",
                    actor=request.user, counterfactual=data["counterfactual"],
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    f"{'COUNTERFACTUAL RUN. ' if result.counterfactual else ''}"
                    f"{REGIMES[result.new].label} is in force in {exercise}. Running cases moved to it: "
                    f"{result.migrated}; kept their rules: {result.kept}.",
                )
                return HttpResponseRedirect(reverse("admin:cases_authorizationcase_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Switch the policy regime",
            "form": form,
            "opts": self.opts,
            "submit_label": "Switch regime",
            "regimes": list(REGIMES.values()),
        }
        return TemplateResponse(request, "admin/cases/simple_form.html", context)


@admin.register(RelocationQuota)
class RelocationQuotaAdmin(CaseAdmin):
    """One province's share of the 1959 organised relocation (AUT-12), beside R1959's figures."""

    list_display_links = ("reference",)
    list_display = ("reference", "province", "control_households", "applied_households", "selected_households",
                    "departed_households", "state_display", "next_office")
    list_filter = ("exercise", "province", StateFilter)
    fieldsets = (
        ("Case", {"fields": ("reference", "exercise", "regime", "filed_at", "state_since", "closed_at")}),
        ("Figures (households; AUT-12)", {"fields": (
            "province", "control_households", "applied_households", "selected_households", "persuaded_households",
            "settlement_note", "departed_households", "departed_people", "r1959_figures")}),
    )

    # Quotas open through relocation_open_quota (the State Council's control figures), not a form: the
    # read-only base offers no add page.

    @admin.display(description="what R1959 reports")
    def r1959_figures(self, obj: RelocationQuota) -> str:
        fig = R1959_PROVINCES[obj.province]
        applied = f"{fig.applied_households:,} applied; " if fig.applied_households else ""
        plan = " (assumed)" if fig.control_assumed else ""
        return (f"{fig.control_households:,} households planned{plan}; {applied}{fig.sent_households:,} households, "
                f"{fig.sent_people:,} people sent ({R1959_CITATION})")
