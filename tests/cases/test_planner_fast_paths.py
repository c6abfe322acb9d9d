"""The planner's shortcuts decide, load and look up exactly what the plain ways do (cases/classroom/planner.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Min

from cases.bench.jilin import jilin_exercise, run_year
from cases.classroom import planner
from cases.classroom.pilot_load import load_open_cases
from cases.classroom.planner import DecideCache, Pilot, RunReport, _decide, deadline_first
from cases.classroom.policy_base import open_steps
from cases.engine import transitions_from, unmet_guards
from cases.models import Case, Deadline, DeadlineStatus

pytestmark = pytest.mark.django_db


def _pilot(desk: Any) -> Pilot:
    """A Jilin year at a small scale, then a pilot planning what it left open (crossers and letters)."""
    exercise = jilin_exercise(desk.exercise, "Fast paths")
    run_year(exercise, crossers=60, letters=12)
    exercise.refresh_from_db()
    pilot = Pilot(exercise, 1961, None, RunReport())
    pilot.plan_all()
    return pilot


def _open(pilot: Pilot) -> list[Case]:
    ids = Case.objects.filter(exercise=pilot.exercise, closed_at__isnull=True).values_list("pk", flat=True)
    return pilot._load(ids)


def test_decisions_with_the_per_call_cache_are_the_plain_ones_ret_1_aut_3(desk):
    """RET-1, AUT-3: the same step, time and office for every open case, with or without the cache."""
    pilot = _pilot(desk)
    cases = _open(pilot)
    assert {c.kind for c in cases} >= {"crosser"} and len(cases) > 10
    cache = DecideCache()
    for case in cases:
        n = pilot.n_events.get(case.pk, 0)
        assert _decide(case, n, pilot.seed, cache) == _decide(case, n, pilot.seed)
        assert open_steps(case) == {t.name for t in transitions_from(case) if not unmet_guards(case, t)}


def test_a_cached_decision_gets_its_own_copy_of_the_parameters(desk):
    pilot = _pilot(desk)
    case = _open(pilot)[0]
    cache = DecideCache()
    first = cache.params_of(case)
    first["days"] = "changed by a policy"
    assert cache.params_of(case) == planner._params(case)


def test_pilot_loading_builds_the_instances_the_orm_loads(desk):
    pilot = _pilot(desk)
    ids = list(Case.objects.filter(exercise=pilot.exercise, closed_at__isnull=True).values_list("pk", flat=True))
    loaded = load_open_cases(ids)
    assert len(loaded) == len(ids)
    for case in loaded:
        plain = type(case).objects.get(pk=case.pk)
        names = [f.attname for f in type(case)._meta.concrete_fields]
        assert [getattr(case, n) for n in names] == [getattr(plain, n) for n in names]
        assert not case._state.adding and case._state.db == plain._state.db
        initial = "_ConcurrentTransitionMixin__initial_states"
        assert case.__dict__.get(initial) == plain.__dict__.get(initial)
        for f in type(case)._meta.concrete_fields:
            if f.is_relation and f.many_to_one and f.name not in ("exercise", "next_office") \
                    and not f.remote_field.parent_link:
                assert getattr(case, f.name) == getattr(plain, f.name)


def test_the_shared_office_cache_is_the_one_prime_offices_fills(desk):
    pilot = _pilot(desk)
    for case in _open(pilot):
        pilot._prime(case)
        fast = dict(case.__dict__["_office_cache"])
        case.__dict__.pop("_office_cache")
        case.prime_offices(pilot.office_rows)
        assert fast == case.__dict__["_office_cache"]


def test_deadline_first_finds_each_cases_first_pending_deadline_as_the_orm_does(desk):
    pilot = _pilot(desk)
    plans = list(pilot.plans.values())
    assert plans
    # Every plan due a year on: the cases with a pending deadline by then go after it.
    late = [planner._Plan(p.due + dt.timedelta(days=365), p.state, p.step, p.case) for p in plans]
    now, later, soonest = deadline_first(late)
    end = max(p.due for p in late)
    first = dict(Deadline.objects.filter(case_id__in=[p.case.pk for p in late], status=DeadlineStatus.PENDING,
                                         due_at__lte=end).values("case_id").annotate(m=Min("due_at"))
                 .values_list("case_id", "m"))
    want_later = [p for p in late if p.case.pk in first and first[p.case.pk] <= p.due]
    assert want_later, "some planned cases should have a pending deadline within the year"
    assert [p.case.pk for p in later] == [p.case.pk for p in want_later]
    assert [p.case.pk for p in now] == [p.case.pk for p in late if p not in want_later]
    assert soonest == min((first[p.case.pk] for p in want_later), default=None)


def test_the_first_pending_deadline_the_pilot_keeps_after_its_steps_is_the_databases(desk, monkeypatch):
    """After every batch of steps (crossers set none, letters do) the pilot's first deadline is the stored one."""
    acted = {"batches": 0, "kept": 0}
    plain_act = Pilot.act

    def act(self: Pilot, batch: list[Any]) -> None:
        plain_act(self, batch)
        acted["batches"] += 1
        acted["kept"] += self._deadline is not None
        want = Deadline.objects.filter(exercise=self.exercise, status=DeadlineStatus.PENDING).aggregate(
            m=Min("due_at"))["m"]
        assert self.next_deadline() == want

    monkeypatch.setattr(Pilot, "act", act)
    exercise = jilin_exercise(desk.exercise, "First deadline")
    run_year(exercise, crossers=60, letters=12)
    assert acted["batches"] > 10 and acted["kept"] > 0, acted
    assert not planner.sets_deadlines(type(Case.objects.filter(kind="crosser").first().specific()))


def test_loading_no_cases_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert load_open_cases([]) == []
