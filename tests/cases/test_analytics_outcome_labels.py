"""Outcomes a teacher can read truthfully for every procedure (the permits-1963 class walk).

A permit holder reported as not returned, or a crosser handed back, is not "approved": each procedure names
its own outcome buckets, the pages word a single procedure's figures with them and exercise-wide totals
over mixed procedures name each procedure's words, and the funnels say what happened.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.analytics import dashboard as dash
from cases.analytics import figures
from cases.analytics import metrics as m
from cases.analytics.log import load_log
from cases.analytics.outcomes import classify, classify_words, outcome_spec
from cases.procedures import APPROVED, OUTCOMES, REFUSED, WITHDRAWN, all_procedures
from tests.cases.analytics_logs import LogBuilder
from tests.permits.conftest import Helong, bj


def big_numbers(html: str) -> str:
    """Return the text of the page's big numbers (tags stripped)."""
    block = html.split('id="bd-big-numbers"', 1)[1].split('<div class="bd-section', 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))


# --- The permits class walk, through the services and the pages ---------------------------------------


@pytest.fixture
def permits_class(db: None) -> tuple[Helong, Client]:
    """One holder back on time, one reported as not returned (PER-12), in the Helong County desk."""
    from cases.services.steps import case_transition
    from permits.services.crossing import crossing_record

    helong = Helong()

    def cross(case, direction: str) -> None:
        crossing_record(exercise=helong.exercise, person=case.applicant, point=helong.point("Nanping - Musan"),
                        direction=direction, actor=helong.user("defence"), permit=case)

    back = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    cross(back, "exit")
    gone = helong.new_application(helong.exercise.people.create(name="Ri Sang-gon (test)", sex="M",
                                                                nationality="cn_korean", birth_year=1930))
    helong.add_resident_documents(gone)
    gone = helong.issue_pass(name="Ri Sang-gon (test)")
    cross(gone, "exit")
    helong.set_clock(bj(1964, 9, 20, 10, 0))
    cross(back, "return")
    helong.set_clock(bj(1964, 10, 11, 0, 0))
    gone = case_transition(case=helong.refresh(gone), transition="set_overdue", actor=None, system=True)
    gone = case_transition(case=gone, transition="follow_up_not_returned", actor=helong.user("helongpsb"),
                           data={"reason": "Still in Musan with his sister."})
    assert (helong.refresh(back).state, gone.state) == ("returned", "not_returned")
    client = Client()
    client.force_login(helong.teacher)
    return helong, client


def test_a_holder_reported_not_returned_is_not_counted_approved_or_back(permits_class):
    helong, client = permits_class
    html = client.get(reverse("admin:cases_exercise_debrief", args=[helong.exercise.pk])).content.decode()
    numbers = big_numbers(html)
    assert "approved" not in numbers
    assert "1 closed as holder back, on time or late (50% of closed cases)" in numbers
    assert "1 closed as refused or holder not returned (50% of closed cases)" in numbers
    board = client.get(reverse("admin:cases_exercise_dashboard", args=[helong.exercise.pk])).content.decode()
    numbers = big_numbers(board)
    assert "approved" not in numbers
    assert "50% closed as holder back, on time or late (1 of 2 closed cases)" in numbers
    # The funnel says what happened to each holder; the cumulative flow's closed bands say it too.
    funnel = board.split("Funnel: Border crossing permit case", 1)[1]
    assert "Back on time (PER-12): 1 (" in funnel and "Not returned (PER-12): 1 (" in funnel
    assert "Closed: approved" not in board and "Closed: holder back, on time or late (1)" in board
    printed = client.get(reverse("admin:cases_exercise_debrief_print", args=[helong.exercise.pk])).content.decode()
    assert "Not returned (PER-12): 1 (" in printed and "approved" not in big_numbers(printed)


def test_the_permit_packs_question_counts_the_holders_back(permits_class):
    helong, _client = permits_class
    values = dash.question_values(load_log(helong.exercise), {})
    assert values["approved_of_closed"] == "1 closed as holder back, on time or late (50% of closed cases)"


