"""Meetings of representatives (MEET-1 ... MEET-5): case pages whose steps call the services,
representatives and entry permits (read-only: services write them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from cases.admin.base import CaseAdmin, ExerciseScopedAdmin, StateFilter
from cases.choices import OfficeKind, Side
from cases.errors import ApplicationError
from cases.models import EntryPermit, Exercise, MeetingCase, MeetingKind, Membership, Representative
from cases.selectors import scope_to_user
from cases.services.meeting import meeting_request

REQUESTING_OFFICES = (OfficeKind.BORDER_REPRESENTATIVE, OfficeKind.DPRK_SAFETY)


class MeetingRequestForm(forms.Form):
    """A request for a meeting: time, place and subject (MEET-1), checked for notice (MEET-2)."""

    exercise = forms.ModelChoiceField(queryset=Exercise.objects.none())
    meeting_kind = forms.ChoiceField(choices=MeetingKind.choices, label="Kind of meeting")
    requesting_side = forms.ChoiceField(choices=Side.choices, label="Side asking")
    scheduled_for = forms.DateField(
        label="Date of the meeting (simulated)", widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(max_length=160)
    subject = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    emergency = forms.BooleanField(required=False, label="Emergency (MEET-2)")
    emergency_agreed = forms.BooleanField(required=False, label="The other side agreed to the emergency meeting")
    requested_by = forms.ModelChoiceField(
        queryset=Representative.objects.none(), required=False,
        help_text="Leave empty for the acting Chief (or Deputy) Representative; choose one for county meetings.",
    )
    counterpart = forms.ModelChoiceField(queryset=Representative.objects.none(), required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exercise"].queryset = scope_to_user(Exercise.objects.all(), user, "id")
        reps = scope_to_user(Representative.objects.all(), user)
        self.fields["requested_by"].queryset = reps
        self.fields["counterpart"].queryset = reps

FIELDSETS = (
    ("Case", {"fields": ("reference", "exercise", "variant", "regime", "filed_at", "state_since", "closed_at")}),
    ("Request (MEET-1, MEET-2)", {"fields": ("meeting_kind", "requesting_side", "scheduled_for", "place",
                                           "subject", "emergency", "emergency_agreed", "requested_by",
                                           "counterpart")}),
    ("Venue and chair (MEET-3)", {"fields": ("host_side", "chair")}),
    ("Resolution (MEET-4)", {"fields": ("resolution", "approved_cn_at", "approved_kp_at", "effective_from",
                                        "reason")}),
)


@admin.register(MeetingCase)
class MeetingCaseAdmin(CaseAdmin):
    """Meetings between the two sides' representatives (D10 Art. 9)."""

    list_filter = ("exercise", "meeting_kind", StateFilter, "next_office")
    fieldsets = FIELDSETS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f for fs in FIELDSETS for f in fs[1]["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Representatives' offices (and the teacher) ask for meetings; the service checks the office again."""
        user = request.user
        if user.is_superuser:
            return True
        return Membership.objects.filter(
            Q(is_facilitator=True) | Q(office__kind__in=REQUESTING_OFFICES), user=user
        ).exists()

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """Ask for a meeting through meeting_request; a refusal (e.g. MEET-2) is shown on the form."""
        if not self.has_add_permission(request):
            messages.error(request, "Only the representatives' offices ask for meetings.")
            return HttpResponseRedirect(reverse("admin:cases_meetingcase_changelist"))
        form = MeetingRequestForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            when = timezone.make_aware(dt.datetime.combine(data["scheduled_for"], dt.time(9, 0)))
            try:
                case = meeting_request(
                    exercise=data["exercise"], actor=request.user, kind=data["meeting_kind"],
                    requesting_side=data["requesting_side"], scheduled_for=when, place=data["place"],
                    subject=data["subject"], requested_by=data["requested_by"], counterpart=data["counterpart"],
                    emergency=data["emergency"], emergency_agreed=data["emergency_agreed"], note=data["note"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Requested {case.reference}; the other side must consent before the date.")
                return HttpResponseRedirect(reverse("admin:cases_meetingcase_change", args=[case.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Ask for a meeting of representatives",
            "form": form,
        }
        return TemplateResponse(request, "admin/cases/meeting_request.html", context)


class _ReadOnly(ExerciseScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Representative)
class RepresentativeAdmin(_ReadOnly):
    list_display = ("name", "rank", "side", "area", "available", "exercise")
    list_filter = ("exercise", "side", "rank")


@admin.register(EntryPermit)
class EntryPermitAdmin(_ReadOnly):
    exercise_path = "meeting__exercise_id"
    list_display = ("number", "representative", "meeting", "issued_by", "issued_at")
