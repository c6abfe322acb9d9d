"""Metrics on hand-built event logs whose answers were worked out by hand (no clocks, no timing)."""

from __future__ import annotations

import pytest

from cases.analytics import metrics as m
from cases.analytics import outcomes as o
from tests.cases.analytics_logs import LogBuilder, d, five_marriages


def test_percentile_interpolates_like_numpy():
    assert m.percentile([1, 2, 4], 50) == 2
    assert m.percentile([1, 2, 4], 90) == pytest.approx(3.6)
    assert m.percentile([4, 10], 90) == pytest.approx(9.4)
    assert m.percentile([7], 90) == 7
    assert m.percentile([], 50) is None


def test_stays_rebuilt_from_events():
    log = five_marriages()
    stays = {(s.case_id, s.state): s for s in m.stays(log)}
    assert stays[(1, "filed")].length(log.now) == 2
    assert stays[(1, "examination")].length(log.now) == 4
    assert (1, "refused") not in stays  # a closed case does not wait in its closing state
    assert stays[(2, "china_approved")].end is None and stays[(2, "china_approved")].length(log.now) == 5


def test_work_in_progress_per_office_and_state():
    log = five_marriages()
    assert m.wip_by_office(log) == [("W", 3)]
    assert m.wip_by_state(log) == [("marriage", "filed", 2), ("marriage", "china_approved", 1)]


def test_time_in_step_median_and_90th_percentile_in_days():
    rows = {(t.kind, t.state): t for t in m.time_in_step(five_marriages())}
    filed = rows[("marriage", "filed")]
    assert (filed.done, filed.median, filed.waiting, filed.oldest_wait) == (3, 2, 2, 10)
    assert filed.p90 == pytest.approx(3.6)
    exam = rows[("marriage", "examination")]
    assert (exam.done, exam.median, exam.waiting) == (2, 7, 0)
    assert exam.p90 == pytest.approx(9.4)
    assert rows[("marriage", "china_approved")].done == 0 and rows[("marriage", "china_approved")].waiting == 1


def test_throughput_per_simulated_week():
    weeks = m.throughput_by_week(five_marriages())
    assert [(w.start, w.filed, w.closed) for w in weeks] == [(d(0), 3, 1), (d(7), 2, 1), (d(14), 0, 0)]
    assert m.mean_weekly_throughput(five_marriages()) == pytest.approx(2 / 3)


def test_approval_and_refusal_rates_use_the_outcome_registry():
    out = m.outcomes(five_marriages())
    assert out.closed == 2
    assert out.counts == {"approved": 0, "refused": 1, "withdrawn": 1}
    assert out.rate("refused") == 0.5 and out.rate("approved") == 0


def test_oldest_waiting_cases_first():
    rows = m.oldest_waiting(five_marriages(), limit=2)
    assert [(c.reference, w) for c, w in rows] == [("C", 10), ("E", 8)]


def test_funnel_of_the_marriage_procedure():
    assert m.funnel(five_marriages(), "marriage") == [
        ("Applications filed", 5),
        ("Examined or referred up (MAR-0, MAR-3)", 2),
        ("Approved in China (MAR-3 / MAR-0)", 1),
        ("Closed: married or settled", 0),
        ("Closed: refused or repatriated", 1),
        ("Closed: withdrawn (MAR-2)", 1),
    ]


def test_authorization_funnel_counts_states_reached_as_in_d6():
    """AUT-1, AUT-3: letters received -> applications -> approved / not approved (D6's funnel)."""
    b = LogBuilder()
    b.case("L1", "authorization", [(0, "letter_issued", "S"), (3, "letter_unused", "P")], closed=True)
    b.case("L2", "authorization", [(0, "letter_issued", "S"), (2, "examination", "P"), (9, "decision", "P"),
                                   (10, "approved", "P"), (12, "settled", "C")], next_office="B")
    b.case("L3", "authorization", [(1, "letter_issued", "S"), (2, "examination", "P"), (9, "decision", "P"),
                                   (11, "refused", "P")], closed=True)
    b.case("L4", "authorization", [(1, "letter_issued", "S"), (4, "examination", "P")], next_office="P")
    log = b.log(now=14)
    assert m.funnel(log, "authorization") == [
        ("Letters received (AUT-1)", 4), ("Applications (AUT-1)", 3), ("Approved", 1), ("Not approved", 1)]
    assert m.outcomes(log).counts == {"approved": 0, "refused": 1, "withdrawn": 1}


def test_cumulative_flow_stacks_to_the_cases_filed():
    log = five_marriages()
    cfd = m.cumulative_flow(log, points=11)  # every 2 days
    assert cfd.times[0] == d(0) and cfd.times[-1] == d(20)
    assert cfd.total(0) == 1  # only A filed at day 0
    assert cfd.total(10) == 5
    assert cfd.counts["refused"][-1] == 1 and cfd.counts["withdrawn"][-1] == 1
    assert cfd.counts["marriage: filed"][-1] == 2
    assert cfd.counts["marriage: china_approved"][-1] == 1
    # day 6: A closes at 6 (refused), B in examination, D in dissuasion
    assert cfd.counts["refused"][3] == 1 and cfd.counts["marriage: examination"][3] == 1


