"""Autopilot: plays unstaffed offices with the regime's rates and times, seeded, through the services."""

from __future__ import annotations

import statistics

import pytest

from cases.classroom.autopilot import generic_policy, policy_for
from cases.classroom.loader import load_pack
from cases.classroom.packs import get_pack
from cases.classroom.students import students_create
from cases.classroom.timekeeping import fast_forward
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Exercise

pytestmark = pytest.mark.django_db


def _run(name: str, seed: int | None = None, days: int = 365) -> list[tuple[str, str]]:
    exercise = load_pack("marriage-1958", name=name, seed=seed)
    fast_forward(exercise=exercise, actor=None, days=days)
    return [(c.reference, c.state) for c in Case.objects.filter(exercise=exercise).order_by("id")]


def test_same_seed_same_run():
    assert _run("Run A") == _run("Run B")


def test_a_year_closes_every_marriage_case_under_mar_rules():
    """MAR-0 ... MAR-9: a simulated year of autopilot brings each seeded case to an end state."""
    exercise = load_pack("marriage-1958", name="Year")
    report = fast_forward(exercise=exercise, actor=None, days=365)
    exercise.refresh_from_db()
    assert report.steps > 10 and not report.stuck
    assert exercise.clock.year == 1959
    # MAR-0: after a year only old-route cases are still open, sent back and forth between province and Centre.
    still_open = Case.objects.filter(exercise=exercise, closed_at__isnull=True)
    assert {c.variant for c in still_open} <= {"pre1958"}
    assert all(CaseEvent.objects.filter(case=c, transition="request_more_reports").exists() for c in still_open)
    fast_forward(exercise=exercise, actor=None, days=365)
    assert not Case.objects.filter(exercise=exercise, closed_at__isnull=True).exists()
    states = dict(Case.objects.filter(exercise=exercise).values_list("reference", "state"))
    # MAR-1: the officer on active service (filed after D2) is refused outright.
    wang = Case.objects.get(exercise=exercise, title__startswith="Wang Jun")
    assert states[wang.reference] == "refused"
    # Autopilot steps are system events: no user, an office, a simulated time.
    assert CaseEvent.objects.filter(exercise=exercise, note="Autopilot", actor__isnull=True).exists()


def test_pre1958_cases_take_longer_than_d2_cases():
    """MAR-0: the referral to the Centre is slower than the 1958 work-unit decision (regime params)."""
    # A class of ten: the work unit's second seat gives enough old-route applications for a median.
    exercise = load_pack("marriage-1958", name="Compare", students=10)
    fast_forward(exercise=exercise, actor=None, days=730)  # two years: the old route's last cases close too
    def span(c: Case) -> float:
        return (c.closed_at - c.filed_at).days
    # The old-route applications filed on the first day and not yet moved (the class-sized ones that start
    # part-way, with steps taken at the load, are left out), against every application under D2.
    start = get_pack("marriage-1958").start
    moved_at_load = set(CaseEvent.objects.filter(exercise=exercise, sim_time=start).exclude(transition="")
                        .values_list("case_id", flat=True))
    old = [span(c) for c in Case.objects.filter(exercise=exercise, variant="pre1958") if c.pk not in moved_at_load]
    new = [span(c) for c in Case.objects.filter(exercise=exercise, variant="1958", state__in=["married", "registered",
                                                                                              "settled_in_dprk"])]
    assert len(old) >= 5 and len(new) >= 3
    assert statistics.median(old) > statistics.median(new)


def test_autopilot_leaves_student_offices_alone():
    exercise = load_pack("marriage-1958", name="Staffed")
    students_create(exercise=exercise, actor=None, count=1)  # the first role slot: the work unit
    fast_forward(exercise=exercise, actor=None, days=200)
    works = exercise.offices.get(kind="work_unit")
    waiting = Case.objects.filter(exercise=exercise, next_office=works)
    assert waiting.count() >= 3  # the D2 cases wait for the student
    assert not CaseEvent.objects.filter(exercise=exercise, office=works, note="Autopilot").exists()


def test_paused_exercise_refuses_fast_forward_and_bad_days():
    exercise = load_pack("marriage-1958", name="Paused")
    Exercise.objects.filter(pk=exercise.pk).update(paused=True)
    with pytest.raises(ApplicationError, match="paused"):
        fast_forward(exercise=exercise, actor=None, days=30)
    with pytest.raises(ApplicationError, match="whole number"):
        fast_forward(exercise=exercise, actor=None, days=0)


def test_policy_registry_has_marriage_and_a_generic_fallback():
    from cases.classroom.policies.marriage import marriage_policy

    assert policy_for("marriage") is marriage_policy
    assert policy_for("detention") is generic_policy  # registered without a policy of its own


def test_timed_events_fire_on_their_own_date_during_fast_forward():
    """MAR-0 vs D2: the October 1958 switch fires on 18 October even when the autopilot jumps ahead."""
    from django.utils import timezone

    from cases.models import TimedEvent

    exercise = load_pack("marriage-1958", name="On time")
    students_create(exercise=exercise, actor=None, count=1)
    fast_forward(exercise=exercise, actor=None, days=365)
    switch = TimedEvent.objects.get(exercise=exercise, kind="switch_regime")
    assert timezone.localtime(switch.fired_at).date().isoformat() == "1958-10-18"
    d2 = Case.objects.filter(exercise=exercise, variant="1958").order_by("filed_at").first()
    assert timezone.localtime(d2.filed_at).date().isoformat() == "1958-10-20"


def test_generic_policy_fills_typed_input_from_field_types():
    """MAR-3: without a policy, the generic one still records an examination with yes/no answers."""
    from cases.services.steps import case_transition

    exercise = load_pack("marriage-1958", name="Generic")
    case = Case.objects.get(exercise=exercise, title__startswith="Sun Deming").specific()
    from cases.models import Exercise
    Exercise.objects.filter(pk=exercise.pk).update(regime="1958_marriage")
    # Put a D2 case at the examination through the services, then ask the generic policy.
    from cases.services.marriage import marriage_file
    d2 = marriage_file(exercise=exercise, man=exercise.people.get(name="Jin Chengzhe"),
                       woman=exercise.people.get(name="Yun Kyong-hui"), work_unit=case.work_unit, actor=None,
                       variant="1958")
    d2 = case_transition(case=d2, transition="begin_examination", actor=None, system=True)
    import random
    step = generic_policy(d2, {}, random.Random(1))
    assert step.transition == "complete_examination"
    assert step.data == {"found_truthful": True, "remarrying": True, "post_compatible": True}
