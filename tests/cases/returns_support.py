"""Helpers for the returns tests: the test desk plus the returns offices, and acting as the right office."""

from __future__ import annotations

from typing import Any

from cases.choices import Nationality, Occupation, Sex
from cases.engine import meta_of
from cases.models import Case, Membership, Person
from cases.services.steps import case_transition
from tests.desks import returns_desk, returns_offices


class Ret:
    """The test desk with every returns office and a login for each."""

    def __init__(self, desk: Any, *, seed: bool = False) -> None:
        """Add the returns offices and logins; with ``seed``, the test desk's returns cases too."""
        self.desk = desk
        self.exercise = desk.exercise
        if seed:
            returns_desk(desk.exercise, desk.suffix)
        else:
            returns_offices(desk.exercise, desk.suffix)

    def user_for(self, kind: str) -> Any:
        """Return the login that holds the exercise's office of ``kind``."""
        membership = (
            Membership.objects.filter(exercise=self.exercise, office__kind=kind).select_related("user").first()
        )
        assert membership is not None, f"no login for {kind}"
        return membership.user

    def person(self, name: str, nationality: str, sex: str = Sex.MALE) -> Person:
        return Person.objects.create(
            exercise=self.exercise, name=name, sex=sex, nationality=nationality, occupation=Occupation.PEASANT
        )

    def korean(self, name: str = "Test DPRK citizen") -> Person:
        return self.person(name, Nationality.DPRK)

    def chinese_korean(self, name: str = "Test Chinese Korean") -> Person:
        return self.person(name, Nationality.CN_KOREAN)

    def office_kind_of(self, case: Case, transition: str) -> str:
        for t in case.procedure.transitions:
            if t.name == transition:
                return meta_of(t).office
        raise AssertionError(f"no step {transition}")

    def act(self, case: Case, transition: str, **data: Any) -> Any:
        """Take ``transition`` as the login of the office the step belongs to."""
        user = self.user_for(self.office_kind_of(case, transition))
        return case_transition(case=case, transition=transition, actor=user, data=data)
