"""Printable period documents, rendered as print-friendly HTML or PDF; each procedure registers its own.

PDF comes from xhtml2pdf, which renders the same Django template as the HTML view: it is pure Python
on top of ReportLab (installs from PyPI alone, no system libraries such as Cairo or Pango that
WeasyPrint needs, and no browser as with a headless-Chromium print), which keeps CI and the embedded
setup simple. Its CSS support is limited, so the templates use plain tables and borders.

Each document has exactly one template and one view (``classroom:document``). A procedure names its
documents in its registration (``documents=`` of :func:`cases.procedures.register_procedure`): the
marriage application in two copies (MAR-4), the authorization letter (AUT-1) and the meeting notice
(MEET-1) are built here; the border permit (PER-7) in ``permits.classroom``.
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
from cases.models import Case, MarriageCase
from cases.models.marriage import PRE1958, MarriageState
from cases.rules import get_rule
from cases.rules.in_force import rule_notes

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
    # Whether this kind of paper exists on the case's date at all (the 1964 Protocol's transit pass does not in
    # 1963): one that does not is not listed as "not printable now". An issued one always prints.
    in_period: Callable[[Case], bool] = lambda case: True


def procedure_documents(kind: str) -> list[DocumentSpec]:
    """Return every printable document the procedure ``kind`` registered (none for an unknown kind)."""
    from cases.procedures import find_procedure

    proc = find_procedure(kind)
    return list(proc.documents) if proc is not None else []


def documents_pending(case: Case) -> list[DocumentSpec]:
    """Return the documents of this procedure that cannot be printed yet for this case, of those its date has."""
    specific = case.specific()
    return [d for d in procedure_documents(case.kind) if not d.available(specific) and d.in_period(specific)]


def documents_for(case: Case) -> list[DocumentSpec]:
    """Return the documents that can be printed for this case now."""
    specific = case.specific()
    return [d for d in procedure_documents(case.kind) if d.available(specific)]


def local_time(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


def _case_url(case: Case) -> str:
    """Return the case's own admin page, for the "Back to the case" link above every printout."""
    opts = case.procedure.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[case.pk])


def base_context(case: Case) -> dict[str, Any]:
    return {
        "case_url": _case_url(case),
        "case": case,
        "reference": case.reference,
        "filed": local_time(case.filed_at),
        "today": local_time(case.exercise.clock),
        "exercise": case.exercise,
    }


def _event_time(case: Case, step: Callable[..., Any]) -> dt.datetime | None:
    """Return when the case last took ``step`` (a transition of its model, so a rename fails at import)."""
    event = case.events.filter(transition=step.__name__).order_by("-sim_time", "-id").first()
    return local_time(event.sim_time) if event else None


def marriage_application(case: Case) -> dict[str, Any]:
    """Build the two copies of the marriage application (MAR-4), with the decision if taken: the unit leader's
    (MAR-3), or on the pre-1958 referral the Central Committee's (MAR-0), which examines no answers at the unit."""
    referral = case.variant in PRE1958
    approved = _event_time(case, MarriageCase.central_approve if referral else MarriageCase.leader_approve)
    return {
        **base_context(case),
        "man": case.man, "woman": case.woman, "unit": case.work_unit,  # type: ignore[attr-defined]
        "approved": approved, "referral": referral,
        "decider": "the CCP Central Committee (the referral, MAR-0)" if referral else "the unit leader (MAR-3)",
        "copies": [
            ("Copy 1", "Returned to the applicant after approval, for the woman's application in the DPRK "
                       "(MAR-4, MAR-5)"),
            ("Copy 2", "To the Ministry of Foreign Affairs Beijing Office, for the Embassy in Pyongyang (MAR-5)"),
        ],
        "rules": [get_rule(r) for r in (("MAR-0",) if referral else ("MAR-3",)) + ("MAR-4", "MAR-5")],
    }


