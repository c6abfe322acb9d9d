"""Regimes as data, the teacher's regime switch (keep and migrate), and one service walk per regime."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.errors import ApplicationError
from cases.models import AuthorizationCase, Case, CaseEvent, Deadline, DeadlineKind, DeadlineStatus, EventKind
from cases.models.authorization import RETURN_HOME, SETTLE, VISIT, AuthorizationState
from cases.regimes import REGIMES, get_regime
from cases.services import authorization as svc
from cases.services.regime import exercise_switch_regime
from cases.services.steps import case_transition
from tests.cases.authorization_helpers import advance, aut, letter, reload, to_decision

__all__ = ["aut"]
S = AuthorizationState
AUT_REGIMES = ["1957_lenient", "1961_strict", "1962_correction", "1963_august", "1970_state_council"]


def test_every_regime_carries_an_authorization_policy_with_its_rules():
    """AUT-2, AUT-3, AUT-4, AUT-6, AUT-7, AUT-9, AUT-10: each line's parameters cite its rules."""
    for code in REGIMES:
        policy = get_regime(code).param("authorization")
        assert policy is not None and policy.rules and policy.examination_days > 0
    assert get_regime("1957_lenient").param("authorization").rules == ("AUT-2",)
    assert "AUT-4" in get_regime("1962_correction").param("authorization").rules
    assert {"AUT-6", "AUT-7"} <= set(get_regime("1963_august").param("authorization").rules)
    assert get_regime("1970_state_council").param("authorization").return_home_decider == "provincial_committee"


def test_switch_keep_leaves_running_cases_on_their_rules_and_logs_it(aut):
    """Keep: running cases stay on the 1961 practice (AUT-3) while new cases start under the correction (AUT-4)."""
    teacher = aut.user("teacher")
    aut.exercise.regime = "1961_strict"
    aut.exercise.save(update_fields=["regime"])
    running = letter(aut, regime="")
    assert running.regime == "1961_strict"
    result = exercise_switch_regime(exercise=aut.exercise, regime="1962_correction", migrate_running=False,
                                    actor=teacher, counterfactual=True)
    assert result.old == "1961_strict" and result.migrated == 0 and result.kept >= 1
    running = reload(running)
    assert running.regime == "1961_strict"
    event = running.events.get(kind=EventKind.REGIME)
    assert "keeps its rules" in event.label and event.data["to"] == "1961_strict"
    assert event.source_state == event.target_state == S.LETTER_ISSUED
    new = letter(aut, regime="")
    assert new.regime == "1962_correction"
    # The kept case still needs the three papers of the strict practice.
    psb = aut.user("countypsb")
    running = svc.authorization_receive_application(case=running, actor=psb, commune_introduction=True)
    with pytest.raises(ApplicationError, match="papers"):
        svc.authorization_record_examination(case=running, actor=psb, political_issue=False, pending_case=False)


def test_switch_migrate_moves_running_cases_and_recomputes_escalations(aut):
    """Migrate: running cases move to the correction (AUT-4) and their escalation deadline shortens (AUT-3)."""
    teacher, psb = aut.user("teacher"), aut.user("countypsb")
    case = letter(aut, regime="1961_strict")
    case = svc.authorization_receive_application(case=case, actor=psb, commune_introduction=True,
                                                 relative_letter=True, political_clearance=True)
    old_deadline = Deadline.objects.get(case=case, kind=DeadlineKind.ESCALATION)
    assert old_deadline.due_at == case.state_since + dt.timedelta(days=30)
    closed = to_decision(aut, letter(aut, regime="1961_strict"))
    closed = svc.authorization_refuse(case=closed, actor=psb, reason="Strict practice")
    advance(aut.exercise, 12)
    result = exercise_switch_regime(exercise=aut.exercise, regime="1962_correction", migrate_running=True,
                                    counterfactual=True,
                                    actor=teacher)
    assert result.migrated >= 1
    case = reload(case)
    assert case.regime == "1962_correction"
    assert case.events.filter(kind=EventKind.REGIME, label__contains="now under").count() == 1
    assert reload(closed).regime == "1961_strict"  # closed cases are history
    assert not reload(closed).events.filter(kind=EventKind.REGIME).exists()
    old_deadline.refresh_from_db()
    assert old_deadline.status == DeadlineStatus.CANCELLED
    new_deadline = Deadline.objects.get(case=case, kind=DeadlineKind.ESCALATION, status=DeadlineStatus.PENDING)
    assert new_deadline.due_at == case.state_since + dt.timedelta(days=10)
    # Twelve days waited > ten allowed: the sweep may escalate it at once (fired here as the sweep would).
    case = case_transition(case=case, transition=new_deadline.action, actor=None, system=True)
    assert case.state == S.EXAMINATION_OVERDUE
    # Under the correction a clean case cannot be refused without AUT-2 grounds.
    case = svc.authorization_record_examination(case=case, actor=psb, political_issue=False, pending_case=False)
    with pytest.raises(ApplicationError, match="AUT-2"):
        svc.authorization_refuse(case=case, actor=psb, reason="Strict")