# --- Crossers ------------------------------------------------------------------------------------------


def crosser_log():
    b = LogBuilder()
    b.case("R1", "crosser", [(0, "reported", "S"), (1, "identified", "S"), (2, "checked", "P"),
                             (3, "awaiting_handover", "P"), (4, "handed_over", "B"), (5, "returned", "I")],
           closed=True)
    b.case("R2", "crosser", [(0, "reported", "S")], next_office="S")
    return b.log(now=6)


def test_a_crosser_handed_back_is_not_approved():
    log = crosser_log()
    shares = figures.closed_shares(log)
    assert shares[APPROVED].text == "1 closed as returned or sent home (100% of closed cases)"
    assert "approved" not in shares[APPROVED].label
    board = dash.dashboard_data(None, log)  # type: ignore[arg-type]
    _label, stages, _chart = board["funnels"][0]
    funnel = dict(stages)
    assert funnel["Crossings reported"] == 2
    assert funnel["Handed over at an agreed point (RET-7)"] == 1
    assert funnel["Returned to his side (RET-7, RET-9)"] == 1
    assert not any("approved" in s.lower() for s in funnel)
    assert "Closed: approved" not in board["cfd_chart"]
    assert "Closed: returned or sent home (1)" in board["cfd_chart"]


@pytest.mark.django_db
def test_a_crosser_handed_back_in_the_database_is_not_approved(desk):
    from cases.models.crosser import CrossingDirection, CrossingSource
    from cases.services.crosser import (
        crosser_check,
        crosser_confirm_return,
        crosser_hand_over,
        crosser_record_identity,
        crosser_report,
    )
    from tests.cases.returns_support import Ret

    ret = Ret(desk)
    case = crosser_report(exercise=ret.exercise, person=ret.korean(), direction=CrossingDirection.INBOUND,
                          source=CrossingSource.INTERCEPTION, actor=ret.user_for("border_station"))
    case = crosser_record_identity(case=case, actor=ret.user_for("border_station"), identity_details="Ri, Musan",
                                   circumstances="Crossed the river at night", crossing_cause="livelihood")
    case = crosser_check(case=case, actor=ret.user_for("county_psb"), home_case=False, crime_after_crossing=False)
    case = ret.act(case, "prepare_return")
    case = crosser_hand_over(case=case, actor=ret.user_for("border_representative"), handover_point="tumen_namyang")
    case = crosser_confirm_return(case=case, actor=ret.user_for("dprk_inspection"))
    assert case.state == "returned"
    log = load_log(ret.exercise)
    assert m.outcomes(log, "crosser").counts[APPROVED] == 1
    label = figures.closed_shares(log)[APPROVED].label
    assert "returned or sent home (illegal-crosser cases)" in label or label == "closed as returned or sent home"


# --- Mixed procedures: exercise-wide totals stay true -----------------------------------------------------


def mixed_log():
    b = LogBuilder()
    b.case("M1", "marriage", [(0, "filed", "W"), (3, "registered", "W")], closed=True)
    b.case("P1", "permit", [(0, "filed", "S"), (1, "issued", "P"), (2, "abroad", "D"), (4, "returned", "D")],
           closed=True)
    b.case("P2", "permit", [(0, "filed", "S"), (1, "issued", "P"), (2, "abroad", "D"), (30, "overdue", "P"),
                            (31, "not_returned", "P")], closed=True)
    b.case("R1", "crosser", [(0, "reported", "S"), (5, "returned", "I")], closed=True)
    b.case("R2", "crosser", [(2, "reported", "S")], next_office="S")
    return b.log(now=40)


