"""The debrief (issue 17): labelled figures, rules in force during the run, the pack's questions with the
class's numbers, and a printable debrief (HTML and PDF) with the debrief page's permissions."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cases.analytics import dashboard as dash
from cases.analytics import figures
from cases.analytics import metrics as m
from cases.classroom.debrief_questions import PLACEHOLDERS, question_problems
from cases.classroom.packs import PackError, parse_pack, scenario_dir
from cases.models import Exercise
from tests.cases.analytics_logs import LogBuilder, stuck_year

# --- One definition per figure, labelled ----------------------------------------------------------


def authorization_log():
    """Two letters approved (one still open, settling), one closed as approved, one refused: 4 filed, 2 closed."""
    b = LogBuilder()
    b.case("L1", "authorization", [(0, "letter_issued", "S"), (2, "examination", "P"), (5, "approved", "P"),
                                   (9, "settled", "C")], closed=True)
    b.case("L2", "authorization", [(0, "letter_issued", "S"), (2, "examination", "P"), (6, "approved", "P")],
           next_office="C")
    b.case("L3", "authorization", [(1, "letter_issued", "S"), (3, "examination", "P"), (7, "refused", "P")],
           closed=True)
    b.case("L4", "authorization", [(1, "letter_issued", "S")], next_office="S")
    return b.log(now=12)


def test_approved_of_closed_and_approved_of_decisions_are_two_labelled_figures():
    log = authorization_log()
    closed = figures.closed_shares(log)
    assert (closed["approved"].n, closed["approved"].of, closed["approved"].basis) == (1, 2, "of closed cases")
    assert closed["approved"].text == "1 closed as approved (50% of closed cases)"
    decisions = figures.decision_shares(log)
    assert (decisions["approved"].n, decisions["approved"].of) == (2, 3)
    assert decisions["approved"].text == "2 approved (reached approval) (67% of decisions)"
    stages = figures.funnel_shares(log, "authorization")
    assert [(s.n, s.of, s.basis) for s in stages] == [(n, 4, "of all cases filed") for n in (4, 3, 2, 1)]


def test_dashboard_and_debrief_show_the_same_labelled_shares():
    log = authorization_log()
    board = dash.dashboard_data(None, log)  # type: ignore[arg-type]
    debrief = dash.debrief_data(None, authorization_log())  # type: ignore[arg-type]
    assert board["closed_shares"] == debrief["closed_shares"] == figures.closed_shares(authorization_log())
    assert board["approval_rate"] == board["closed_shares"]["approved"].rate  # one definition
    # The funnel's shares say their base; the comparison names the reached-approval figure as such.
    svg = board["funnels"][0][2]
    assert "Approved: 2 (50% of all cases filed)" in svg
    rows = {what: ours for what, _h, ours in debrief["comparisons"][0].rows}
    assert rows["Approved (reached approval, open or closed)"] == "2 (67% of decisions)"


# --- Rules in force during the run ----------------------------------------------------------------


def test_a_1961_run_lists_no_1963_or_1970_rule():
    """AUT-1 (in force), AUT-6 (8 Aug 1963), AUT-10 (19 Aug 1970): only AUT-1 is listed for a 1961 run."""
    b = LogBuilder()  # the builder's log starts on 1 Jan 1961
    for i in range(3):
        b.case(f"L{i}", "authorization", [(i, "letter_issued", "S"), (i + 1, "examination", "P")],
               next_office="P", next_rules="AUT-1,AUT-6,AUT-10")
    data = dash.debrief_data(None, b.log(now=200))  # type: ignore[arg-type]
    assert [r.id for r in data["rules"]] == ["AUT-1"]
    assert data["rules_not_in_force"] == ["AUT-6", "AUT-10"]


def test_a_drained_run_cites_only_the_slowest_steps_rules_in_force():
    b = LogBuilder()
    b.case("A", "marriage", [(0, "filed", "W"), (30, "centre_review", "W"), (90, "registered", "Centre")],
           closed=True)
    data = dash.debrief_data(None, b.log(now=100))  # type: ignore[arg-type]
    assert data["bottleneck"] is None
    assert {r.id for r in data["rules"]} <= {"MAR-0", "MAR-4"} and data["rules"]


def test_a_counterfactual_run_is_labelled_and_lists_what_it_applied():
    """A 1961 run under the August 1963 instructions (counterfactual): rules are read as on 8 Aug 1963."""
    b = LogBuilder()
    b.case("L1", "authorization", [(0, "letter_issued", "S"), (3, "examination", "P")], next_office="P",
           next_rules="AUT-3,AUT-6")
    b.events[-1] = dataclasses.replace(b.events[-1], rules="AUT-1,AUT-6")
    log = b.log(now=40)
    exercise = Exercise(name="what-if", clock=log.now, regime="1963_august", counterfactual=True)
    data = dash.debrief_data(exercise, log)
    assert data["counterfactual"] is True
    assert [r.id for r in data["rules"]] == ["AUT-6"]  # AUT-3 ended on 24 Mar 1962, before the rules' date
    assert [(r.id, dated) for r, dated in data["applied_rules"]] == [("AUT-1", True), ("AUT-6", True)]
    historical = dash.debrief_data(None, log)  # type: ignore[arg-type]
    assert [r.id for r in historical["rules"]] == ["AUT-3"]
    assert [(r.id, dated) for r, dated in historical["applied_rules"]] == [("AUT-1", True), ("AUT-6", False)]


# --- The pack's questions, with the class's numbers --------------------------------------------------


def test_every_placeholder_has_a_value_and_the_values_are_the_pages_figures():
    from cases.analytics.questions import question_values

    log = stuck_year()
    values = question_values(log, {"bottleneck_step": "“With the Central Committee”", "longest_step": "X"})
    assert set(values) == set(PLACEHOLDERS)
    assert values["approved_of_closed"] == figures.closed_shares(log)["approved"].text
    assert values["bottleneck_office"] == m.bottleneck(log).office == "Centre"
    assert values["bottleneck_waiting"] == (
        "4 cases, waiting a median of 342.5 simulated days so far (the oldest 365.0 simulated days)")
    assert values["filed"] == "7" and values["open"] == "5" and values["closed"] == "2"


def test_a_placeholder_typo_is_a_pack_error_with_its_line():
    path = scenario_dir() / "marriage-1958.yaml"
    text = path.read_text()
    assert parse_pack(path, text)
    bad = text.replace("{approved_of_closed}", "{aproved_of_closed}", 1)
    with pytest.raises(PackError) as err:
        parse_pack(path, bad)
    problem = next(p for p in err.value.problems if "aproved_of_closed" in p.message)
    typo_line = next(i for i, line in enumerate(bad.splitlines(), 1) if "aproved_of_closed" in line)
    assert problem.line == typo_line - 1  # the line of its "text: >", where the question starts
    assert problem.field == "debrief[1].text" and "unknown placeholder {aproved_of_closed}" in problem.message
    assert question_problems("{filed:>5}") and question_problems("{filed") and not question_problems("{{x}} {filed}")


def test_every_shipped_packs_questions_parse():
    for path in sorted(scenario_dir().glob("*.yaml")):
        pack = parse_pack(path)
        for q in pack.data.get("debrief", []):
            assert question_problems(q["text"]) == [], (path.name, q["text"])


@pytest.fixture
def marriage_class(db):
    from django.contrib.auth import get_user_model

    from cases.classroom.loader import load_pack
    from cases.classroom.timekeeping import fast_forward

    teacher = get_user_model().objects.create_user("teach", password="pw-teach-123", is_staff=True)
    exercise = load_pack("marriage-1958", name="Debrief class", actor=teacher)
    fast_forward(exercise=exercise, actor=teacher, days=200)
    exercise.refresh_from_db()
    client = Client()
    client.force_login(teacher)
    return exercise, client


def test_the_debrief_page_shows_the_packs_questions_with_the_numbers(marriage_class):
    exercise, client = marriage_class
    html = client.get(reverse("admin:cases_exercise_debrief", args=[exercise.pk])).content.decode()
    assert 'id="bd-questions"' in html
    section = html.split('id="bd-questions"', 1)[1].split("</div>", 1)[0]
    data = dash.debrief_data(exercise)
    approved = data["closed_shares"]["approved"].text
    assert approved in section.replace("&#x27;", "'")
    assert "{" not in section and "MAR-0; D2 §4" in section
    assert "How many steps and offices" in section


# --- The printable debrief ---------------------------------------------------------------------


def test_the_print_view_is_a4_without_admin_chrome_with_the_same_charts(marriage_class):
    exercise, client = marriage_class
    page = client.get(reverse("admin:cases_exercise_debrief_print", args=[exercise.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "size: A4" in html and 'id="header"' not in html and "breadcrumbs" not in html
    assert 'class="pygal-chart bd-chart"' in html
    assert dash.dashboard_page(exercise)["cfd_chart"] in html  # the dashboard's own server-side SVG
    assert "<script" not in html
    assert 'id="bd-story"' in html and 'id="bd-steps"' in html and 'id="bd-questions"' in html
    debrief = client.get(reverse("admin:cases_exercise_debrief", args=[exercise.pk])).content.decode()
    assert reverse("admin:cases_exercise_debrief_print", args=[exercise.pk]) in debrief
    assert reverse("admin:cases_exercise_debrief_pdf", args=[exercise.pk]) in debrief


def test_the_pdf_holds_the_story_the_tables_and_the_charts(marriage_class):
    import pypdf

    exercise, client = marriage_class
    response = client.get(reverse("admin:cases_exercise_debrief_pdf", args=[exercise.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(p.extract_text() for p in reader.pages)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert "Where the queue grew" in text and "Time in step" in text and "Questions for the class" in text
    assert "Cumulative flow" in text and "Closed: approved" in text  # the chart's legend, drawn by svglib
    # No text starts off the page: the big figures' boxes beyond its width were cut off (xhtml2pdf wraps no
    # inline boxes), and with them the last outcomes.
    runs: list[tuple[str, float]] = []
    reader.pages[0].extract_text(visitor_text=lambda t, cm, tm, font, size: runs.append(
        (t, tm[4] * cm[0] + cm[4])) if t.strip() else None)
    width = float(box.width)
    assert runs and all(0 <= x < width - 40 for _t, x in runs), [(t, round(x)) for t, x in runs if x >= width - 40]
    assert "L = lambda" in text and "λ" not in text  # Helvetica has no λ: spelt out, not a blank box


def test_the_printable_debrief_has_the_debrief_pages_permissions(desk, other_desk):
    student = Client()
    student.force_login(desk.user("workunit"))
    for name in ("cases_exercise_debrief_print", "cases_exercise_debrief_pdf"):
        assert student.get(reverse(f"admin:{name}", args=[desk.exercise.pk])).status_code == 403  # the teacher's
        assert student.get(reverse(f"admin:{name}", args=[other_desk.exercise.pk])).status_code == 404
        assert student.get(reverse(f"admin:{name}", args=["x1"])).status_code == 404
    anonymous = Client().get(reverse("admin:cases_exercise_debrief_pdf", args=[desk.exercise.pk]))
    assert anonymous.status_code == 302


def test_no_sentence_of_the_stuck_years_story_quotes_zero_days():
    """The old story said "0.0 days" of a year in which four cases were stuck 316-365 days."""
    story = dash.debrief_data(None, stuck_year())["story"]  # type: ignore[arg-type]
    assert story and not any(re.search(r"\b0\.0 (?:simulated )?days", line) for line in story), story


def test_the_longest_step_in_a_question_mentions_waiting_cases_only_when_there_are_some():
    from cases.analytics.questions import question_values

    b = LogBuilder()
    b.case("A", "marriage", [(0, "filed", "W"), (30, "centre_review", "W"), (90, "registered", "Centre")],
           closed=True)
    drained = question_values(b.log(now=100), {"longest_step": "“With the Central Committee”"})
    assert drained["longest_step"] == "“With the Central Committee”: a median of 60.0 simulated days"
    stuck = question_values(stuck_year(), {"longest_step": "“With the Central Committee”"})
    assert stuck["longest_step"].endswith("342.5 simulated days, counting the 4 still waiting at their age so far")


def test_a_counterfactual_runs_printable_debrief_says_so_and_lists_what_it_applied(desk):
    from cases.services.regime import exercise_switch_regime

    teacher = desk.user("teacher")
    exercise_switch_regime(exercise=desk.exercise, regime="1963_august", migrate_running=True, actor=teacher,
                           counterfactual=True)
    client = Client()
    client.force_login(teacher)
    html = client.get(reverse("admin:cases_exercise_debrief_print", args=[desk.exercise.pk])).content.decode()
    assert 'id="bd-counterfactual"' in html and "COUNTERFACTUAL" in html
    applied = html.split('id="bd-applied"', 1)[1]
    assert "Counterfactual run:" in applied and "<code>" in applied


def test_both_pages_label_every_share_with_its_base(marriage_class):
    exercise, client = marriage_class
    shares = dash.debrief_data(exercise)["closed_shares"]
    board = client.get(reverse("admin:cases_exercise_dashboard", args=[exercise.pk])).content.decode()
    found = re.search(r'<div id="bd-approved"><b>([^<]+)</b><span>([^<]+)</span>', board)
    assert found is not None
    assert found.groups() == (shares["approved"].pct,
                                 f"closed as approved ({shares['approved'].n} of {shares['approved'].of} closed cases)")
    assert "of all cases filed)" in board  # the funnel's shares
    debrief = client.get(reverse("admin:cases_exercise_debrief", args=[exercise.pk])).content.decode()
    approved = shares["approved"]
    assert f"<b>{approved.n}</b><span>closed as approved ({approved.pct} of closed cases)" in debrief
    printed = client.get(reverse("admin:cases_exercise_debrief_print", args=[exercise.pk])).content.decode()
    assert "of all cases filed)" in printed and "closed as approved (" in printed


def test_the_debrief_sets_beside_the_class_only_the_sources_figures_for_what_it_ran():
    """A marriage class's debrief listed Yanbian's letters and Jilin's crossers, with nothing on marriages."""
    b = LogBuilder()
    b.case("M1", "marriage", [(0, "filed", "W"), (3, "examination", "W")], next_office="W")
    marriages = dash.debrief_data(None, b.log(now=10))  # type: ignore[arg-type]
    assert marriages["figures"] == []
    letters = dash.debrief_data(None, authorization_log())  # type: ignore[arg-type]
    assert [f.key for f in letters["figures"]][:1] == ["yanbian_1961"]
    assert all("authorization" in f.kinds for f in letters["figures"])


