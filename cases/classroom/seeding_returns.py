"""Seeding hooks of the returns and other procedures (RET, OTH) and of the 1959 relocation (AUT-12).

Each hook is registered with its procedure (``seeder=`` in :mod:`cases.apps`) and files one case
through its procedure's own service, as :mod:`cases.classroom.seeding`
describes; a param the service does not take is refused by name, so a misspelt pack field fails the
load with its file and line instead of being ignored.
"""

from __future__ import annotations

from typing import Any

from cases.classroom.seeding import SeedContext
from cases.errors import ApplicationError
from cases.models import Case


def _params(kind: str, params: dict[str, Any], *, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    """Refuse a missing or unknown param of a ``kind`` entry, naming it."""
    for needed in required:
        if needed not in params:
            raise ApplicationError(f"a {kind} case needs '{needed}'")
    unknown = sorted(set(params) - set(required) - set(optional))
    if unknown:
        allowed = ", ".join(sorted(required + optional))
        raise ApplicationError(f"unknown {kind} param(s): {', '.join(unknown)}; allowed: {allowed}")


def seed_embassy(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """Open a case at the Embassy: renunciation, entry permit or property settlement (RET-1, RET-9, RET-11)."""
    from cases.services.embassy import embassy_case_open

    _params("embassy", params, required=("person", "matter"),
            optional=("papers_held", "dprk_consent_ref", "former_commune", "property_description", "note"))
    return embassy_case_open(
        exercise=ctx.exercise, person=ctx.person(params["person"], index), matter=str(params["matter"]), actor=None,
        papers_held=str(params.get("papers_held", "")), dprk_consent_ref=str(params.get("dprk_consent_ref", "")),
        former_commune=ctx.office(params["former_commune"]) if "former_commune" in params else None,
        property_description=str(params.get("property_description", "")), note=str(params.get("note", "")),
    )


def seed_reception(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """Record an arrival at a DPRK reception station (RET-13)."""
    from cases.services.reception import reception_arrive

    _params("reception", params, required=("person",), optional=("station", "has_diploma", "note"))
    return reception_arrive(
        exercise=ctx.exercise, person=ctx.person(params["person"], index), actor=None,
        station=str(params.get("station", "Hoeryong")), has_diploma=bool(params.get("has_diploma", False)),
        note=str(params.get("note", "")),
    )


def seed_corpse(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """Report a corpse found in the border region (RET-14)."""
    from cases.services.corpse import corpse_report

    _params("corpse", params, required=("place_found",), optional=("description", "note"))
    return corpse_report(
        exercise=ctx.exercise, place_found=str(params["place_found"]), actor=None,
        description=str(params.get("description", "")), note=str(params.get("note", "")),
    )


def seed_naturalisation(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """File a Korean national's application for Chinese citizenship (OTH-1)."""
    from cases.services.naturalisation import naturalisation_apply

    _params("naturalisation", params, required=("person",), optional=("grounds", "note"))
    return naturalisation_apply(
        exercise=ctx.exercise, person=ctx.person(params["person"], index), actor=None,
        grounds=str(params.get("grounds", "")), note=str(params.get("note", "")),
    )


def seed_detention(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """Report the intended detention or sentencing of a Korean national for approval (OTH-2)."""
    from cases.services.detention import detention_report

    _params("detention", params, required=("person", "measure", "grounds"), optional=("reporting_office_kind", "note"))
    extra = {"reporting_office_kind": str(params["reporting_office_kind"])} if "reporting_office_kind" in params else {}
    return detention_report(
        exercise=ctx.exercise, person=ctx.person(params["person"], index), measure=str(params["measure"]),
        grounds=str(params["grounds"]), actor=None, note=str(params.get("note", "")), **extra,
    )


def seed_stray(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """Report a stray vessel, livestock or poultry found on this side (OTH-3)."""
    from cases.services.stray import stray_report

    _params("stray", params, required=("item_kind", "place_found"), optional=("quantity", "description", "note"))
    return stray_report(
        exercise=ctx.exercise, item_kind=str(params["item_kind"]), place_found=str(params["place_found"]),
        actor=None, quantity=int(params.get("quantity", 1)), description=str(params.get("description", "")),
        note=str(params.get("note", "")),
    )


def seed_relocation(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """Open one province's quota of the 1959 organised relocation (AUT-12; R1959's figure by default)."""
    from cases.services.relocation import relocation_open_quota

    _params("relocation", params, required=("province",), optional=("control_households", "note"))
    control = params.get("control_households")
    return relocation_open_quota(
        exercise=ctx.exercise, province=str(params["province"]), actor=None,
        control_households=int(control) if control is not None else None, note=str(params.get("note", "")),
    )