def test_exercise_wide_totals_over_mixed_procedures_name_each_procedures_words():
    log = mixed_log()
    shares = figures.closed_shares(log)
    assert shares[APPROVED].n == 3 and shares[APPROVED].of == 4
    # Procedures in the pages' order: most cases first, ties by name.
    assert shares[APPROVED].label == ("closed as returned or sent home (illegal-crosser cases); holder back, on "
                                      "time or late (border crossing permit cases); approved (marriage cases)")
    assert shares[REFUSED].label == "closed as refused or holder not returned (border crossing permit cases)"
    # Each procedure's own figures, worded with its own buckets.
    per = dict((k, {o: s.text for o, s in v.items()}) for k, v in figures.closed_shares_by_kind(log).items())
    assert per["permit"][APPROVED] == "1 closed as holder back, on time or late (50% of closed cases)"
    assert per["permit"][REFUSED] == "1 closed as refused or holder not returned (50% of closed cases)"
    debrief = dash.debrief_data(None, mixed_log())  # type: ignore[arg-type]
    assert [label for label, _shares in debrief["closed_by_kind"]] == [
        "Illegal-crosser case", "Border crossing permit case", "Marriage case"]


def test_the_worded_pages_give_the_full_computations_numbers(monkeypatch):
    from tests.cases.test_analytics_fast import assert_same_as_full_computation

    assert_same_as_full_computation(mixed_log(), monkeypatch)
    assert_same_as_full_computation(crosser_log(), monkeypatch)


# --- Every registered procedure ----------------------------------------------------------------------


def test_every_procedure_classifies_every_closing_state_by_its_registration():
    """No procedure is left to the word classifier, and every closing state is named in one bucket."""
    for proc in all_procedures():
        assert proc.outcomes is not None, proc.kind
        spec = outcome_spec(proc.kind)
        named = [s for o in OUTCOMES for s in spec.bucket(o)]
        assert len(named) == len(set(named)), proc.kind
        assert proc.terminal <= set(named), (proc.kind, sorted(proc.terminal - set(named)))


@pytest.mark.parametrize(("kind", "state", "outcome"), [
    ("permit", "not_returned", REFUSED), ("permit", "returned_late", APPROVED), ("permit", "expired", WITHDRAWN),
    ("meeting", "declined", REFUSED), ("reception", "held", REFUSED), ("embassy", "returning", WITHDRAWN),
    ("crosser", "settled_in_dprk", WITHDRAWN), ("crosser", "tried_where_caught", REFUSED),
])
def test_states_the_words_misread_are_classified_by_the_registration(kind, state, outcome):
    assert classify(kind, state) == outcome


def test_the_word_classifier_is_unchanged_for_unregistered_states():
    assert classify_words("letter_unused") == WITHDRAWN and classify_words("refused") == REFUSED


# --- The closing rate -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("per_week", "shown"), [
    (0.0, ("0", "closed per simulated week")),
    (1 / 27, ("0.16", "closed per simulated month")),
    (0.004, ("0.21", "closed per simulated year")),
    (0.6, ("0.6", "closed per simulated week")),
    (3.25, ("3.2", "closed per simulated week")),
    (42.0, ("42", "closed per simulated week")),
])
def test_a_non_zero_closing_rate_is_never_printed_as_zero(per_week, shown):
    rate = figures.closing_rate(per_week)
    assert (rate.value, rate.unit) == shown


def test_the_dashboard_shows_one_closing_in_a_long_run_as_a_non_zero_rate():
    b = LogBuilder()
    b.case("A", "marriage", [(0, "filed", "W"), (3, "refused", "W")], closed=True)
    b.case("B", "marriage", [(0, "filed", "W")], next_office="W")
    board = dash.dashboard_data(None, b.log(now=7 * 30))  # type: ignore[arg-type]
    assert board["weekly_throughput"] == pytest.approx(1 / 31)
    assert (board["closing_rate"].value, board["closing_rate"].unit) == ("0.14", "closed per simulated month")


def test_the_projector_words_the_closed_cases_as_the_dashboard_does(permits_class):
    """The projector still said "approved (of closed)" and printed the weekly rate to one decimal."""
    helong, client = permits_class
    page = client.get(reverse("classroom:projector", args=[helong.exercise.pk])).content.decode()
    assert "approved (of closed)" not in page
    assert "holder back, on time or late" in page and 'id="pj-rate"' in page
