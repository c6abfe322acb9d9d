"""What the regime in force means for each procedure, and which rules a letter's steps cite on their dates.

A regime is one line of policy across the procedures (cases/regimes): on 1 Nov 1960 the October 1958 Interior
notification (D2) is the regime in force, but for authorization letters it carries D1's 1957 lenient line (AUT-2).
A letters class must read the letters' line on the console's Regime card and on every AUT case page, a marriage
class the marriages' line; a step must cite only rules its document has in force (AUT-3 belongs to 1961).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cases.classroom.loader import load_pack
from cases.classroom.role_policy import policy_lines
from cases.engine import step_named
from cases.models import AuthorizationCase
from cases.rules.in_force import BEIJING, rule_notes
from cases.services import authorization as svc
from cases.services.steps import case_transition
from tests.cases.authorization_helpers import applicant, aut

__all__ = ["aut"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return get_user_model().objects.create_superuser("teach", "t@example.org", "pw-teach-123")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _console(teacher, exercise) -> str:
    page = _client(teacher).get(reverse("classroom:console", args=[exercise.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    card = html[html.index('id="cr-regime"'):html.index('id="cr-events"')]
    return card[:card.index("<form")]  # what the card says, without the switch's list of every regime


def test_aut_pack_regime_card_and_case_pages_name_the_letters_line(teacher):
    """AUT-2: on 1 Nov 1960 the letters pack's regime card and AUT case pages name D1's 1957 line, not D2's."""
    exercise = load_pack("authorization-1961", name="Lishu", actor=teacher)
    card = _console(teacher, exercise)
    assert "1957 lenient line" in card and "D1 §4" in card
    assert "Marriage approval moves down" not in card
    case = AuthorizationCase.objects.filter(exercise=exercise).first()
    assert case.regime_obj.label == "1957 lenient line" and "D1 §4" in case.regime_obj.citation
    assert case.regime_obj.code == "1958_marriage"  # the same regime: its parameters are unchanged
    page = _client(teacher).get(reverse("admin:cases_authorizationcase_change", args=[case.pk])).content.decode()
    assert "regime: 1957 lenient line (D1 §4" in page
    assert "regime: October 1958 Interior notification" not in page


def test_marriage_pack_regime_card_names_the_referral_not_the_letters(teacher):
    """MAR-0: on 1 Sep 1958 (before D2) the marriage pack's card names the referral, not the letters' line."""
    exercise = load_pack("marriage-1958", name="Class", actor=teacher)
    card = _console(teacher, exercise)
    assert "Central Committee" in card and "MAR-0" in card
    assert "Approve applications to go to the DPRK leniently" not in card


def test_aut_role_card_dates_the_1957_line_by_d1(teacher):
    """AUT-2: the role card's letters line is applied from D1's date, 17 Dec 1957 (not the period's start)."""
    exercise = load_pack("authorization-1961", name="Lishu", actor=teacher)
    line = policy_lines(exercise, {"authorization"})[0]
    assert line.rules == ("AUT-2",) and line.since == dt.date(1957, 12, 17)
    page = _client(teacher).get(reverse("classroom:role_cards", args=[exercise.pk])).content.decode()
    assert "AUT-2; applied from 17 Dec 1957" in page and "applied from 1 Jan 1955" not in page


def _letter_on(desk, day: dt.date, regime: str) -> AuthorizationCase:
    exercise = desk.exercise
    exercise.clock = dt.datetime.combine(day, dt.time(9), tzinfo=BEIJING)
    exercise.regime = regime
    exercise.save(update_fields=["clock", "regime"])
    return svc.authorization_issue_letter(exercise=exercise, applicant=applicant(desk), letter_number="KP-60-X1",
                                          actor=desk.user("dprksafety"), regime=regime)


def test_aut_papers_in_1960_cite_the_line_in_force_not_the_1961_practice(aut):
    """AUT-2 / AUT-3: in Nov 1960 asking for a missing paper cites D1's line and says the paper is an assumption;
    AUT-3 (the 1961 practice, D6) is neither cited nor flagged as applied early."""
    case = _letter_on(aut, dt.date(1960, 11, 1), "1958_marriage")
    psb = aut.user("countypsb")
    case = svc.authorization_receive_application(case=case, actor=psb, commune_introduction=False)
    meta = step_named(AuthorizationCase, "request_documents")
    assert meta.rules_for(case) == ("AUT-2",)
    assert not [n for n in rule_notes(case, meta.rules_for(case)) if "not yet in force" in n]
    assert "assumption" in meta.assumption and "D9 §4" in meta.assumption
    case = case_transition(case=case, transition="request_documents", actor=psb,
                           data={"reason": "No introduction letter from the commune."})
    event = case.events.order_by("-pk").first()
    assert "AUT-3" not in event.rules and "AUT-2" in event.rules
    meta = step_named(AuthorizationCase, "supply_documents")
    assert meta.rules_for(case) == ("AUT-2",)


def test_aut_examination_in_1961_cites_the_strict_practice(aut):
    """AUT-3: from 1 Jan 1961 the examination cites the 1961 practice (D6) beside D1's grounds; in 1960 it does not."""
    meta = step_named(AuthorizationCase, "record_examination")
    case_1960 = _letter_on(aut, dt.date(1960, 11, 1), "1958_marriage")
    assert meta.rules_for(case_1960) == ("AUT-2",)
    case_1961 = _letter_on(aut, dt.date(1961, 2, 1), "1961_strict")
    assert "AUT-3" in meta.rules_for(case_1961)
    assert step_named(AuthorizationCase, "request_documents").rules_for(case_1961) == ("AUT-3", "AUT-2")
