"""Permit cases in the admin: filing, documents, crossings and the print link, on the shared CaseAdmin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from cases.admin.base import StateFilter
from cases.admin.filing import CASE_FIELDS, ServiceFilingAdmin, variant_filter
from cases.choices import OfficeKind
from cases.errors import ApplicationError
from cases.input import db_id, form_errors_text
from cases.models import Case, Office
from cases.wording import in_sentence
from permits.classroom import permit_document_slug
from permits.models import BorderCounty, Crossing, CrossingPoint, Direction, DocumentKind, PermitCase
from permits.models.permit import REQUIRED_DOCUMENTS, missing_documents
from permits.services.crossing import CrossingRefused, crossing_record, inspection_office
from permits.services.permit import document_office, permit_document_add, permit_file


def print_url(case: PermitCase) -> str:
    """Return the printable permit of the case (the classroom document view), or '' before issue (PER-7)."""
    slug = permit_document_slug(case)
    return reverse("classroom:document", args=[case.pk, slug]) if slug else ""


class DocumentForm(forms.Form):
    """A document the applicant brought (PER-4, PER-6)."""

    kind = forms.ChoiceField(choices=DocumentKind.choices)
    issued_by = forms.CharField(max_length=160, label="Written or issued by")
    reference = forms.CharField(max_length=60, required=False)


class CaseCrossingForm(forms.Form):
    """The holder presents the permit at a crossing point (PER-8, PER-9, PER-10)."""

    direction = forms.ChoiceField(choices=Direction.choices)
    point = forms.ModelChoiceField(queryset=CrossingPoint.objects.all(), label="Crossing point")
    destination = forms.ModelChoiceField(queryset=BorderCounty.objects.filter(side="KP"), required=False,
                                         help_text="On an exit: where on the DPRK side (default: the permit's).")
    other_side_consent = forms.BooleanField(required=False, label="Other side's inspection body consents (PER-8)")
    consent_by = forms.CharField(max_length=120, required=False, label="Consent given by")
    note = forms.CharField(max_length=500, required=False)


@admin.register(PermitCase)
class PermitCaseAdmin(ServiceFilingAdmin):
    """Border resident crossing permits (PER-1 ... PER-12): the application taken at the station (PER-3, PER-5)."""

    change_form_template = "admin/permits/permitcase/change_form.html"
    list_display = ("reference", "title", "variant_shown", "state_display", "permit_number", "expires_at",
                    "next_office", "next_rules_display", "waiting_since")
    list_filter = ("exercise", variant_filter(PermitCase), StateFilter, "next_office")
    search_fields = ("reference", "title", "permit_number", "applicant__name")
    filing_fields = ["exercise", "applicant", "category", "purpose", "home_county", "destination_county",
                     "crossing_point", "filing_office", "county_bureau"]
    filing_optional = ("county_bureau",)
    fieldsets = (
        ("Case", {"fields": CASE_FIELDS}),
        ("Application (PER-3, PER-5)", {"fields": ("applicant", "category", "purpose", "home_county",
                                                    "destination_county", "crossing_point", "filing_office",
                                                    "special_personnel", "county_bureau")}),
        ("Approvals (PER-6)", {"fields": ("police_approved_at", "defence_approved_at")}),
        ("Permit (PER-7)", {"fields": ("permit_kind", "permit_number", "issued_at", "expires_at", "validity_months",
                                        "exited_at", "returned_at", "reason")}),
    )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "filing_office":
            kwargs["queryset"] = Office.objects.filter(kind__in=[OfficeKind.BORDER_STATION, OfficeKind.COMMUNE])
        elif db_field.name == "county_bureau":
            kwargs["queryset"] = Office.objects.filter(kind=OfficeKind.COUNTY_PSB)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def file_case(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        return permit_file(
            exercise=data["exercise"], applicant=data["applicant"], category=data["category"],
            purpose=data["purpose"], home_county=data["home_county"], destination_county=data["destination_county"],
            crossing_point=data["crossing_point"], filing_office=data["filing_office"], actor=request.user,
            county_bureau=data.get("county_bureau"), note=data.get("note", ""),
        )

    # --- The permit papers panel: documents, crossings, the link to the printable permit ---------

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/document/", view(self.document_view), name="{}_{}_document".format(*info)),
            path("<path:object_id>/crossing/", view(self.crossing_view), name="{}_{}_crossing".format(*info)),
            *super().get_urls(),
        ]

    def _url(self, name: str, case: PermitCase) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[case.pk])

    def case_context(self, request: HttpRequest, case: Any) -> dict[str, Any]:
        context = super().case_context(request, case)
        doc_form = DocumentForm(prefix="doc")
        # The papers PER-4 asks of this holder that are not on the case yet (one already there is refused).
        missing = missing_documents(case)
        still_missing = set(missing)
        doc_form.fields["kind"].choices = [(k, DocumentKind(k).label) for k in REQUIRED_DOCUMENTS.get(case.variant, ())
                                           if DocumentKind(k).label in still_missing]
        # The crossing due next: out while the permit is unused, back once the holder is abroad (or overdue).
        due = Direction.EXIT if case.state == "issued" else Direction.RETURN
        crossing_form = CaseCrossingForm(prefix="crossing", initial={"point": case.crossing_point_id,
                                                                     "destination": case.destination_county_id,
                                                                     "direction": due})
        # Each form only for who may use it (the services' own checks); others are told who records.
        documents_open = case.state == "filed" and bool(still_missing)
        crossings_open = case.state in ("issued", "abroad", "overdue")
        may_document = documents_open and document_office(request.user, case) is not None
        may_cross = crossings_open and inspection_office(request.user, case.exercise) is not None
        context.update({
            "permit": case,
            "documents": list(case.documents.all()),
            "missing_documents": missing,
            # No form once every paper is on the case (its kinds list would be empty).
            "document_form": doc_form if may_document else None,
            "documents_by": case.filing_office if documents_open and not may_document else None,
            "document_url": self._url("document", case),
            "crossings_open": crossings_open,
            "crossing_form": crossing_form if may_cross else None,
            "crossings_by": (case.office_for(OfficeKind.BORDER_DEFENCE) or "the border defence office")
            if crossings_open and not may_cross else None,
            "crossing_url": self._url("crossing", case),
            "crossings": list(case.crossings.select_related("point")),
            # The one printout of the permit is the classroom document (HTML and PDF), not a second template.
            "print_url": print_url(case),
        })
        return context

    def _case(self, request: HttpRequest, object_id: str) -> PermitCase:
        return get_object_or_404(self.get_queryset(request), pk=db_id(object_id) or -1)

    def document_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Record a document on the case through the service (PER-4)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        case = self._case(request, object_id)
        form = DocumentForm(request.POST, prefix="doc")
        if not form.is_valid():
            messages.error(request, f"The document was not recorded: {form_errors_text(form)}")
        else:
            try:
                doc = permit_document_add(case=case, kind=form.cleaned_data["kind"], actor=request.user,
                                          issued_by=form.cleaned_data["issued_by"],
                                          reference=form.cleaned_data["reference"])
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Recorded: {doc}.")
        return HttpResponseRedirect(self._url("change", case))

    def crossing_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Present the holder at a crossing point through the service (PER-8, PER-9, PER-10, PER-12)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        case = self._case(request, object_id)
        form = CaseCrossingForm(request.POST, prefix="crossing")
        if not form.is_valid():
            messages.error(request, f"The crossing was not recorded: {form_errors_text(form)}")
            return HttpResponseRedirect(self._url("change", case))
        data = form.cleaned_data
        try:
            crossing: Crossing = crossing_record(
                exercise=case.exercise, person=case.applicant, point=data["point"], direction=data["direction"],
                actor=request.user, permit=case, destination=data["destination"],
                other_side_consent=data["other_side_consent"], consent_by=data["consent_by"], note=data["note"],
            )
        except CrossingRefused as exc:
            messages.warning(request, f"Refused and recorded: {exc.message}")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            case.refresh_from_db()
            messages.success(request, f"Let through: {in_sentence(crossing.get_direction_display())} at "
                                      f"{crossing.point}. "
                                      f"Now: {case.state_label()}.")
        return HttpResponseRedirect(self._url("change", case))
