"""What the permit procedure plugs into the classroom: its pack seeder and its printable permit (PER-1 ... PER-12).

Registered with the procedure in ``permits/apps.py``; the classroom reaches them through the procedure
registry (:mod:`cases.procedures`), so the cases app never imports the permits app.
"""

from __future__ import annotations

from typing import Any

from cases.classroom.documents import DocumentSpec, base_context, documents_for, local_time
from cases.classroom.seeding import SeedContext
from cases.errors import ApplicationError
from cases.models import Case
from cases.rules import get_rule
from permits.models import BorderCounty, CrossingHours, CrossingPoint
from permits.selectors import county_in_region
from permits.services.permit import permit_document_add, permit_file


def _named(model: Any, value: Any, what: str) -> Any:
    found = model.objects.filter(name=value).first() or model.objects.filter(name__istartswith=value).first()
    if found is None:
        raise ApplicationError(f"no {what} named {value!r}")
    return found


def seed_permit(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """File a border resident's permit application at the station (PER-1, PER-3, PER-5)."""
    for needed in ("applicant", "category", "purpose", "home_county", "destination_county", "crossing_point"):
        if needed not in params:
            raise ApplicationError(f"a permit case needs '{needed}'")
    case = permit_file(
        exercise=ctx.exercise, applicant=ctx.person(params["applicant"], index),
        category=str(params["category"]), purpose=str(params["purpose"]),
        home_county=_named(BorderCounty, params["home_county"], "county"),
        destination_county=_named(BorderCounty, params["destination_county"], "county"),
        crossing_point=_named(CrossingPoint, params["crossing_point"], "crossing point"),
        filing_office=ctx.office(params.get("filing_office"), kind="border_station"),
        actor=None, note=str(params.get("note", "")),
        county_bureau=ctx.office(params["county_bureau"]) if "county_bureau" in params else None,
    )
    # PER-4: the letters the applicant brings, recorded at the station.
    for doc in params.get("documents", []):
        permit_document_add(case=case, kind=str(doc.get("kind", "")), issued_by=str(doc.get("issued_by", "")),
                            actor=None, reference=str(doc.get("reference", "")))
    return case


def transit_pass(case: Case) -> dict[str, Any]:
    """Build the permit the case was issued: before the 1964 Protocol PER-1's permit from the station (D9 §1, §4);
    from it the county bureau's transit pass (one month) or an official permit (PER-7).

    This is the only printout of the permit: the permit admin's "Print the permit" link opens this document
    (see :func:`permit_document_slug`), so the classroom and the permit desk print the same page. It names the
    valid region as it stands on the exercise clock (PER-2), the crossing point with its inspection body
    (PER-9) and the crossing hours in Beijing and Pyongyang time (PER-8).
    """
    from cases.rules.in_force import exercise_rule_date, in_force

    permit: Any = case
    region = [c for c in (permit.home_county, permit.destination_county) if county_in_region(case.exercise, c)]
    # Before the 1964 Protocol (D10) the station issued the permit (D9 §4, PER-5), with no hours and a validity
    # the sources do not give (one month assumed); the county's pass and the hours are D10's (PER-7, PER-8).
    protocol = in_force("PER-7", exercise_rule_date(case.exercise, case.regime or None, permit.issued_at))
    rules = ("PER-1", "PER-2", "PER-7", "PER-8", "PER-9", "PER-12") if protocol else (
        "PER-1", "PER-2", "PER-5", "PER-9", "PER-12")
    return {
        **base_context(case), "permit": permit, "holder": permit.applicant, "number": permit.permit_number,
        # Under the heading (PER-1's name), what kind of paper this is; PER-1's own permit says where it came from.
        "kind_label": "Issued at the border work station (D9 §4)" if permit.permit_kind == "border_permit"
        else permit.get_permit_kind_display(),
        "issued": local_time(permit.issued_at), "valid_through": permit.valid_through, "region": region,
        "crossing_point": permit.crossing_point, "hours": list(CrossingHours.objects.all()) if protocol else [],
        "hours_apply": protocol,
        "issuing_office": permit.county_bureau if protocol else permit.filing_office, "station": permit.filing_office,
        "rules": [get_rule(r) for r in rules],
    }


def _protocol_in_force(case: Case) -> bool:
    from cases.rules.in_force import case_in_force

    return case_in_force(case, "PER-7")


# One printout for each kind of permit (PermitKind), each under its own title, once it is issued; before the
# 1964 Protocol only PER-1's permit exists, from it only D10's pass and official permit (PER-7).
BORDER_PERMIT = DocumentSpec(
    "border-permit", "Sino-Korean Border Resident Border Crossing Permit", "documents/transit_pass.html",
    transit_pass, available=lambda case: bool(case.permit_number) and case.permit_kind == "border_permit",
    when="once the station has issued the permit (before the 1964 Protocol: PER-1, PER-5)",
    in_period=lambda case: not _protocol_in_force(case))
TRANSIT_PASS = DocumentSpec(
    "transit-pass", "Border resident transit pass", "documents/transit_pass.html", transit_pass,
    available=lambda case: bool(case.permit_number) and case.permit_kind == "transit_pass",
    when="once the county/city public security bureau has issued the pass (PER-7)", in_period=_protocol_in_force)
OFFICIAL_PERMIT = DocumentSpec(
    "official-permit", "Official border crossing permit", "documents/transit_pass.html", transit_pass,
    available=lambda case: bool(case.permit_number) and case.permit_kind == "official_permit",
    when="once the bureau has issued an official permit instead of a transit pass (PER-7)",
    in_period=_protocol_in_force)


def permit_document_slug(case: Case) -> str:
    """Return the slug of the printable permit of a permit case, or '' before a permit is issued (PER-7)."""
    return next((d.slug for d in documents_for(case)), "")
