"""Shared fixtures: the tests' exercise (one login per office), built with factories and services (tests/desks.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.desks import full_desk


class Desk:
    """The tests' exercise (every procedure's desk) with handy lookups of its users, offices and people."""

    def __init__(self, suffix: str = "") -> None:
        self.exercise = full_desk(f"Test exercise{suffix}", suffix)
        self.suffix = suffix

    def user(self, login: str):
        return get_user_model().objects.get(username=login + self.suffix)

    def office(self, kind: str):
        """Return the exercise's office of this kind that cases default to (the first made)."""
        return self.exercise.offices.filter(kind=kind).order_by("id").first()

    def person(self, name: str):
        return self.exercise.people.get(name=name)


@pytest.fixture
def desk(db: None) -> Desk:
    return Desk()


@pytest.fixture
def other_desk(db: None) -> Desk:
    return Desk("-b")


def take(desk: Desk, case, transition: str, login: str, **data):
    """Take a step through the service as the user ``login`` of the desk."""
    from cases.services.steps import case_transition

    return case_transition(case=case, transition=transition, actor=desk.user(login), data=data)
