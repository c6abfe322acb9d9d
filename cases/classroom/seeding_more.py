"""Seeding hooks of procedures merged from other branches, registered only when their services exist.

Written against the interfaces on the branches ``authorization`` (``authorization_issue_letter``),
``permits`` (``permit_file``), ``returns`` (``crosser_report``) and ``deadlines`` (``meeting_request``);
each import is guarded, so on a tree without that procedure nothing is registered and the pack that
needs it is listed as unavailable. The lead should check them once the branches are merged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cases.classroom.seeding import SeedContext, register_seeder
from cases.errors import ApplicationError
from cases.models import Case


def _register_authorization() -> None:
    try:
        from cases.services.authorization import authorization_issue_letter
    except ImportError:
        return

    @register_seeder("authorization")
    def seed_authorization(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
        """Record a DPRK "authorization letter" to a person in China (AUT-1), or, with ``destination``,
        an application to go elsewhere abroad (AUT-10)."""
        if "applicant" not in params:
            raise ApplicationError("an authorization case needs 'applicant'")
        if "destination" in params:
            from cases.services.authorization import authorization_apply_abroad

            return authorization_apply_abroad(
                exercise=ctx.exercise, applicant=ctx.person(params["applicant"], index),
                destination=str(params["destination"]), actor=None,
                reason_for_travel=str(params.get("reason_for_travel", "")), note=str(params.get("note", "")),
            )
        return authorization_issue_letter(
            exercise=ctx.exercise, applicant=ctx.person(params["applicant"], index),
            letter_number=str(params.get("letter_number", f"KP-{index + 1}")), actor=None,
            purpose=str(params.get("purpose", "settle")),
            inviting_relative=str(params.get("inviting_relative", "")),
            reason_for_travel=str(params.get("reason_for_travel", "")),
            kpa_officer_family=bool(params.get("kpa_officer_family", False)),
            relative_of_dprk_cadre=bool(params.get("relative_of_dprk_cadre", False)),
            note=str(params.get("note", "")),
        )


def _register_permit() -> None:
    try:
        from permits.models import BorderCounty, CrossingPoint
        from permits.services.permit import permit_document_add, permit_file
    except ImportError:
        return

    def named(model: Any, value: Any, what: str) -> Any:
        found = model.objects.filter(name=value).first() or model.objects.filter(name__istartswith=value).first()
        if found is None:
            raise ApplicationError(f"no {what} named {value!r}")
        return found

    @register_seeder("permit")
    def seed_permit(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
        """File a border resident's permit application at the station (PER-1, PER-3, PER-5)."""
        for needed in ("applicant", "category", "purpose", "home_county", "destination_county", "crossing_point"):
            if needed not in params:
                raise ApplicationError(f"a permit case needs '{needed}'")
        case = permit_file(
            exercise=ctx.exercise, applicant=ctx.person(params["applicant"], index),
            category=str(params["category"]), purpose=str(params["purpose"]),
            home_county=named(BorderCounty, params["home_county"], "county"),
            destination_county=named(BorderCounty, params["destination_county"], "county"),
            crossing_point=named(CrossingPoint, params["crossing_point"], "crossing point"),
            filing_office=ctx.office(params.get("filing_office"), kind="border_station"),
            actor=None, note=str(params.get("note", "")),
            county_bureau=ctx.office(params["county_bureau"]) if "county_bureau" in params else None,
        )
        # PER-4: the letters the applicant brings, recorded at the station.
        for doc in params.get("documents", []):
            permit_document_add(case=case, kind=str(doc.get("kind", "")), issued_by=str(doc.get("issued_by", "")),
                                actor=None, reference=str(doc.get("reference", "")))
        return case


def _register_crosser() -> None:
    try:
        from cases.services.crosser import crosser_report
    except ImportError:
        return

    @register_seeder("crosser")
    def seed_crosser(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
        """Open an illegal-crosser case from an interception or a notification (RET-5)."""
        if "person" not in params:
            raise ApplicationError("a crosser case needs 'person'")
        return crosser_report(
            exercise=ctx.exercise, person=ctx.person(params["person"], index),
            direction=str(params.get("direction", "inbound")), source=str(params.get("source", "interception")),
            actor=None, crossing_place=str(params.get("crossing_place", "")),
            source_reference=str(params.get("source_reference", "")),
            crossed_at=(ctx.exercise.clock - dt.timedelta(days=int(params["crossed_days_ago"]))
                        if "crossed_days_ago" in params else None),
            returned_from_dprk=bool(params.get("returned_from_dprk", False)),
            settled_by_dprk=bool(params.get("settled_by_dprk", False)),
            wants_to_return=bool(params.get("wants_to_return", False)),
            note=str(params.get("note", "")),
        )


def _register_meeting() -> None:
    try:
        from cases.models import Representative
        from cases.services.meeting import meeting_request, representative_appoint
    except ImportError:
        return

    @register_seeder("meeting")
    def seed_meeting(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
        """Ask the other side for a meeting, ``scheduled_in_days`` after the clock (MEET-1, MEET-2)."""
        for needed in ("place", "subject"):
            if needed not in params:
                raise ApplicationError(f"a meeting case needs '{needed}'")
        # The pack names the representatives who meet; appoint those the exercise does not have yet.
        for rep in params.get("representatives", []):
            if not Representative.objects.filter(exercise=ctx.exercise, name=rep.get("name", "")).exists():
                representative_appoint(exercise=ctx.exercise, side=str(rep.get("side", "")),
                                       rank=str(rep.get("rank", "")), name=str(rep.get("name", "")),
                                       area=str(rep.get("area", "")))
        return meeting_request(
            exercise=ctx.exercise, actor=None, kind=str(params.get("kind", "meeting")),
            requesting_side=str(params.get("requesting_side", "CN")),
            scheduled_for=ctx.exercise.clock + dt.timedelta(days=int(params.get("scheduled_in_days", 15))),
            place=str(params["place"]), subject=str(params["subject"]),
            emergency=bool(params.get("emergency", False)),
            emergency_agreed=bool(params.get("emergency_agreed", False)),
            note=str(params.get("note", "")),
        )


_register_authorization()
_register_permit()
_register_crosser()
_register_meeting()