def test_the_rules_heading_names_the_step_they_govern():
    """The story names the bottleneck, then the longest step; the rules listed after it are the bottleneck's, and
    the heading said only "that step", read as the longest one (a class saw MAR-0...MAR-3 under the copy's step)."""
    b = LogBuilder()
    # The copy's step took long and is over; three applications wait at the work unit now.
    b.case("A", "marriage", [(0, "filed", "W"), (2, "china_approved", "W"), (80, "visa_issued", "E")], closed=True)
    for i in range(3):
        b.case(f"W{i}", "marriage", [(50 + i, "filed", "W")], next_office="W", next_rules="MAR-3")
    data = dash.debrief_data(None, b.log(now=60))  # type: ignore[arg-type]
    assert data["bottleneck"].state == "filed" and data["rules"]
    assert data["rules_step"] == "\u201cApplication filed with the work unit (two copies)\u201d (Marriage case)"
    assert "Approved in China" in " ".join(data["story"])  # the longest step is told after the bottleneck
    html = render_to_string("admin/cases/debrief_content.html", data)
    assert f"The rules that govern {escape(data['rules_step'])} (in force during this run)" in html


def test_the_printed_debrief_is_dated_by_the_rooms_clock_not_beijing_time(desk, settings):
    """At 23:06 UTC on 7 Dec in a room on UTC the debrief said "printed 8 Dec" (Beijing time)."""
    import datetime as dt

    from django.utils import timezone

    settings.WALL_TIME_ZONE = "UTC"
    late = dt.datetime(2026, 12, 7, 23, 6, tzinfo=dt.UTC)
    teacher = Client()
    teacher.force_login(desk.user("teacher"))
    from unittest import mock

    with mock.patch.object(timezone, "now", return_value=late):
        page = teacher.get(reverse("admin:cases_exercise_debrief_print", args=[desk.exercise.pk])).content.decode()
    assert "printed 7 Dec 2026" in page
