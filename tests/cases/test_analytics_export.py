"""Event-log export: CSV and XES from the command, the XES read back by PM4Py (a real XES reader)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.analytics.export import events_csv, events_xes, export
from cases.analytics.log import load_log
from cases.models import Case, CaseEvent
from tests.cases.analytics_logs import five_marriages
from tests.cases.marriage_helpers import TO_CHINA_APPROVED_1958, file_case, walk

pytestmark = pytest.mark.django_db


def test_csv_has_one_row_per_event_with_the_process_mining_columns():
    rows = list(csv.DictReader(io.StringIO(events_csv(five_marriages()))))
    assert len(rows) == 11
    first = rows[0]
    assert (first["case_id"], first["activity"], first["resource"], first["case_kind"]) == (
        "A", "to filed", "W", "marriage")
    assert first["timestamp"] == "1961-01-01T00:00:00.000+00:00"
    assert [r["timestamp"] for r in rows] == sorted(r["timestamp"] for r in rows)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="csv or xes"):
        export(five_marriages(), "json")


def _desk_with_history(desk):
    case = file_case(desk)
    walk(desk, case, TO_CHINA_APPROVED_1958)
    return desk.exercise


def test_export_events_command_writes_csv(desk, tmp_path):
    exercise = _desk_with_history(desk)
    out = tmp_path / "events.csv"
    call_command("export_events", exercise.name, "--format", "csv", "--output", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == CaseEvent.objects.filter(exercise=exercise).count()
    assert {r["case_kind"] for r in rows} == set(Case.objects.filter(exercise=exercise).values_list("kind", flat=True))
    assert "marriage" in {r["case_kind"] for r in rows}
    assert "Approve (unit leader); return one copy to the man" in {r["activity"] for r in rows}


def test_export_events_command_refuses_an_unknown_exercise():
    with pytest.raises(CommandError, match="No exercise"):
        call_command("export_events", "no such class", "--format", "xes")


def test_xes_reads_back_in_pm4py_with_the_same_counts(desk, tmp_path):
    """PM4Py's own XES importer reads the file: traces, events, activities and resources all match."""
    import pm4py  # in the test extra: a real, maintained XES reader
    exercise = _desk_with_history(desk)
    out = tmp_path / "events.xes"
    call_command("export_events", str(exercise.pk), "--format", "xes", "--output", str(out))
    df = pm4py.read_xes(str(out))
    log = load_log(exercise)
    assert len(df) == len(log.events) == CaseEvent.objects.filter(exercise=exercise).count()
    assert df["case:concept:name"].nunique() == len(log.cases)
    assert set(df["case:kind"]) == set(Case.objects.filter(exercise=exercise).values_list("kind", flat=True))
    assert set(df["org:resource"]) == {e.office for e in log.events}
    assert set(df["concept:name"]) == {e.activity for e in log.events}
    assert df["time:timestamp"].min().year == 1959
    # The discovered directly-follows graph contains the unit's own sequence of steps.
    dfg, _start, _end = pm4py.discover_dfg(df)
    assert dfg[("Try to dissuade him", "He insists: examine the application")] == 1


def test_xes_is_well_formed_for_a_hand_built_log():
    import xml.etree.ElementTree as ET

    root = ET.fromstring(events_xes(five_marriages()))
    ns = {"x": "http://www.xes-standard.org/"}
    assert len(root.findall("x:trace", ns)) == 5
    assert len(root.findall("x:trace/x:event", ns)) == 11


@pytest.mark.parametrize("command", [["export_events"], ["export_exercise"], ["advance_clock", "--days", "1"]])
@pytest.mark.parametrize("key", ["²", "99999999999999999999"])
def test_commands_read_an_odd_exercise_number_as_no_exercise(command, key):
    """str.isdigit let '²' (int() refuses it) and a 20-digit id (SQLite overflows) through: a traceback before."""
    with pytest.raises(CommandError, match="No exercise named or numbered"):
        call_command(command[0], key, *command[1:])
