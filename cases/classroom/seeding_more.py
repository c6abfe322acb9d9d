"""Seeding hooks of procedures merged from other branches, registered only when their services exist.

Written against the interfaces on the branches ``authorization`` (``authorization_issue_letter``),
``permits`` (``permit_file``), ``returns`` (``crosser_report``) and ``deadlines`` (``meeting_request``);
each import is guarded, so on a tree without that procedure nothing is registered and the pack that
needs it is listed as unavailable. The lead should check them once the branches are merged.
"""

from __future__ import annotations

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
        """Record a DPRK "authorization letter" to a person in China (AUT-1)."""
        if "applicant" not in params:
            raise ApplicationError("an authorization case needs 'applicant'")
        return authorization_issue_letter(
            exercise=ctx.exercise, applicant=ctx.person(params["applicant"], index),
            letter_number=str(params.get("letter_number", f"KP-{index + 1}")), actor=None,
            purpose=str(params.get("purpose", "settle")),
            inviting_relative=str(params.get("inviting_relative", "")),
            kpa_officer_family=bool(params.get("kpa_officer_family", False)),
            relative_of_dprk_cadre=bool(params.get("relative_of_dprk_cadre", False)),
            note=str(params.get("note", "")),
        )


_register_authorization()
