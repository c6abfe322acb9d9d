"""Printable period documents: a registry ``kind -> documents``, rendered as print-friendly HTML or PDF.

PDF comes from xhtml2pdf, which renders the same Django template as the HTML view: it is pure Python
on top of ReportLab (installs from PyPI alone, no system libraries such as Cairo or Pango that
WeasyPrint needs, and no browser as with a headless-Chromium print), which keeps CI and the embedded
setup simple. Its CSS support is limited, so the templates use plain tables and borders.

Marriage (MAR-4: one form in two copies) is wired fully. The authorization letter, the border
resident transit pass and the meeting notice are registered for the kinds their branches use
(``authorization``, ``permit``, ``meeting``) and read the case through ``getattr`` with defaults, so
they print once those models are merged; the lead should check the field names then.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
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


DOCUMENTS: dict[str, list[DocumentSpec]] = {}


def register_document(kind: str, spec: DocumentSpec) -> None:
    """Add a printable document to a procedure kind."""
    DOCUMENTS.setdefault(kind, [])
    DOCUMENTS[kind] = [d for d in DOCUMENTS[kind] if d.slug != spec.slug] + [spec]


def documents_for(case: Case) -> list[DocumentSpec]:
    """Return the documents that can be printed for this case now."""
    specific = case.specific()
    return [d for d in DOCUMENTS.get(case.kind, []) if d.available(specific)]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


def _base(case: Case) -> dict[str, Any]:
    return {
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
))


def _attr(case: Case, *names: str, default: Any = "") -> Any:
    for name in names:
        value = getattr(case, name, None)
        if value not in (None, ""):
            return value
    return default


def authorization_letter(case: Case) -> dict[str, Any]:
    """Build the DPRK "authorization letter" (AUT-1) from an authorization case."""
    return {**_base(case), "applicant": _attr(case, "applicant"), "number": _attr(case, "letter_number"),
            "relative": _attr(case, "inviting_relative"), "purpose": _attr(case, "purpose", "variant"),
            "rules": [get_rule("AUT-1")]}


def transit_pass(case: Case) -> dict[str, Any]:
    """Build the border resident transit pass, valid one month (PER-7), from a permit case."""
    issued = _local(_attr(case, "issued_at", default=None))
    valid_until = _local(_attr(case, "valid_until", "expires_at", default=None)) or (
        issued + dt.timedelta(days=30) if issued else None)
    return {**_base(case), "holder": _attr(case, "applicant"), "number": _attr(case, "permit_number", "number"),
            "home": _attr(case, "home_county"), "destination": _attr(case, "destination_county"),
            "crossing_point": _attr(case, "crossing_point"), "issued": issued, "valid_until": valid_until,
            "rules": [get_rule(r) for r in ("PER-7", "PER-8", "PER-12")]}


def meeting_notice(case: Case) -> dict[str, Any]:
    """Build the notice of a representatives' meeting: time, place, subject (MEET-1, MEET-2)."""
    return {**_base(case), "when": _local(_attr(case, "scheduled_for", default=None)), "place": _attr(case, "place"),
            "subject": _attr(case, "subject"), "meeting_kind": _attr(case, "meeting_kind", "kind"),
            "rules": [get_rule(r) for r in ("MEET-1", "MEET-2", "MEET-3")]}


register_document("authorization", DocumentSpec(
    "letter", "Authorization letter", "documents/authorization_letter.html", authorization_letter))
register_document("permit", DocumentSpec(
    "transit-pass", "Border resident transit pass", "documents/transit_pass.html", transit_pass,
    # Only a pass that was issued can be printed (the permits branch records ``issued_at``).
    available=lambda case: getattr(case, "issued_at", None) is not None))
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