def test_switch_is_the_teachers_and_refuses_bad_input_without_changes(aut):
    before = aut.exercise.regime
    with pytest.raises(ApplicationError, match="teacher"):
        exercise_switch_regime(exercise=aut.exercise, regime="1961_strict", migrate_running=True,
                               actor=aut.user("countypsb"))
    with pytest.raises(ApplicationError, match="Unknown regime"):
        exercise_switch_regime(exercise=aut.exercise, regime="1999", migrate_running=True, actor=aut.user("teacher"))
    with pytest.raises(ApplicationError, match="already in force"):
        exercise_switch_regime(exercise=aut.exercise, regime=before, migrate_running=True, actor=aut.user("teacher"))
    aut.exercise.refresh_from_db()
    assert aut.exercise.regime == before
    assert not CaseEvent.objects.filter(exercise=aut.exercise, kind=EventKind.REGIME).exists()


def test_switch_touches_only_its_own_exercise(aut, other_desk):
    other_case = Case.objects.filter(exercise=other_desk.exercise).first()
    exercise_switch_regime(exercise=aut.exercise, regime="1970_state_council", migrate_running=True,
                           actor=aut.user("teacher"), counterfactual=True)
    other_case.refresh_from_db()
    assert other_case.regime == "1958_marriage"
    assert not other_case.events.filter(kind=EventKind.REGIME).exists()


def _settle_and_leave(aut, case: AuthorizationCase, *, taking_property: bool) -> AuthorizationCase:
    case = svc.authorization_settle_accounts(case=case, actor=aut.user("commune"), taking_property=taking_property,
                                             property_disposition="Shares and labour returns refunded")
    case = svc.authorization_record_departure(case=case, actor=aut.user("borderstation"), crossing_point="Nanping")
    assert case.state == S.DEPARTED
    return case


def test_walk_1957_lenient(aut):
    """AUT-2, AUT-8: a clean application goes through with one paper and no grounds to refuse."""
    case = to_decision(aut, letter(aut, regime="1957_lenient"), all_papers=False)
    case = svc.authorization_approve(case=case, actor=aut.user("countypsb"))
    _settle_and_leave(aut, case, taking_property=True)


def test_walk_1961_strict(aut):
    """AUT-3: papers demanded, a long wait escalated, then a refusal with a reason."""
    psb = aut.user("countypsb")
    case = letter(aut, regime="1961_strict")
    case = svc.authorization_receive_application(case=case, actor=psb, commune_introduction=True)
    case = case_transition(case=case, transition="request_documents", actor=psb, data={"reason": "More papers"})
    case = case_transition(case=case, transition="supply_documents", actor=psb, data={
        "has_commune_introduction": True, "has_relative_letter": True, "has_political_clearance": True})
    advance(aut.exercise, 45)
    deadline = Deadline.objects.filter(case=case, status=DeadlineStatus.PENDING).latest("id")
    case = case_transition(case=case, transition=deadline.action, actor=None, system=True)
    assert case.state == S.EXAMINATION_OVERDUE and case.next_office.kind == "county_psb"
    case = svc.authorization_record_examination(case=case, actor=psb, political_issue=False, pending_case=False)
    case = svc.authorization_refuse(case=case, actor=psb, reason="Not approved this year.")
    assert case.state == S.REFUSED and case.is_closed


def test_walk_1962_correction(aut):
    """AUT-4, AUT-5: a cadre's relative approved promptly, leaves with property; family follows later."""
    psb = aut.user("countypsb")
    aut.exercise.regime = "1962_correction"
    aut.exercise.save(update_fields=["regime"])
    case = letter(aut, regime="", relative_of_dprk_cadre=True)
    case = svc.authorization_receive_application(case=case, actor=psb, commune_introduction=True)
    case = case_transition(case=case, transition="approve_expedited", actor=psb)
    settler = _settle_and_leave(aut, case, taking_property=True)
    from tests.cases.authorization_helpers import applicant

    child = svc.authorization_family_follow(settled_case=settler, applicant=applicant(aut), actor=psb,
                                            commune_introduction=True)
    child = svc.authorization_record_examination(case=child, actor=psb, political_issue=False, pending_case=False)
    _settle_and_leave(aut, svc.authorization_approve(case=child, actor=psb), taking_property=True)


