"""Authorization-letter services (AUT-1 ... AUT-11): open cases and take the common steps.

Opening: the DPRK side issues a letter (:func:`authorization_issue_letter`, AUT-1), a family member
of someone settled in the DPRK applies to follow (:func:`authorization_family_follow`, AUT-5), or a
Korean national applies for a capitalist destination (:func:`authorization_apply_abroad`, AUT-10).
The step functions validate their input and call :func:`cases.services.steps.case_transition`;
any other step is taken with ``case_transition`` directly (the admin does so).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cases.choices import Nationality, OfficeKind
from cases.errors import ApplicationError
from cases.models import AuthorizationCase, AuthorizationState, Exercise, Person
from cases.models.authorization import ABROAD, FAMILY_JOIN, MOVING, RETURN_HOME, SETTLE, TO_DPRK, VISIT, Destination
from cases.regimes import REGIMES
from cases.services.steps import case_open, case_transition

S = AuthorizationState
IN_CHINA = (Nationality.CN_KOREAN, Nationality.KOREAN_IN_CHINA, Nationality.HAN)


def _check_person(exercise: Exercise, person: Person) -> None:
    if person.exercise_id != exercise.pk:
        raise ApplicationError("The applicant must belong to this exercise.")
    if person.nationality not in IN_CHINA:
        raise ApplicationError(
            "The applicant must live in China: an ethnic Korean of Chinese nationality, a Korean national "
            "residing in China, or a Han Chinese."
        )


def _check_regime(regime: str) -> None:
    if regime and regime not in REGIMES:
        raise ApplicationError(f"Unknown regime {regime!r}; choose one of: {', '.join(REGIMES)}.")


def authorization_letter_build(
    *,
    exercise: Exercise,
    applicant: Person,
    letter_number: str,
    purpose: str = SETTLE,
    inviting_relative: str = "",
    reason_for_travel: str = "",
    kpa_officer_family: bool = False,
    relative_of_dprk_cadre: bool = False,
    regime: str = "",
) -> tuple[AuthorizationCase, tuple[str, ...]]:
    """Check and build (unsaved) the case of a DPRK "authorization letter" (AUT-1); return it and its rules.

    :func:`authorization_issue_letter` files one; a pack load files many at once with
    :func:`cases.services.bulk_open.case_bulk_open`, filed by the DPRK Ministry of Internal Affairs.

    The DPRK Ministry of Internal Affairs (Social Safety) acts. ``purpose`` is ``settle``, ``visit``
    or ``return_home`` (a Korean national going home, AUT-6, AUT-9). ``regime`` defaults to the
    exercise's; a teacher may open a case under another line to compare.
    """
    _check_person(exercise, applicant)
    _check_regime(regime)
    if not letter_number or not letter_number.strip():
        raise ApplicationError("AUT-1: give the number of the authorization letter.")
    if purpose not in (SETTLE, VISIT, RETURN_HOME):
        raise ApplicationError(
            "A letter is for settling, visiting or a Korean national's return home; family members of "
            "settlers apply with authorization_family_follow (AUT-5), other destinations with "
            "authorization_apply_abroad (AUT-10)."
        )
    if purpose == RETURN_HOME and applicant.nationality != Nationality.KOREAN_IN_CHINA:
        raise ApplicationError("AUT-6/AUT-9: a return home is for a Korean national residing in China.")
    if purpose == VISIT and not reason_for_travel.strip():
        raise ApplicationError("AUT-11: a visit needs a proper reason (a sick relative, children, a husband).")
    case = AuthorizationCase(
        exercise=exercise,
        title=f"{applicant.name}: {dict(_PURPOSE_TITLES)[purpose]}",
        applicant=applicant,
        destination=Destination.DPRK,
        letter_number=letter_number.strip(),
        letter_issued_at=exercise.clock,
        inviting_relative=inviting_relative,
        reason_for_travel=reason_for_travel,
        kpa_officer_family=kpa_officer_family,
        relative_of_dprk_cadre=relative_of_dprk_cadre,
        variant=purpose,
        regime=regime,
        state=S.LETTER_ISSUED,
    )
    rules = ["AUT-1"]
    if purpose == RETURN_HOME:
        rules += ["AUT-6", "AUT-9"]
    if purpose == VISIT:
        rules.append("AUT-11")
    if kpa_officer_family:
        rules.append("AUT-7")
    if relative_of_dprk_cadre:
        rules.append("AUT-4")
    return case, tuple(rules)


def authorization_issue_letter(
    *,
    exercise: Exercise,
    applicant: Person,
    letter_number: str,
    actor: Any,
    purpose: str = SETTLE,
    inviting_relative: str = "",
    reason_for_travel: str = "",
    kpa_officer_family: bool = False,
    relative_of_dprk_cadre: bool = False,
    regime: str = "",
    note: str = "",
) -> AuthorizationCase:
    """Record the DPRK side's "authorization letter" to a named person in China (AUT-1).

    The DPRK Ministry of Internal Affairs (Social Safety) acts. ``purpose`` is ``settle``, ``visit``
    or ``return_home`` (a Korean national going home, AUT-6, AUT-9). ``regime`` defaults to the
    exercise's; a teacher may open a case under another line to compare.
    """
    case, rules = authorization_letter_build(
        exercise=exercise, applicant=applicant, letter_number=letter_number, purpose=purpose,
        inviting_relative=inviting_relative, reason_for_travel=reason_for_travel,
        kpa_officer_family=kpa_officer_family, relative_of_dprk_cadre=relative_of_dprk_cadre, regime=regime)
    return case_open(case=case, actor=actor, office_kind=OfficeKind.DPRK_SAFETY, rules=rules, note=note)


_PURPOSE_TITLES = (
    (SETTLE, "letter to move to the DPRK"),
    (VISIT, "letter for a visit to the DPRK"),
    (RETURN_HOME, "letter to return home to the DPRK"),
    (FAMILY_JOIN, "joining family settled in the DPRK"),
    (ABROAD, "application to go abroad"),
)


def authorization_family_follow(
    *,
    settled_case: AuthorizationCase,
    applicant: Person,
    actor: Any,
    commune_introduction: bool = False,
    letter_number: str = "",
    kpa_officer_family: bool = False,
    note: str = "",
) -> AuthorizationCase:
    """Open the application of a family member joining someone settled in the DPRK (AUT-5).

    The county public security bureau receives it; it starts at examination. Allowed from the March
    1962 correction on (D7 §4b); the settled relative's case must have departed. The settler's case
    stands for the relatives' letter; the commune introduction is brought or requested as usual.
    """
    exercise = Exercise.objects.get(pk=settled_case.exercise_id)
    _check_person(exercise, applicant)
    if applicant.pk == settled_case.applicant_id:
        raise ApplicationError("AUT-5: the family member must be someone other than the settler.")
    if settled_case.variant not in MOVING or settled_case.state != S.DEPARTED:
        raise ApplicationError("AUT-5: the relative must already have moved to and settled in the DPRK.")
    if not exercise.regime_obj.param("authorization").family_may_follow:
        raise ApplicationError(
            "AUT-5: families of settlers may follow from the March 1962 correction on; the regime in force "
            f"({exercise.regime_obj.label}) has no such rule."
        )
    case = AuthorizationCase(
        exercise=exercise,
        title=f"{applicant.name}: joining {settled_case.applicant.name} in the DPRK",
        applicant=applicant,
        destination=Destination.DPRK,
        letter_number=letter_number.strip(),
        letter_issued_at=exercise.clock if letter_number.strip() else None,
        inviting_relative=settled_case.applicant.name,
        reason_for_travel="AUT-5: joining a family member settled in the DPRK.",
        follows=settled_case,
        has_commune_introduction=bool(commune_introduction),
        has_relative_letter=True,
        kpa_officer_family=kpa_officer_family or settled_case.kpa_officer_family,
        variant=FAMILY_JOIN,
        state=S.EXAMINATION,
    )
    return case_open(case=case, actor=actor, office_kind=OfficeKind.COUNTY_PSB, rules=("AUT-5",), note=note)


def authorization_apply_abroad(
    *,
    exercise: Exercise,
    applicant: Person,
    destination: str,
    actor: Any,
    reason_for_travel: str = "",
    regime: str = "",
    note: str = "",
) -> AuthorizationCase:
    """File a Korean national's application for South Korea, Hong Kong, Macau or a capitalist country (AUT-10).

    AUT-10 is a rule of the State Council opinions of 19 August 1970 (D11 §8, "from today onwards"): such an
    application can be filed only from that day (or in a run the teacher marked counterfactual): ``case_open``
    refuses it earlier (cases/rules/in_force.py, FIELD_RULES). How such applications were handled before, the
    sources do not say; the project does not model them (assumption).
    """
    _check_person(exercise, applicant)
    _check_regime(regime)
    if destination not in Destination.values or destination == Destination.DPRK:
        raise ApplicationError(
            "AUT-10: choose South Korea, Hong Kong, Macau or another capitalist country; travel to the DPRK "
            "goes on an authorization letter."
        )
    if applicant.nationality != Nationality.KOREAN_IN_CHINA:
        raise ApplicationError("AUT-10: D11 §8 concerns Korean nationals residing in China.")
    case = AuthorizationCase(
        exercise=exercise,
        title=f"{applicant.name}: application to go to {Destination(destination).label}",
        applicant=applicant,
        destination=destination,
        reason_for_travel=reason_for_travel,
        variant=ABROAD,
        regime=regime,
        state=S.EXAMINATION,
    )
    return case_open(case=case, actor=actor, office_kind=OfficeKind.COUNTY_PSB, rules=("AUT-10",), note=note)


def authorization_receive_application(
    *,
    case: AuthorizationCase,
    actor: Any,
    commune_introduction: bool,
    relative_letter: bool = False,
    political_clearance: bool = False,
    note: str = "",
) -> AuthorizationCase:
    """Take in the letter holder's application and the papers brought with it (AUT-1)."""
    return case_transition(  # type: ignore[return-value]
        case=case, transition="receive_application", actor=actor, note=note,
        data={
            "has_commune_introduction": bool(commune_introduction),
            "has_relative_letter": bool(relative_letter),
            "has_political_clearance": bool(political_clearance),
        },
    )


