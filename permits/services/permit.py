"""Permit services: file an application (PER-3, PER-5), record its documents (PER-4, PER-6)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from cases.choices import Nationality, OfficeKind, Side
from cases.engine import acting_office
from cases.errors import ApplicationError
from cases.models import CaseEvent, EventKind, Exercise, Office, Person
from cases.services.steps import case_open, case_transition
from cases.wording import in_sentence, with_article
from permits.models import (
    ApplicantCategory,
    BorderCounty,
    CrossingPoint,
    DocumentKind,
    PermitCase,
    PermitDocument,
    PermitState,
    Purpose,
)
from permits.models.permit import REQUIRED_DOCUMENTS, missing_documents
from permits.selectors import county_in_region

C = ApplicantCategory
CHINESE = (Nationality.HAN, Nationality.CN_KOREAN)


def permit_validate(
    *,
    exercise: Exercise,
    applicant: Person,
    category: str,
    purpose: str,
    home_county: BorderCounty,
    destination_county: BorderCounty,
    crossing_point: CrossingPoint,
    filing_office: Office,
    county_bureau: Office | None = None,
) -> bool:
    """Check a permit application; return whether it is filed with special personnel (PER-2, PER-3, PER-5).

    ``county_bureau`` (PER-7), when given, must be this exercise's county/city public security bureau.
    Raise ApplicationError with a message a student can read when it cannot be filed. ``permit_file``
    makes exactly these checks (it calls this), so a form that runs it refuses what the filing would.
    """
    if applicant.exercise_id != exercise.pk or filing_office.exercise_id != exercise.pk:
        raise ApplicationError("The applicant and the filing office must belong to this exercise.")
    # PER-1 (the permit in use from 8 June 1955, D9 §2-3) and PER-7 (the official permit, D10 Art. 3(3)) are
    # dated: case_open refuses a permit filed before them (cases/rules/in_force.py, FILING_RULES).
    if category not in C.values:
        raise ApplicationError(f"PER-3: unknown applicant category {category!r}.")
    if purpose not in Purpose.values:
        raise ApplicationError(f"Unknown purpose of travel {purpose!r}.")
    # PER-3: who may hold the permit.
    if category == C.KOREAN_NATIONAL and applicant.nationality != Nationality.KOREAN_IN_CHINA:
        raise ApplicationError("PER-3: only a Korean national legally residing in the region applies as one.")
    if category in (C.RESIDENT, C.STATE_EMPLOYEE) and applicant.nationality not in CHINESE:
        raise ApplicationError("PER-3: border residents and state employees applying here are Chinese citizens.")
    if applicant.nationality == Nationality.DPRK:
        raise ApplicationError("PER-3: a DPRK citizen applies on the DPRK side, not at a Chinese station.")
    # PER-2: the permit is valid inside the border region of both sides only.
    if home_county.side != Side.CHINA or destination_county.side != Side.DPRK:
        raise ApplicationError("PER-2: the home county must be a Chinese one and the destination a DPRK one.")
    if not county_in_region(exercise, home_county):
        raise ApplicationError(f"PER-2/PER-3: {home_county} is not in the border region; its residents cannot "
                               "hold the border permit.")
    if not county_in_region(exercise, destination_county):
        raise ApplicationError(f"PER-2: {destination_county} is outside the DPRK border region; the permit is "
                               "not valid there.")
    # PER-9: the permit names an agreed point on the applicant's way.
    if crossing_point.cn_county_id != home_county.pk and crossing_point.kp_county_id != destination_county.pk:
        raise ApplicationError(f"PER-9: {crossing_point} is neither in {home_county} nor towards "
                               f"{destination_county}; name a point on the way.")
    # PER-3/PER-7: officials travel on business, everyone else privately. The age and the regime's list of
    # purposes (PER-11) are the station's to check: guards on forwarding, so the class sees the refusal.
    if (category == C.OFFICIAL) != (purpose == Purpose.OFFICIAL):
        raise ApplicationError("PER-3/PER-7: the border permit is for private journeys; an official permit for "
                               "official business only.")
    if county_bureau is not None and (county_bureau.kind != OfficeKind.COUNTY_PSB
                                      or county_bureau.exercise_id != exercise.pk):
        raise ApplicationError("PER-7: choose this exercise's county/city public security bureau.")
    # PER-5: at the station; with special personnel only where the commune has no station.
    if filing_office.kind == OfficeKind.BORDER_STATION:
        return False
    if filing_office.kind == OfficeKind.COMMUNE:
        station = Office.objects.filter(
            exercise=exercise, kind=OfficeKind.BORDER_STATION, place=filing_office.place
        ).exclude(place="").first()
        if station is not None:
            raise ApplicationError(f"PER-5: {filing_office} has a station of its own ({station}); file there.")
        return True
    raise ApplicationError("PER-5: applications are made at the local public security or border work station, "
                           "or with the commune's special personnel where it has no station.")


def permit_file(
    *,
    exercise: Exercise,
    applicant: Person,
    category: str,
    purpose: str,
    home_county: BorderCounty,
    destination_county: BorderCounty,
    crossing_point: CrossingPoint,
    filing_office: Office,
    actor: Any,
    county_bureau: Office | None = None,
    note: str = "",
) -> PermitCase:
    """File an application for the border crossing permit at the station (PER-1, PER-3, PER-5)."""
    if county_bureau is None:
        county_bureau = Office.objects.filter(exercise=exercise, kind=OfficeKind.COUNTY_PSB).order_by("id").first()
        if county_bureau is None:
            raise ApplicationError("PER-7: this exercise has no county/city public security bureau to issue permits.")
    special = permit_validate(
        exercise=exercise, applicant=applicant, category=category, purpose=purpose, home_county=home_county,
        destination_county=destination_county, crossing_point=crossing_point, filing_office=filing_office,
        county_bureau=county_bureau,
    )
    case = PermitCase(
        exercise=exercise,
        title=f"{applicant.name}: {in_sentence(Purpose(purpose).label)} in {destination_county}",
        applicant=applicant,
        category=category,
        variant=category,
        purpose=purpose,
        home_county=home_county,
        destination_county=destination_county,
        crossing_point=crossing_point,
        filing_office=filing_office,
        special_personnel=special,
        county_bureau=county_bureau,
        state=PermitState.FILED,
    )
    rules = ("PER-1", "PER-3", "PER-5") + (("PER-6",) if category == C.STATE_EMPLOYEE else ())
    return case_open(case=case, actor=actor, office_kind=OfficeKind.BORDER_STATION, rules=rules, note=note)


def document_office(actor: Any, case: PermitCase) -> Office | None:
    """Return the office ``actor`` records the applicant's documents for, or None when they may not (PER-4).

    The one check of who records a document: the service refuses anyone else, and the case page offers
    its document form only to those it returns an office for.
    """
    return acting_office(actor, case, OfficeKind.BORDER_STATION)


def permit_document_add(
    *,
    case: PermitCase,
    kind: str,
    issued_by: str,
    actor: Any,
    reference: str = "",
) -> PermitDocument:
    """Record a document the applicant brought on the case, at the filing office (PER-4, PER-6)."""
    case = PermitCase.objects.get(pk=case.pk)  # its state as it is now
    if kind not in DocumentKind.values:
        raise ApplicationError(f"Unknown kind of document {kind!r}.")
    if not issued_by.strip():
        raise ApplicationError("Say who wrote or issued the document.")
    if case.state != PermitState.FILED:
        raise ApplicationError("PER-4: documents are recorded while the station checks the application; this "
                               "application has already moved on.")
    if kind not in REQUIRED_DOCUMENTS.get(case.variant, ()):
        wanted = ", ".join(in_sentence(DocumentKind(k).label) for k in REQUIRED_DOCUMENTS.get(case.variant, ()))
        holder = with_article(in_sentence(ApplicantCategory(case.variant).label))
        raise ApplicationError(f"PER-4: {holder} brings: {wanted}.")
    office = document_office(actor, case) if actor is not None else case.filing_office
    if office is None:
        raise ApplicationError(f"Only {case.filing_office} records documents on this application.")
    exercise = Exercise.objects.get(pk=case.exercise_id)  # the clock as the teacher has set it now
    if exercise.paused:
        raise ApplicationError("The exercise is paused by the teacher; nothing can be recorded now.")
    try:
        with transaction.atomic():
            doc = PermitDocument.objects.create(
                case=case, kind=kind, issued_by=issued_by.strip(), reference=reference.strip(),
                received_at=exercise.clock, recorded_by=office,
            )
            rules = "PER-4,PER-6" if case.variant == C.STATE_EMPLOYEE else "PER-4"
            CaseEvent.objects.create(
                case=case, exercise=exercise, kind=EventKind.NOTE, label=f"Document recorded: {doc.get_kind_display()}",
                actor=actor, office=office, sim_time=exercise.clock, rules=rules,
                note=f"{doc.issued_by} {doc.reference}".strip(),
            )
    except IntegrityError as exc:
        document = with_article(in_sentence(DocumentKind(kind).label))
        raise ApplicationError(f"PER-4: {document} is already on the case.") from exc
    return doc


def permit_forward(*, case: PermitCase, actor: Any, note: str = "") -> PermitCase:
    """Forward a complete application to the county/city bureau, naming any missing documents (PER-4)."""
    missing = missing_documents(case)
    if missing:
        raise ApplicationError(f"PER-4: still missing: {', '.join(missing)}.", rules=("PER-4",))
    return case_transition(case=case, transition="forward_to_county", actor=actor, note=note)  # type: ignore[return-value]
