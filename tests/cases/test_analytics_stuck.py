"""Time in step, the bottleneck and the debrief's story count the cases still waiting (hand-built logs).

Issue 17: after a year in which four cases waited 316-365 days, the debrief said "median 0.0 simulated
days", because only finished stays were counted. The answers below are worked out in
``tests/cases/analytics_logs.stuck_year``.
"""

from __future__ import annotations

import re

import pytest

from cases.analytics import dashboard as dash
from cases.analytics import metrics as m
from tests.cases.analytics_logs import five_marriages, stuck_year


def test_time_in_step_shows_finished_and_waiting_apart():
    rows = {t.state: t for t in m.time_in_step(stuck_year())}
    centre = rows["centre_review"]
    assert (centre.done, centre.median, centre.p90) == (0, None, None)
    assert (centre.waiting, centre.waiting_median, centre.oldest_wait) == (4, 342.5, 365)
    assert centre.median_all == 342.5 and centre.waiting_days == 1366
    filed = rows["filed"]  # S1-S4, A, R left "filed" on their filing day; N waits one day
    assert (filed.done, filed.median, filed.waiting, filed.waiting_median, filed.oldest_wait) == (6, 0, 1, 1, 1)
    assert filed.median_all == 0


def test_time_in_step_of_the_worked_example_counts_the_waiting_cases():
    rows = {t.state: t for t in m.time_in_step(five_marriages())}
    # "filed": finished 2, 4, 1; waiting C 10, E 8 -> median of 1, 2, 4, 8, 10 = 4
    assert (rows["filed"].waiting_median, rows["filed"].median_all) == (9, 4)
    assert (rows["china_approved"].done, rows["china_approved"].waiting_median, rows["china_approved"].median_all) == (
        0, 5, 5)


def test_the_longest_wait_is_the_step_where_cases_are_stuck():
    longest = m.longest_median_wait(stuck_year())
    assert (longest.state, longest.median_all, longest.waiting) == ("centre_review", 342.5, 4)


def test_waits_per_office_count_the_cases_waiting_for_it():
    rows = {w.office: w for w in m.wait_by_office(stuck_year())}
    centre = rows["Centre"]
    assert (centre.done, centre.median, centre.waiting, centre.waiting_median, centre.oldest_wait) == (
        0, None, 4, 342.5, 365)
    assert m.wait_by_office(stuck_year())[0].office == "Centre"
    # The work unit ended the 0-day "filed" stays of S1-S4, A and R (Civil ended A's examination); N waits
    # 1 day for it.
    assert (rows["W"].done, rows["W"].median, rows["W"].waiting, rows["W"].oldest_wait) == (6, 0, 1, 1)
    assert (rows["Civil"].done, rows["Civil"].waiting) == (1, 0)


def test_the_bottleneck_is_where_cases_wait_longest_not_the_longest_queue():
    log = stuck_year()
    b = m.bottleneck(log)
    assert (b.office, b.wip, b.state, b.state_wip, b.done, b.median_wait) == ("Centre", 4, "centre_review", 4, 0,
                                                                               None)
    assert (b.waiting_median, b.oldest_wait, b.waiting_days) == (342.5, 365, 1366)
    assert b.rules == ("MAR-0", "MAR-4")


def test_five_cases_filed_yesterday_do_not_outweigh_four_stuck_for_a_year():
    from tests.cases.analytics_logs import LogBuilder

    b = LogBuilder()
    for i in range(4):
        b.case(f"S{i}", "marriage", [(0, "filed", "W"), (0, "centre_review", "W")], next_office="Centre")
    for i in range(5):
        b.case(f"N{i}", "marriage", [(364, "filed", "W")], next_office="W")
    neck = m.bottleneck(b.log(now=365))
    assert (neck.office, neck.wip, neck.state) == ("Centre", 4, "centre_review")


def test_every_sentence_of_the_story_is_true_of_the_stuck_cases():
    data = dash.debrief_data(None, stuck_year())  # type: ignore[arg-type]
    story = " ".join(data["story"])
    assert "0.0 simulated days" not in story and "median of 0.0 days" not in story
    assert "The queue grew at Centre: 4 open cases wait for it, 4 of them at" in story
    assert "No case has got through that step yet" in story
    assert "342.5" in story and "365.0" in story  # the median age and the oldest
    longest = next(line for line in data["story"] if line.startswith("The longest time in step"))
    assert "342.5" in longest and "4 still waiting" in longest
    # Each number of days the story quotes is one of the log's true figures.
    quoted = {float(x) for x in re.findall(r"(\d+\.\d) (?:simulated )?days", story)}
    assert quoted <= {342.5, 365.0, 0.0, 1.0}, quoted


def test_the_dashboards_step_table_shows_finished_and_waiting_apart():
    data = dash.dashboard_data(None, stuck_year())  # type: ignore[arg-type]
    first = data["steps"][0]
    assert first["state"] != "centre_review"  # the label, not the code
    assert (first["done"], first["median"], first["waiting"], first["waiting_median"], first["oldest"]) == (
        0, "—", 4, "342.5", "365.0")
    assert first["median_all"] == "342.5"


@pytest.mark.parametrize("log", [five_marriages(), stuck_year()])
def test_story_never_quotes_a_median_of_finished_stays_as_the_whole_wait(log):
    data = dash.debrief_data(None, log)  # type: ignore[arg-type]
    neck = data["bottleneck"]
    line = next(s for s in data["story"] if s.startswith("The queue grew"))
    assert f"{neck.waiting_median:.1f}" in line and f"{neck.oldest_wait:.1f}" in line


def test_the_story_counts_one_case_in_the_singular():
    """One case waiting and one through: "1 open case waits", "it has waited", "1 case got through ... in 10.0"."""
    from tests.cases.analytics_logs import LogBuilder

    b = LogBuilder()
    b.case("S", "marriage", [(0, "filed", "W"), (0, "centre_review", "W")], next_office="Centre")
    b.case("T", "marriage", [(0, "filed", "W"), (5, "centre_review", "W"), (15, "china_approved", "Centre")],
           next_office="W")
    story = " ".join(dash.debrief_data(None, b.log(now=365))["story"])  # type: ignore[arg-type]
    assert "The queue grew at Centre: 1 open case waits for it, 1 of them at" in story, story
    assert "it has waited 365.0 simulated days so far." in story, story
    assert "1 case got through that step, in 10.0 simulated days" in story, story
    assert "1 cases" not in story and "1 steps" not in story, story
