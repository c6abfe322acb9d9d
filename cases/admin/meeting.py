"""Meetings of representatives (MEET-1 ... MEET-5): case pages whose steps call the services,
representatives and entry permits (read-only lists: a permit is issued by the permit step on the meeting's
page, which ``meeting_entry_permits_issue`` takes with the permit row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from cases.admin.base import ReadOnlyAdmin, StateFilter
from cases.admin.filing import ServiceFilingAdmin
from cases.choices import OfficeKind, Side
from cases.models import Case, EntryPermit, MeetingCase, MeetingKind, Membership, Representative
from cases.models.meeting import PERMIT_STEPS
from cases.services.meeting import meeting_entry_permits_issue, meeting_request

REQUESTING_OFFICES = (OfficeKind.BORDER_REPRESENTATIVE, OfficeKind.DPRK_SAFETY)


FIELDSETS = (
    ("Case", {"fields": ("reference", "exercise", "variant_shown", "regime", "filed_at", "state_since", "closed_at")}),
    ("Request (MEET-1, MEET-2)", {"fields": ("meeting_kind", "requesting_side", "scheduled_for", "place",
                                           "subject", "emergency", "emergency_agreed", "requested_by",
                                           "counterpart")}),
    ("Venue and chair (MEET-3)", {"fields": ("host_side", "chair")}),
    ("Entry permits (MEET-5)", {"fields": ("entry_permit_number", "entry_permits_issued")}),
    ("Resolution (MEET-4)", {"fields": ("resolution", "approved_cn_at", "approved_kp_at", "effective_from",
                                        "reason")}),
)


@admin.register(MeetingCase)
class MeetingCaseAdmin(ServiceFilingAdmin):
    """Meetings between the two sides' representatives (D10 Art. 9): asked for through ``meeting_request``.

    The request names time, place and subject (MEET-1) and is checked for notice (MEET-2) by the service.
    """

    list_filter = ("exercise", "meeting_kind", StateFilter, "next_office")
    fieldsets = FIELDSETS
    filing_title = "Ask for a meeting of representatives"
    filing_fields = ["exercise", "meeting_kind", "requesting_side", "place", "subject", "emergency",
                     "emergency_agreed", "requested_by", "counterpart"]
    filing_optional = ("requested_by", "counterpart")
    filing_layout = ("exercise", "meeting_kind", "requesting_side", "scheduled_for", "place", "subject", "emergency",
                     "emergency_agreed", "requested_by", "counterpart", "note")

    def filing_extra(self) -> dict[str, forms.Field]:
        return {
            "meeting_kind": forms.ChoiceField(choices=MeetingKind.choices, label="Kind of meeting"),
            "requesting_side": forms.ChoiceField(choices=Side.choices, label="Side asking"),
            "scheduled_for": forms.DateField(label="Date of the meeting (simulated)",
                                             widget=forms.DateInput(attrs={"type": "date"})),
            "place": forms.CharField(max_length=160),
            "subject": forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000),
            "emergency": forms.BooleanField(required=False, label="Emergency (MEET-2)"),
            "emergency_agreed": forms.BooleanField(required=False,
                                                   label="The other side agreed to the emergency meeting"),
        }

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Representatives' offices (and the teacher) ask for meetings; the service checks the office again."""
        user = request.user
        if user.is_superuser:
            return True
        return Membership.objects.filter(
            Q(is_facilitator=True) | Q(office__kind__in=REQUESTING_OFFICES), user=user
        ).exists()

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        when = timezone.make_aware(dt.datetime.combine(data["scheduled_for"], dt.time(9, 0)))
        return meeting_request(
            exercise=data["exercise"], actor=request.user, kind=data["meeting_kind"],
            requesting_side=data["requesting_side"], scheduled_for=when, place=data["place"],
            subject=data["subject"], requested_by=data.get("requested_by"), counterpart=data.get("counterpart"),
            emergency=data["emergency"], emergency_agreed=data["emergency_agreed"], note=data.get("note", ""),
        )

    def filed_message(self, obj: Any) -> str:
        return f"Requested {obj.reference}; the other side must consent before the date."

    @admin.display(description="permits issued")
    def entry_permits_issued(self, obj: MeetingCase) -> str:
        permits = [f"{p.number} for {p.representative.name}, signed by {p.issued_by}"
                   for p in obj.entry_permits.select_related("representative")]
        return "; ".join(permits) or "-"

    def take_step(self, request: HttpRequest, case: Case, step_name: str, *, note: str,
                  data: dict[str, Any]) -> Case:
        """A permit step goes through the service that also writes the visitors' permits (MEET-5)."""
        if step_name not in PERMIT_STEPS:
            return super().take_step(request, case, step_name, note=note, data=data)
        return meeting_entry_permits_issue(meeting=case, actor=request.user,  # type: ignore[arg-type]
                                           entry_permit_number=data.get("entry_permit_number", ""),
                                           note=note, transition=step_name)

@admin.register(Representative)
class RepresentativeAdmin(ReadOnlyAdmin):
    list_display = ("name", "rank", "side", "area", "available", "exercise")
    list_filter = ("exercise", "side", "rank")


@admin.register(EntryPermit)
class EntryPermitAdmin(ReadOnlyAdmin):
    exercise_path = "meeting__exercise_id"
    list_display = ("number", "representative", "meeting", "issued_by", "issued_at")
