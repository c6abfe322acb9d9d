"""Dashboard, debrief and event-log download from the Exercise admin, on a class with real history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from cases.analytics.dashboard import debrief_data
from cases.analytics.run_rules import in_force_during, run_window
from cases.models import Case, Exercise, MarriageCase
from tests.cases.marriage_helpers import TO_CHINA_APPROVED_1958
from tests.conftest import take

pytestmark = pytest.mark.django_db


def advance(exercise: Exercise, days: int) -> None:
    """Move the simulated clock forward (main has no clock service yet; only forward, as the rule is)."""
    Exercise.objects.filter(pk=exercise.pk).update(clock=exercise.clock + dt.timedelta(days=days))
    exercise.refresh_from_db()


def class_with_history(desk) -> Exercise:
    """Walk one test-desk case to approval over 20 simulated days; the three others wait at the work unit."""
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    for name, login, data in TO_CHINA_APPROVED_1958:
        advance(desk.exercise, 5)
        case = take(desk, case, name, login, **data)
    advance(desk.exercise, 10)
    return desk.exercise


def client_for(desk, login: str) -> Client:
    client = Client()
    client.force_login(desk.user(login))
    return client


def test_dashboard_shows_queues_flow_funnel_and_coloured_diagram(desk):
    exercise = class_with_history(desk)
    page = client_for(desk, "teacher").get(reverse("admin:cases_exercise_dashboard", args=[exercise.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    open_cases = Case.objects.filter(exercise=exercise, closed_at__isnull=True).count()
    assert f'<b id="bd-open">{open_cases}</b>' in html
    assert "Little&#x27;s law" in html or "Little's law" in html
    assert "L = λ \u00d7 W" in html
    assert "Cumulative flow" in html and 'class="pygal-chart bd-chart"' in html
    assert "Funnel: Marriage case" in html and "Approved in China (MAR-3 / MAR-0)" in html
    assert 'data-state="filed" data-count="2"' in html  # the queue-coloured diagram
    assert "Yanji Agricultural Machinery Works" in html
    body = html.split("</header>", 1)[-1]
    scripts = re.findall(r"<script\b[^>]*>", body)  # no JavaScript charts; only the diagram's Graphviz loader
    assert scripts and all('src="/static/cases/diagram.js"' in s for s in scripts)


def test_debrief_names_the_bottleneck_its_rules_little_and_history(desk):
    exercise = class_with_history(desk)
    data = debrief_data(exercise)
    queues = (Case.objects.filter(exercise=exercise, closed_at__isnull=True).values("next_office__name")
              .annotate(n=Count("id")).order_by("-n"))
    top = queues[0]
    assert (data["bottleneck"].office, data["bottleneck"].wip) == (top["next_office__name"], top["n"])
    waiting = Case.objects.filter(exercise=exercise, closed_at__isnull=True, next_office__name=top["next_office__name"],
                                  state=data["bottleneck"].state)
    assert data["bottleneck"].state_wip == waiting.count()
    cited = {r for c in waiting for r in c.next_rules.split(",") if r}
    # Only the rules in force during the run (the desk runs in 1958-59; RET-4/5 are the 1964 Protocol's).
    window = run_window(exercise, data["log"])
    expected = {r for r in cited if in_force_during(r, window)}
    assert {r.id for r in data["rules"]} == expected
    assert set(data["rules_not_in_force"]) == cited - expected
    page = client_for(desk, "teacher").get(reverse("admin:cases_exercise_debrief", args=[exercise.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"The queue grew at {top['next_office__name']}" in html
    assert all(f"<code>{r}</code>" in html for r in expected)
    assert not any(f"<code>{r}</code>" in html.split('id="bd-applied"')[0] for r in cited - expected)
    assert "L = λ \u00d7 W" in html
    assert "2,667 letters received" in html and "PRC MFA 118-01025-02" in html  # D6 beside the class
    assert "52,014" in html  # the other figures of PROCEDURES.md
    # The test desk holds authorization letters: the class's funnel beside D6, and the model's assumptions.
    assert 'id="bd-compare"' in html and 'id="bd-model"' in html and "processing capacity" in html


def test_debrief_of_marriages_only_names_the_work_unit_and_mar_rules(db):
    """MAR-1, MAR-2, MAR-3: three couples wait at the work unit; the debrief names it and its rules."""
    from cases.choices import Nationality, Sex
    from cases.services.marriage import marriage_file
    from tests.factories import ExerciseFactory, OfficeFactory, PersonFactory

    exercise = ExerciseFactory()
    unit = OfficeFactory(exercise=exercise, name="Yanji Works")
    for i in range(3):
        marriage_file(exercise=exercise, man=PersonFactory(exercise=exercise), work_unit=unit, actor=None,
                      woman=PersonFactory(exercise=exercise, sex=Sex.FEMALE, nationality=Nationality.DPRK,
                                          name=f"Bride {i}"))
        advance(exercise, 3)
    data = debrief_data(exercise)
    assert (data["bottleneck"].office, data["bottleneck"].state, data["bottleneck"].wip) == ("Yanji Works", "filed", 3)
    assert {r.id for r in data["rules"]} == {"MAR-1", "MAR-2", "MAR-3"}
    assert data["little"].arrivals == 3 and pytest.approx(6) == data["little"].W  # waits of 9, 6 and 3 days


def test_event_log_downloads_from_the_dashboard(desk):
    exercise = class_with_history(desk)
    client = client_for(desk, "teacher")
    csv_resp = client.get(reverse("admin:cases_exercise_events", args=[exercise.pk, "csv"]))
    assert csv_resp.status_code == 200 and csv_resp["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_resp["Content-Disposition"]
    assert b"".join(csv_resp.streaming_content).decode().count("\n") == 1 + exercise.events.count()
    xes = client.get(reverse("admin:cases_exercise_events", args=[exercise.pk, "xes"]))
    assert xes.status_code == 200 and b"<trace>" in b"".join(xes.streaming_content)
    assert client.get(reverse("admin:cases_exercise_events", args=[exercise.pk, "pdf"])).status_code == 404


def test_the_event_log_is_the_teachers_not_a_students(desk):
    """The CSV and XES logs name every office's cases, actors and notes: a student, who sees only the
    cases of the procedures their office takes part in, gets neither them nor a link to them."""
    student = client_for(desk, "workunit")
    for fmt in ("csv", "xes"):
        assert student.get(reverse("admin:cases_exercise_events", args=[desk.exercise.pk, fmt])).status_code == 403
    page = student.get(reverse("admin:cases_exercise_dashboard", args=[desk.exercise.pk])).content.decode()
    assert reverse("admin:cases_exercise_events", args=[desk.exercise.pk, "csv"]) not in page
    teacher = client_for(desk, "teacher")
    page = teacher.get(reverse("admin:cases_exercise_dashboard", args=[desk.exercise.pk])).content.decode()
    assert reverse("admin:cases_exercise_events", args=[desk.exercise.pk, "csv"]) in page


ANALYTICS_PAGES = ["cases_exercise_dashboard", "cases_exercise_debrief", "cases_exercise_debrief_print",
                   "cases_exercise_debrief_pdf"]


def test_the_dashboard_and_debrief_are_the_teachers_not_a_students(desk, other_desk):
    """They list every office's oldest cases by reference and the people's names, and every office's queue:
    a student sees nothing of another office, so the teacher shows them on the projector instead."""
    exercise = class_with_history(desk)
    mine = client_for(desk, "workunit")
    teacher = client_for(desk, "teacher")
    for name in ANALYTICS_PAGES:
        refused = mine.get(reverse(f"admin:{name}", args=[exercise.pk]))
        assert refused.status_code == 403, name
        assert "teacher" in refused.content.decode()
        assert teacher.get(reverse(f"admin:{name}", args=[exercise.pk])).status_code == 200, name
    assert mine.get(reverse("admin:cases_exercise_dashboard", args=[other_desk.exercise.pk])).status_code == 404
    assert mine.get(reverse("admin:cases_exercise_events", args=[other_desk.exercise.pk, "csv"])).status_code == 404


def test_exercise_pages_link_to_the_analytics(desk):
    client = client_for(desk, "teacher")
    change = client.get(reverse("admin:cases_exercise_change", args=[desk.exercise.pk])).content.decode()
    assert reverse("admin:cases_exercise_dashboard", args=[desk.exercise.pk]) in change
    listing = client.get(reverse("admin:cases_exercise_changelist")).content.decode()
    assert reverse("admin:cases_exercise_debrief", args=[desk.exercise.pk]) in listing


def test_teacher_runs_the_regime_comparison_from_the_admin(desk):
    """MAR-0 from the admin: the same couples under the pre-1958 and 1958 lines, with dashboards to open."""
    client = client_for(desk, "teacher")
    url = reverse("admin:cases_exercise_compare")
    assert url in client.get(reverse("admin:cases_exercise_changelist")).content.decode()
    page = client.post(url, {"runner": "marriage", "seed": "3", "size": "8", "regime_a": "", "regime_b": ""},
                       follow=True)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="bd-comparison"' in html
    from cases.regimes import get_regime

    headers = re.findall(r"<th title=\"[^\"]+\">([^<(]+)", html)
    assert [h.strip() for h in headers] == [get_regime("1957_lenient").label, get_regime("1958_marriage").label]
    assert ">1957_lenient<" not in html and ">1958_marriage<" not in html
    assert 'class="pygal-chart bd-chart"' in html
    assert html.count("/dashboard/") >= 2


def test_yanbian_model_and_calibration_from_the_admin(desk):
    client = client_for(desk, "teacher")
    page = client.post(reverse("admin:cases_exercise_compare"),
                       {"runner": "yanbian", "seed": "1", "size": "200", "calibrate": "on"}, follow=True)
    html = page.content.decode()
    assert "1961_strict" in html and "1962_correction" in html
    assert 'id="bd-calibration"' in html and "D6  2,667" in html


def test_a_comparison_of_a_regime_with_itself_is_refused_and_runs_nothing(desk):
    """One regime on both sides (chosen, or chosen on one side and the runner's default on the other) set a run
    beside itself; now the form says so and no job is queued; the command refuses it too."""
    from django.core.management import CommandError, call_command

    from cases.models import Job

    client = client_for(desk, "teacher")
    url = reverse("admin:cases_exercise_compare")
    for a, b in [("1958_marriage", "1958_marriage"), ("1958_marriage", ""), ("", "1957_lenient")]:
        page = client.post(url, {"runner": "marriage", "seed": "3", "size": "8", "regime_a": a, "regime_b": b})
        assert page.status_code == 200
        assert "choose two different regimes" in page.content.decode(), (a, b)
    assert not Job.objects.filter(kind="compare").exists()
    with pytest.raises(CommandError, match="two different regimes"):
        call_command("compare_regimes", "marriage", "--regimes", "1961_strict", "1961_strict")


def test_students_may_not_run_comparisons(desk):
    assert client_for(desk, "workunit").get(reverse("admin:cases_exercise_compare")).status_code == 403


def test_debrief_of_a_drained_run_cites_the_slowest_steps_rules(db):
    """MAR-0, MAR-5: once every case is closed, the debrief still says where cases waited and under which rules."""
    from cases.analytics import metrics as m
    from cases.analytics.dashboard import rules_for_state
    from cases.analytics.marriage_run import MarriageRunner

    runner = MarriageRunner()
    result = runner.run(cohort=runner.cohort(seed=2, size=12), regime="1957_lenient", seed=2)
    data = debrief_data(Exercise.objects.get(pk=result.exercise_id))
    assert data["open"] == 0 and data["bottleneck"] is None
    assert any("case-days" in line for line in data["story"])
    slowest = m.longest_median_wait(data["log"])
    assert [r.id for r in data["rules"]] == rules_for_state("marriage", slowest.state) != []
    assert rules_for_state("marriage", "centre_review") == ["MAR-0", "MAR-4"]


def test_an_empty_exercise_has_a_dashboard_and_a_debrief(desk):
    from tests.factories import ExerciseFactory

    empty = ExerciseFactory()
    client = client_for(desk, "teacher")
    for name in ("dashboard", "debrief"):
        page = client.get(reverse(f"admin:cases_exercise_{name}", args=[empty.pk]))
        assert page.status_code == 200
    assert b"No case is waiting" in client.get(reverse("admin:cases_exercise_debrief", args=[empty.pk])).content
    assert client.get(reverse("admin:cases_exercise_dashboard", args=["x1"])).status_code == 404


def test_a_students_exercise_page_has_no_link_that_ends_in_a_refusal(desk):
    """The exercise page (linked from a case page) offered a student "Event log (XES)" and "Close" to the list
    of exercises, both refused (403)."""
    student = client_for(desk, "workunit")
    page = student.get(reverse("admin:cases_exercise_change", args=[desk.exercise.pk])).content.decode()
    assert reverse("admin:cases_exercise_events", args=[desk.exercise.pk, "xes"]) not in page
    for name in ANALYTICS_PAGES:  # the teacher's (403 to a student): no button to them either
        assert reverse(f"admin:{name}", args=[desk.exercise.pk]) not in page, name
    assert f'href="{reverse("admin:cases_exercise_changelist")}"' not in page and "Back to my desk" in page
    office = desk.exercise.offices.order_by("id").first()  # an office's page, linked from a case page too
    page = student.get(reverse("admin:cases_office_change", args=[office.pk])).content.decode()
    assert f'href="{reverse("admin:cases_office_changelist")}"' not in page and "Back to my desk" in page
    teacher = client_for(desk, "teacher")
    page = teacher.get(reverse("admin:cases_exercise_change", args=[desk.exercise.pk])).content.decode()
    assert reverse("admin:cases_exercise_events", args=[desk.exercise.pk, "xes"]) in page
    assert reverse("admin:cases_exercise_dashboard", args=[desk.exercise.pk]) in page
    assert "Back to my desk" not in page and f'href="{reverse("admin:cases_exercise_changelist")}"' in page