def authorization_record_examination(
    *, case: AuthorizationCase, actor: Any, political_issue: bool, pending_case: bool, note: str = ""
) -> AuthorizationCase:
    """Record the examination's findings: political issues, pending civil or criminal cases (AUT-2)."""
    return case_transition(  # type: ignore[return-value]
        case=case, transition="record_examination", actor=actor, note=note,
        data={"political_issue": bool(political_issue), "pending_case": bool(pending_case)},
    )


def authorization_approve(*, case: AuthorizationCase, actor: Any, note: str = "") -> AuthorizationCase:
    """Approve the application with the office the regime names (AUT-2, AUT-6; AUT-9 in the province)."""
    fresh = AuthorizationCase.objects.get(pk=case.pk)
    name = "province_approve" if fresh.state in (S.PROVINCE_REVIEW, S.PROVINCE_OVERDUE) else "approve"
    return case_transition(case=fresh, transition=name, actor=actor, note=note)  # type: ignore[return-value]


def authorization_refuse(*, case: AuthorizationCase, actor: Any, reason: str) -> AuthorizationCase:
    """Refuse with a reason, within what the regime allows (AUT-2, AUT-3, AUT-6, AUT-9)."""
    if not reason or not reason.strip():
        raise ApplicationError("A refusal needs a reason.")
    fresh = AuthorizationCase.objects.get(pk=case.pk)
    name = "province_refuse" if fresh.state in (S.PROVINCE_REVIEW, S.PROVINCE_OVERDUE) else "refuse"
    return case_transition(  # type: ignore[return-value]
        case=fresh, transition=name, actor=actor, data={"reason": reason}
    )


