"""Shared helpers of the authorization-letter tests: the test desk with the AUT offices, and shortcuts
that reach later states through the services only."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from cases.choices import Nationality, Sex
from cases.models import AuthorizationCase, Exercise, Person
from cases.models.authorization import SETTLE
from cases.services import authorization as svc
from tests.desks import authorization_desk

_names = itertools.count(1)


@pytest.fixture
def aut(historical):
    """The test desk with the offices, logins and letters of the authorization procedures, as a historical 1959
    run (not a what-if: the letters' dated rules are tested on it)."""
    authorization_desk(historical.exercise, historical.suffix)
    return historical


def advance(exercise: Exercise, days: float) -> None:
    """Move the simulated clock forward (the clock service of another issue will replace this)."""
    exercise.refresh_from_db()
    exercise.clock = exercise.clock + dt.timedelta(days=days)
    exercise.save(update_fields=["clock"])


def applicant(desk, nationality: str = Nationality.CN_KOREAN, sex: str = Sex.FEMALE) -> Person:
    return Person.objects.create(
        exercise=desk.exercise, name=f"Test Applicant {next(_names)}", sex=sex, nationality=nationality
    )


def letter(desk, *, purpose: str = SETTLE, regime: str = "1957_lenient", nationality: str = Nationality.CN_KOREAN,
           **kwargs) -> AuthorizationCase:
    """Issue a letter as the DPRK office (AUT-1)."""
    if purpose == "return_home":
        nationality = Nationality.KOREAN_IN_CHINA
    kwargs.setdefault("reason_for_travel", "Her father is ill in Hoeryong." if purpose == "visit" else "")
    return svc.authorization_issue_letter(
        exercise=desk.exercise, applicant=applicant(desk, nationality), letter_number=f"KP-T-{next(_names)}",
        actor=desk.user("dprksafety"), purpose=purpose, regime=regime, **kwargs,
    )


def to_decision(desk, case: AuthorizationCase, *, political_issue: bool = False, pending_case: bool = False,
                all_papers: bool = True) -> AuthorizationCase:
    """Receive the application with papers and record the examination (AUT-1, AUT-2)."""
    psb = desk.user("countypsb")
    case = svc.authorization_receive_application(
        case=case, actor=psb, commune_introduction=True, relative_letter=all_papers, political_clearance=all_papers
    )
    return svc.authorization_record_examination(
        case=case, actor=psb, political_issue=political_issue, pending_case=pending_case
    )


def reload(case: AuthorizationCase) -> AuthorizationCase:
    return AuthorizationCase.objects.get(pk=case.pk)