MARRIAGE_APPLICATION = DocumentSpec(
    "application", "Application to marry a Korean citizen (two copies)",
    "documents/marriage_application.html", marriage_application,
    available=lambda case: case.state not in (
        MarriageState.ILLEGAL_ENTRY, MarriageState.SPECIAL_APPROVED, MarriageState.REPATRIATED),
    when="for an application filed by the man with his work unit (MAR-4), not for a woman found without papers",
)


def authorization_letter(case: Case) -> dict[str, Any]:
    """Build the DPRK "authorization letter" (AUT-1) from an authorization case, dated when it was issued."""
    from cases.models.authorization import Purpose

    letter: Any = case
    purpose = Purpose(letter.variant).label if letter.variant in Purpose.values else letter.variant
    return {**base_context(case), "applicant": letter.applicant, "number": letter.letter_number,
            "issued": local_time(letter.letter_issued_at) or local_time(case.filed_at),
            "relative": letter.inviting_relative, "purpose": purpose, "rules": [get_rule("AUT-1")]}


def meeting_notice(case: Case) -> dict[str, Any]:
    """Build the notice of a representatives' meeting: time, place, subject (MEET-1, MEET-2, MEET-3)."""
    from cases.models.meeting import NOTICE_TEXT

    meeting: Any = case
    return {**base_context(case), "when": local_time(meeting.scheduled_for), "place": meeting.place,
            "subject": meeting.subject, "meeting_kind": meeting.get_meeting_kind_display(),
            "host": meeting.get_host_side_display(), "emergency": meeting.emergency,
            "notice_period": NOTICE_TEXT.get(meeting.meeting_kind, ""),
            "rules": [get_rule(r) for r in ("MEET-1", "MEET-2", "MEET-3")]}


AUTHORIZATION_LETTER = DocumentSpec(
    "letter", "Authorization letter", "documents/authorization_letter.html", authorization_letter,
    # Only a case that began with a DPRK letter has one to print (AUT-1); family_join and abroad cases do not.
    available=lambda case: bool(case.letter_number),
    when="when the case began with a letter from the DPRK side (AUT-1)")
MEETING_NOTICE = DocumentSpec(
    "notice", "Notice of a meeting of border representatives", "documents/meeting_notice.html", meeting_notice)


def get_document(case: Case, slug: str) -> DocumentSpec:
    """Return the document ``slug`` of this case, or raise ApplicationError."""
    for spec in documents_for(case):
        if spec.slug == slug:
            return spec
    for spec in documents_pending(case):
        if spec.slug == slug:
            when = f": it prints {spec.when}" if spec.when else ""
            raise ApplicationError(f"The {spec.title} of {case.reference} is not printable yet{when}.")
    raise ApplicationError(f"{case.reference} has no printable document called {slug[:40]!r}.")


def render_document(case: Case, slug: str, *, pdf: bool = False) -> str:
    """Render a document of the case as HTML (for the screen/printer, or for the PDF converter)."""
    specific = case.specific()
    spec = get_document(specific, slug)
    context = spec.context(specific)
    # What the dates of its rules mean for this case (PER-9 before D10 is an assumption), as on the case page.
    notes = rule_notes(specific, [r.id for r in context.get("rules", [])])
    return render_to_string(spec.template, {**context, "rule_notes": notes, "title": spec.title, "pdf": pdf,
                                            "doc_slug": spec.slug})


def render_pdf(case: Case, slug: str) -> bytes:
    """Render a document of the case as PDF bytes (xhtml2pdf)."""
    return html_to_pdf(render_document(case, slug, pdf=True))


def html_to_pdf(html: str) -> bytes:
    """Render a print template's HTML as PDF bytes (xhtml2pdf): the project's one PDF helper.

    SVG images (``<img src="data:image/svg+xml;base64,...">``) are drawn by svglib, which xhtml2pdf uses.
    """
    from xhtml2pdf import pisa

    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise ApplicationError("The PDF could not be produced; print the HTML page instead.")
    return out.getvalue()