def authorization_settle_accounts(
    *, case: AuthorizationCase, actor: Any, property_disposition: str, taking_property: bool = False
) -> AuthorizationCase:
    """Have the commune settle accounts and property before departure (AUT-8; AUT-4 on property)."""
    if not property_disposition or not property_disposition.strip():
        raise ApplicationError("AUT-8: record how shares, investments, labour returns and property were settled.")
    return case_transition(  # type: ignore[return-value]
        case=case, transition="settle_accounts", actor=actor,
        data={"taking_property": bool(taking_property), "property_disposition": property_disposition.strip()},
    )


def authorization_record_departure(*, case: AuthorizationCase, actor: Any, crossing_point: str) -> AuthorizationCase:
    """Record the departure at a crossing point, settler or visitor (AUT-8, AUT-11)."""
    if not crossing_point or not crossing_point.strip():
        raise ApplicationError("Name the crossing point of the departure.")
    fresh = AuthorizationCase.objects.get(pk=case.pk)
    name = "record_visit_departure" if fresh.variant == VISIT else "record_departure"
    return case_transition(  # type: ignore[return-value]
        case=fresh, transition=name, actor=actor, data={"crossing_point": crossing_point.strip()}
    )


def authorization_clear_visit(*, case: AuthorizationCase, actor: Any, return_by: dt.date) -> AuthorizationCase:
    """Clear a visit with a proper reason and set the date to be back by (AUT-11)."""
    if not isinstance(return_by, dt.date):
        raise ApplicationError("AUT-11: give the return date as a date.")
    today = Exercise.objects.values_list("clock", flat=True).get(pk=case.exercise_id).date()
    # The step takes the visit's length in days (plain JSON in the event log); the case keeps the date.
    return case_transition(  # type: ignore[return-value]
        case=case, transition="clear_visit", actor=actor, data={"visit_days": (return_by - today).days}
    )


__all__ = [
    "TO_DPRK",
    "authorization_apply_abroad",
    "authorization_approve",
    "authorization_clear_visit",
    "authorization_family_follow",
    "authorization_issue_letter",
    "authorization_receive_application",
    "authorization_record_departure",
    "authorization_record_examination",
    "authorization_refuse",
    "authorization_settle_accounts",
]