def test_walk_1963_august(aut):
    """AUT-6, AUT-7, AUT-11: a KPA officer's mother expedited; a visitor cleared and back in time."""
    psb, station = aut.user("countypsb"), aut.user("borderstation")
    kpa = letter(aut, regime="1963_august", kpa_officer_family=True)
    kpa = svc.authorization_receive_application(case=kpa, actor=psb, commune_introduction=True)
    _settle_and_leave(aut, case_transition(case=kpa, transition="approve_expedited", actor=psb),
                      taking_property=True)
    visit = to_decision(aut, letter(aut, purpose=VISIT, regime="1963_august"))
    visit = svc.authorization_approve(case=visit, actor=psb)
    visit = svc.authorization_clear_visit(case=visit, actor=psb,
                                          return_by=aut.exercise.clock.date() + dt.timedelta(days=14))
    visit = svc.authorization_record_departure(case=visit, actor=station, crossing_point="Tumen")
    visit = case_transition(case=visit, transition="record_return", actor=station)
    assert visit.state == S.RETURNED


def test_walk_1970_state_council(aut):
    """AUT-9, AUT-8: the province approves a Korean national's return; the commune settles; departure."""
    psb = aut.user("countypsb")
    case = to_decision(aut, letter(aut, purpose=RETURN_HOME, regime="1970_state_council"))
    case = case_transition(case=case, transition="refer_to_province", actor=psb)
    case = svc.authorization_approve(case=case, actor=aut.user("province"))
    _settle_and_leave(aut, case, taking_property=True)


@pytest.mark.parametrize("regime", AUT_REGIMES)
def test_each_regime_walks_a_settler_from_letter_to_departure(aut, regime):
    """AUT-1, AUT-8 under every regime: letter, application, examination, decision, settlement, departure."""
    psb = aut.user("countypsb")
    case = to_decision(aut, letter(aut, purpose=SETTLE, regime=regime))
    case = svc.authorization_approve(case=case, actor=psb)
    policy = get_regime(regime).param("authorization")
    final = _settle_and_leave(aut, case, taking_property=policy.property_may_travel)
    kinds = list(final.events.values_list("transition", flat=True))
    assert kinds == ["", "receive_application", "record_examination", "approve", "settle_accounts",
                     "record_departure"]


def test_a_step_cites_each_lines_rules_only_where_they_are_in_force(aut):
    """AUT-2/AUT-6, AUT-3/AUT-4: in 1959 an approval under the 1957 line cites AUT-2 alone (it also cited D8's AUT-6,
    of August 1963); under the August 1963 instructions AUT-2 and AUT-6. A waiting limit under the 1962 correction
    cites its own rules, not the 1961 practice (AUT-3) that D7 ended; an overdue flag before 1961, when neither the
    1961 practice nor the correction is in force, cites both, as an assumption."""
    from cases.engine import meta_of

    psb = aut.user("countypsb")
    lenient = svc.authorization_approve(case=to_decision(aut, letter(aut, regime="1957_lenient")), actor=psb)
    assert lenient.events.get(transition="approve").rules == "AUT-2"
    august = svc.authorization_approve(case=to_decision(aut, letter(aut, regime="1963_august")), actor=psb)
    assert august.events.get(transition="approve").rules == "AUT-2,AUT-6"

    corrected = svc.authorization_receive_application(case=letter(aut, regime="1962_correction"), actor=psb,
                                                      commune_introduction=True, relative_letter=True,
                                                      political_clearance=True)
    assert Deadline.objects.filter(case=corrected, kind=DeadlineKind.ESCALATION).latest("id").rules == "AUT-4,AUT-5"
    strict = svc.authorization_receive_application(case=letter(aut, regime="1961_strict"), actor=psb,
                                                   commune_introduction=True)
    assert Deadline.objects.filter(case=strict, kind=DeadlineKind.ESCALATION).latest("id").rules == "AUT-3"

    early = to_decision(aut, letter(aut, regime="1957_lenient"))
    flag = next(t for t in early.get_all_state_transitions() if t.name == "escalate_decision")
    assert meta_of(flag).rules_for(early) == ("AUT-3", "AUT-4")
    assert meta_of(flag).rules_for(to_decision(aut, letter(aut, regime="1962_correction"))) == ("AUT-4",)
