"""Every regime, on its own date, can take each of its authorization cases to every outcome its document allows
(AUT-2 ... AUT-10), and to none it forbids. Read against the documents: D1 §4 refuses only for a political issue
or a pending case; the 1961 practice (D6) refused on other grounds too; D7 is lenient; D8 §2 approves every
Korean national's return; D11 §7 has the province approve returns unless the applicant is a serious political
suspect, and §8 refuses capitalist destinations and reports the insistent."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.choices import Nationality
from cases.errors import ApplicationError
from cases.models import Exercise
from cases.models.authorization import RETURN_HOME, SETTLE, Destination
from cases.regimes import REGIMES
from cases.services import authorization as svc
from cases.services.steps import case_transition
from tests.cases.authorization_helpers import applicant, letter, to_decision
from tests.desks import authorization_desk

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def on_date(historical):
    """Return a function that puts the desk on a regime's own date under that regime (a historical run)."""
    desk = historical
    authorization_desk(desk.exercise, desk.suffix)

    def put(regime: str):
        day = REGIMES[regime].effective
        Exercise.objects.filter(pk=desk.exercise.pk).update(
            clock=dt.datetime.combine(day, dt.time(9, 0), tzinfo=BEIJING), regime=regime)
        desk.exercise.refresh_from_db()
        assert desk.exercise.counterfactual_label == ""
        return desk

    return put


def decide(desk, regime: str, purpose: str, *, refuse: bool, **findings):
    case = to_decision(desk, letter(desk, purpose=purpose, regime=regime), **findings)
    psb = desk.user("countypsb")
    if refuse:
        return svc.authorization_refuse(case=case, actor=psb, reason="Refused at examination")
    return svc.authorization_approve(case=case, actor=psb)


@pytest.mark.parametrize("regime", ["1957_lenient", "1962_correction", "1963_august"])
def test_lenient_lines_refuse_a_settler_only_on_the_aut2_grounds(on_date, regime):
    """AUT-2/AUT-4/AUT-6: approved without grounds; refused for a political issue; not refused without grounds."""
    desk = on_date(regime)
    assert decide(desk, regime, SETTLE, refuse=False).state == "approved"
    assert decide(desk, regime, SETTLE, refuse=True, political_issue=True).state == "refused"
    with pytest.raises(ApplicationError, match="AUT-2"):
        decide(desk, regime, SETTLE, refuse=True)


def test_the_1961_practice_refuses_without_grounds_and_still_approves(on_date):
    """AUT-3 (D6, describing 1961): too strict; refusals without AUT-2's grounds happen, approvals too."""
    desk = on_date("1961_strict")
    assert decide(desk, "1961_strict", SETTLE, refuse=True).state == "refused"
    assert decide(desk, "1961_strict", SETTLE, refuse=False).state == "approved"


def test_august_1963_approves_every_return_and_refuses_none(on_date):
    """AUT-6 (D8 §2): each Korean national's return is approved, whatever the examination found."""
    desk = on_date("1963_august")
    for findings in ({}, {"political_issue": True}, {"pending_case": True}):
        assert decide(desk, "1963_august", RETURN_HOME, refuse=False, **findings).state == "approved"
        with pytest.raises(ApplicationError, match="AUT-6"):
            decide(desk, "1963_august", RETURN_HOME, refuse=True, **findings)


def test_1970_the_province_approves_returns_and_refuses_only_serious_suspects(on_date):
    """AUT-9 (D11 §7): the provincial revolutionary committee decides; approves unless a serious political suspect."""
    desk = on_date("1970_state_council")
    psb, province = desk.user("countypsb"), desk.user("province")
    for suspect, outcome in ((False, "approved"), (True, "refused")):
        case = to_decision(desk, letter(desk, purpose=RETURN_HOME, regime="1970_state_council"),
                           political_issue=suspect)
        case = case_transition(case=case, transition="refer_to_province", actor=psb)
        if suspect:
            with pytest.raises(ApplicationError):
                svc.authorization_approve(case=case, actor=province)
            case = svc.authorization_refuse(case=case, actor=province, reason="Suspect in a serious political case")
        else:
            with pytest.raises(ApplicationError, match="AUT-9"):
                svc.authorization_refuse(case=case, actor=province, reason="No ground")
            case = svc.authorization_approve(case=case, actor=province)
        assert case.state == outcome


def test_1970_capitalist_destinations_end_refused_or_reported(on_date):
    """AUT-10 (D11 §8): refused; the one who accepts it closes refused, the insistent is reported and instructed."""
    desk = on_date("1970_state_council")
    psb = desk.user("countypsb")
    outcomes = []
    for insists in (False, True):
        case = svc.authorization_apply_abroad(exercise=desk.exercise, destination=Destination.HONG_KONG, actor=psb,
                                              applicant=applicant(desk, Nationality.KOREAN_IN_CHINA))
        case = case_transition(case=case, transition="refuse_destination", actor=psb)
        if insists:
            case = case_transition(case=case, transition="report_insistence", actor=psb, data={"reason": "Insists"})
            case = case_transition(case=case, transition="record_instruction", actor=desk.user("mps"),
                                   data={"instruction": "Educate him; no exit."})
        else:
            case = case_transition(case=case, transition="accept_refusal", actor=psb)
        outcomes.append(case.state)
    assert outcomes == ["refused", "ministries_instructed"]

