"""Printable period documents: a registry ``kind -> documents``, rendered as print-friendly HTML or PDF.

PDF comes from xhtml2pdf, which renders the same Django template as the HTML view: it is pure Python
on top of ReportLab (installs from PyPI alone, no system libraries such as Cairo or Pango that
WeasyPrint needs, and no browser as with a headless-Chromium print), which keeps CI and the embedded
setup simple. Its CSS support is limited, so the templates use plain tables and borders.

Each document has exactly one template and one view (``classroom:document``): the marriage
application in two copies (MAR-4), the authorization letter (AUT-1), the border permit (PER-7; the
permit admin's "Print the permit" link opens this same document) and the meeting notice (MEET-1).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.errors import ApplicationError
from cases.models import Case
from cases.rules import get_rule

Context = Callable[[Case], dict[str, Any]]


@dataclass(frozen=True)
class DocumentSpec:
    """One printable document of a procedure."""

    slug: str
    title: str
    template: str
    context: Context
    available: Callable[[Case], bool] = lambda case: True
    when: str = ""  # when the document can be printed, for the documents page (with its rule)


DOCUMENTS: dict[str, list[DocumentSpec]] = {}


def register_document(kind: str, spec: DocumentSpec) -> None:
    """Add a printable document to a procedure kind."""
    DOCUMENTS.setdefault(kind, [])
    DOCUMENTS[kind] = [d for d in DOCUMENTS[kind] if d.slug != spec.slug] + [spec]


def documents_pending(case: Case) -> list[DocumentSpec]:
    """Return the documents of this procedure that cannot be printed yet (or at all) for this case."""
    ready = {d.slug for d in documents_for(case)}
    return [d for d in DOCUMENTS.get(case.kind, []) if d.slug not in ready]


def documents_for(case: Case) -> list[DocumentSpec]:
    """Return the documents that can be printed for this case now."""
    specific = case.specific()
    return [d for d in DOCUMENTS.get(case.kind, []) if d.available(specific)]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


def _case_url(case: Case) -> str:
    """Return the case's own admin page, for the "Back to the case" link above every printout."""
    opts = case.procedure.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[case.pk])


def _base(case: Case) -> dict[str, Any]:
    return {
        "case_url": _case_url(case),
        "case": case,
        "reference": case.reference,
        "filed": _local(case.filed_at),
        "today": _local(case.exercise.clock),
        "exercise": case.exercise,
    }


def _event_time(case: Case, transition: str) -> dt.datetime | None:
    event = case.events.filter(transition=transition).order_by("-sim_time", "-id").first()
    return _local(event.sim_time) if event else None


def marriage_application(case: Case) -> dict[str, Any]:
    """Build the two copies of the marriage application (MAR-4), with the unit's decision if taken."""
    approved = _event_time(case, "leader_approve") or _event_time(case, "central_approve")
    return {
        **_base(case),
        "man": case.man, "woman": case.woman, "unit": case.work_unit,  # type: ignore[attr-defined]
        "approved": approved,
        "copies": [
            ("Copy 1", "Returned to the applicant after approval, for the woman's application in the DPRK "
                       "(MAR-4, MAR-5)"),
            ("Copy 2", "To the Ministry of Foreign Affairs Beijing Office, for the Embassy in Pyongyang (MAR-5)"),
        ],
        "rules": [get_rule(r) for r in ("MAR-3", "MAR-4", "MAR-5")],
    }


register_document("marriage", DocumentSpec(
    "application", "Application to marry a Korean citizen (two copies)",
    "documents/marriage_application.html", marriage_application,
    available=lambda case: case.state not in ("illegal_entry", "special_approved", "repatriated"),
    when="for an application filed by the man with his work unit (MAR-4), not for a woman found without papers",
))


def authorization_letter(case: Case) -> dict[str, Any]:
    """Build the DPRK "authorization letter" (AUT-1) from an authorization case, dated when it was issued."""
    from cases.models.authorization import Purpose

    letter: Any = case
    purpose = Purpose(letter.variant).label if letter.variant in Purpose.values else letter.variant
    return {**_base(case), "applicant": letter.applicant, "number": letter.letter_number,
            "issued": _local(letter.letter_issued_at) or _local(case.filed_at),
            "relative": letter.inviting_relative, "purpose": purpose, "rules": [get_rule("AUT-1")]}