def test_littles_law_with_the_logs_own_numbers():
    little = m.littles_law(five_marriages())
    # Time in system: A 6, B 19, C 10, D 5, E 8 = 48 days; 5 cases over 20 days.
    assert little.arrivals == 5 and little.window_days == 20
    assert pytest.approx(9.6) == little.W
    assert little.lam == pytest.approx(0.25)
    assert pytest.approx(2.4) == little.L  # measured as the time average of the open cases
    assert pytest.approx(little.lam * little.W) == little.L
    assert "2.4 cases" in little.sentence() and "0.25 new cases a day" in little.sentence()


def test_littles_law_says_it_needs_time_at_the_start_instead_of_printing_zeros():
    """At a pack's start (it printed "0.0 cases ... (28 cases over 0 simulated days)") and before any filing."""
    from cases.analytics.results import Little

    start = Little(0.0, 28, 0.0, 0.0, 0.0).sentence()
    assert "28 cases were filed less than a simulated day ago" in start and "over 0" not in start
    assert "1 case was filed" in Little(0.4, 1, 0.0, 0.0, 0.0).sentence()
    assert Little(0.0, 0, 0.0, 0.0, 0.0).sentence().startswith("No case has been filed yet")
    assert "(3 cases over 2 simulated days)" in Little(2.0, 3, 1.0, 1.5, 0.7).sentence()


def test_bottleneck_names_office_state_wait_and_rules():
    b = m.bottleneck(five_marriages())
    assert (b.office, b.wip, b.kind, b.state, b.state_wip, b.median_wait) == ("W", 3, "marriage", "filed", 2, 2)
    assert b.rules == ("MAR-2", "MAR-3")
    longest = m.longest_median_wait(five_marriages())
    assert (longest.state, longest.median) == ("examination", 7)


def test_wait_by_office():
    # Finished stays 2, 4, 4, 10, 1, 4; waiting B 5, C 10, E 8 -> all together 1, 2, 4, 4, 4, 5, 8, 10, 10.
    assert m.wait_by_office(five_marriages()) == [m.OfficeWait("W", done=6, median=4, waiting=3, waiting_median=8,
                                                               oldest_wait=10, median_all=4)]


def test_empty_log_gives_zeroes_not_errors():
    log = LogBuilder().log(now=0)
    assert m.wip_by_office(log) == [] and m.bottleneck(log) is None
    assert m.littles_law(log).arrivals == 0
    assert m.outcomes(log).rate("approved") is None


def test_closing_states_classified_by_their_words():
    assert o.classify_words("letter_unused") == o.WITHDRAWN
    assert o.classify_words("withdrawn") == o.WITHDRAWN
    assert o.classify_words("x", "Not approved by the county") == o.REFUSED
    assert o.classify_words("repatriated") == o.REFUSED
    assert o.classify_words("refused_dprk") == o.REFUSED
    assert o.classify_words("registered") == o.APPROVED


@pytest.mark.django_db
def test_default_spec_reads_a_procedures_terminal_states(monkeypatch):
    import dataclasses

    from cases import procedures

    marriage = procedures.get_procedure("marriage")
    monkeypatch.setitem(procedures._PROCEDURES, "marriage", dataclasses.replace(marriage, outcomes=None))
    spec = o.outcome_spec("marriage")
    assert spec.refused == {"refused", "refused_dprk", "repatriated"}
    assert spec.withdrawn == {"withdrawn"}
    assert "registered" in spec.approved and "settled_in_dprk" in spec.approved
    assert next(s.label for s in o.funnel_stages("marriage")) == "Filed"


def test_a_procedure_registers_its_own_outcomes(monkeypatch):
    import dataclasses

    from cases import procedures

    marriage = procedures.get_procedure("marriage")
    monkeypatch.setitem(procedures._PROCEDURES, "marriage",
                        dataclasses.replace(marriage, outcomes=o.OutcomeSpec(refused=frozenset({"registered"}))))
    assert o.classify("marriage", "registered") == o.REFUSED


def test_case_days_by_office_says_where_cases_waited():
    b = LogBuilder()
    b.case("A", "marriage", [(0, "filed", "W"), (2, "examination", "W"), (6, "refused", "X")], closed=True)
    b.case("B", "marriage", [(1, "filed", "W")], next_office="X")
    # A: filed 0-2 ended by W (2 days), examination 2-6 ended by X (4); B waits for X 1-10 (9 days).
    assert m.case_days_by_office(b.log(now=10)) == [("X", 13), ("W", 2)]
