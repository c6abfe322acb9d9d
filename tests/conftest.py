"""Shared fixtures: the tests' exercise (one login per office), built with factories and services (tests/desks.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.desks import ensure_border_geography, full_desk, historical_desk


@pytest.fixture(autouse=True)
def _fresh_live_summaries() -> None:
    """Each test starts with no live analytics summary (a rolled-back test's ids are used again on SQLite)."""
    from cases.analytics import live

    live.forget_all()


@pytest.fixture
def border_geography() -> None:
    """The border geography the permits pack names, loaded again if a transactional test flushed it."""
    ensure_border_geography()


class Desk:
    """The tests' exercise (every procedure's desk) with handy lookups of its users, offices and people.

    The full desk files every procedure in one 1959 exercise, so it is marked counterfactual (tests/desks.py);
    ``historical`` builds the same offices as a historical run with only the cases in force in 1959.
    """

    def __init__(self, suffix: str = "", *, historical: bool = False) -> None:
        build = historical_desk if historical else full_desk
        self.exercise = build(f"Test exercise{suffix}", suffix)
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
def historical(db: None) -> Desk:
    """The desk as a historical 1959 run (not counterfactual): only the procedures in force then have cases."""
    return Desk(historical=True)


@pytest.fixture
def other_desk(db: None) -> Desk:
    return Desk("-b")


def take(desk: Desk, case, transition: str, login: str, **data):
    """Take a step through the service as the user ``login`` of the desk."""
    from cases.services.steps import case_transition

    return case_transition(case=case, transition=transition, actor=desk.user(login), data=data)