def transit_pass(case: Case) -> dict[str, Any]:
    """Build the border permit a county bureau issued: a transit pass (one month) or an official permit (PER-1, PER-7).

    This is the only printout of the permit: the permit admin's "Print the permit" link opens this document
    (see ``permit_document_slug``), so the classroom and the permit desk print the same page. It names the
    valid region as it stands on the exercise clock (PER-2), the crossing point with its inspection body
    (PER-9) and the crossing hours in Beijing and Pyongyang time (PER-8).
    """
    # Imported here: the permits app builds on cases, not the other way round.
    from cases.rules.in_force import exercise_rule_date, in_force
    from permits.models import CrossingHours
    from permits.selectors import county_in_region

    permit: Any = case
    region = [c for c in (permit.home_county, permit.destination_county) if county_in_region(case.exercise, c)]
    # Before the 1964 Protocol (D10) the station issued the permit (D9 §4, PER-5), with no hours and a validity
    # the sources do not give (one month assumed); the county's pass and the hours are D10's (PER-7, PER-8).
    protocol = in_force("PER-7", exercise_rule_date(case.exercise, case.regime or None, permit.issued_at))
    rules = ("PER-1", "PER-2", "PER-7", "PER-8", "PER-9", "PER-12") if protocol else (
        "PER-1", "PER-2", "PER-5", "PER-9", "PER-12")
    return {
        **_base(case), "permit": permit, "holder": permit.applicant, "number": permit.permit_number,
        "kind_label": (permit.get_permit_kind_display() or "Border resident transit pass") if protocol
        else "Border resident permit (issued at the station, D9 §4)",
        "issued": _local(permit.issued_at), "valid_through": permit.valid_through, "region": region,
        "crossing_point": permit.crossing_point, "hours": list(CrossingHours.objects.all()) if protocol else [],
        "hours_apply": protocol,
        "issuing_office": permit.county_bureau if protocol else permit.filing_office, "station": permit.filing_office,
        "rules": [get_rule(r) for r in rules],
    }


def permit_document_slug(case: Case) -> str:
    """Return the slug of the printable permit of a permit case, or '' before a permit is issued (PER-7)."""
    return next((d.slug for d in documents_for(case)), "") if case.kind == "permit" else ""


def meeting_notice(case: Case) -> dict[str, Any]:
    """Build the notice of a representatives' meeting: time, place, subject (MEET-1, MEET-2, MEET-3)."""
    from cases.models.meeting import NOTICE_TEXT

    meeting: Any = case
    return {**_base(case), "when": _local(meeting.scheduled_for), "place": meeting.place,
            "subject": meeting.subject, "meeting_kind": meeting.get_meeting_kind_display(),
            "host": meeting.get_host_side_display(), "emergency": meeting.emergency,
            "notice_period": NOTICE_TEXT.get(meeting.meeting_kind, ""),
            "rules": [get_rule(r) for r in ("MEET-1", "MEET-2", "MEET-3")]}


register_document("authorization", DocumentSpec(
    "letter", "Authorization letter", "documents/authorization_letter.html", authorization_letter,
    # Only a case that began with a DPRK letter has one to print (AUT-1); family_join and abroad cases do not.
    available=lambda case: bool(case.letter_number),
    when="when the case began with a letter from the DPRK side (AUT-1)"))
register_document("permit", DocumentSpec(
    "transit-pass", "Border resident transit pass", "documents/transit_pass.html", transit_pass,
    # Only an issued pass prints (PER-7); an official permit prints under its own title below.
    available=lambda case: bool(case.permit_number) and case.permit_kind != "official_permit",
    when="once the county/city public security bureau has issued the pass (PER-7)"))
register_document("permit", DocumentSpec(
    "official-permit", "Official border crossing permit", "documents/transit_pass.html", transit_pass,
    available=lambda case: bool(case.permit_number) and case.permit_kind == "official_permit",
    when="once the bureau has issued an official permit instead of a transit pass (PER-7)"))
register_document("meeting", DocumentSpec(
    "notice", "Notice of a meeting of border representatives", "documents/meeting_notice.html", meeting_notice))


def get_document(case: Case, slug: str) -> DocumentSpec:
    """Return the document ``slug`` of this case, or raise ApplicationError."""
    for spec in documents_for(case):
        if spec.slug == slug:
            return spec
    raise ApplicationError(f"{case.reference} has no printable document {slug!r} at this stage.")


def render_document(case: Case, slug: str, *, pdf: bool = False) -> str:
    """Render a document of the case as HTML (for the screen/printer, or for the PDF converter)."""
    specific = case.specific()
    spec = get_document(specific, slug)
    return render_to_string(spec.template, {**spec.context(specific), "title": spec.title, "pdf": pdf,
                                            "doc_slug": spec.slug})


def render_pdf(case: Case, slug: str) -> bytes:
    """Render a document of the case as PDF bytes (xhtml2pdf)."""
    from xhtml2pdf import pisa

    html = render_document(case, slug, pdf=True)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise ApplicationError("The PDF could not be produced; print the HTML page instead.")
    return out.getvalue()
