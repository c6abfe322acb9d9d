"""The returns demo data: offices, logins and one seed case per path, built through the services."""

from __future__ import annotations

from cases.demo_returns import RETURNS_OFFICES, build_returns_demo
from cases.models import Case, EmbassyCase, Membership, Office
from tests.factories import ExerciseFactory


def test_returns_demo_adds_missing_offices_with_logins_and_seeds_open_cases(desk):
    """The demo exercise (the desk) includes the returns desk: offices, logins, one open case per path."""
    for _login, kind, _name, _place in RETURNS_OFFICES:
        office = Office.objects.filter(exercise=desk.exercise, kind=kind).first()
        assert office is not None, kind
        assert Membership.objects.filter(exercise=desk.exercise, office=office).exists(), kind
    returns_kinds = {"crosser", "embassy", "reception", "corpse", "naturalisation", "detention", "stray"}
    seeded = list(Case.objects.filter(exercise=desk.exercise, kind__in=returns_kinds))
    assert {c.kind for c in seeded} == returns_kinds and len(seeded) == 12
    assert all(c.next_office is not None and not c.is_closed for c in seeded)
    assert EmbassyCase.objects.get(exercise=desk.exercise, person__name="An Zaixiu").variant == "renunciation"
    # RET-9/RET-10 demo cases run under the 1961 line though the exercise is in 1959.
    assert Case.objects.filter(exercise=desk.exercise, kind="crosser", regime="1961_strict").count() == 2


def test_returns_demo_runs_once_per_exercise(desk):
    build_returns_demo(desk.exercise)
    count = Case.objects.filter(exercise=desk.exercise).count()
    again = build_returns_demo(desk.exercise)
    assert not again.created and Case.objects.filter(exercise=desk.exercise).count() == count


def test_returns_demo_works_on_an_empty_exercise(db):
    exercise = ExerciseFactory()
    demo = build_returns_demo(exercise, login_suffix="-empty")
    assert len(demo.logins) == len(RETURNS_OFFICES)
    assert len(demo.cases) == 12
