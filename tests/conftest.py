"""Shared fixtures: the demo exercise (one login per office) built through the real services."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cases.demo import build_demo_exercise


class Desk:
    """The demo exercise with handy lookups of its users, offices and people."""

    def __init__(self, suffix: str = "") -> None:
        self.result = build_demo_exercise(f"Test exercise{suffix}", login_suffix=suffix)
        self.exercise = self.result.exercise
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
    from cases.services.engine import case_transition

    return case_transition(case=case, transition=transition, actor=desk.user(login), data=data)
