"""Exports stream: CSV and XES are written as the log is read, byte for byte what the whole-log export wrote,
in memory that does not grow with the log."""

from __future__ import annotations

import csv
import dataclasses
import io
import tracemalloc
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.analytics import export as ex
from cases.analytics.log import EventRow, Log, load_log
from cases.bench.data import bench_exercise, insert_marriage_cases
from tests.cases.analytics_logs import LogBuilder, five_marriages

pytestmark = pytest.mark.django_db


# --- The export as it was before it streamed (the whole text, the whole XML tree, in memory) ---------------


def reference_csv(log: Log) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ex.CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in log.events:
        writer.writerow(ex._row(e))
    return out.getvalue()


def _attr(parent: ET.Element, tag: str, key: str, value: str) -> None:
    ET.SubElement(parent, tag, {"key": key, "value": value})


def reference_xes(log: Log) -> str:
    root = ET.Element("log", {"xes.version": "1849-2016", "xes.features": "", "xmlns": ex.XES_NS})
    for name, prefix, uri in ex.EXTENSIONS:
        ET.SubElement(root, "extension", {"name": name, "prefix": prefix, "uri": uri})
    g_trace = ET.SubElement(root, "global", {"scope": "trace"})
    _attr(g_trace, "string", "concept:name", "__INVALID__")
    g_event = ET.SubElement(root, "global", {"scope": "event"})
    _attr(g_event, "string", "concept:name", "__INVALID__")
    _attr(g_event, "date", "time:timestamp", "1955-01-01T00:00:00.000+00:00")
    ET.SubElement(root, "classifier", {"name": "Activity", "keys": "concept:name"})
    _attr(root, "string", "concept:name", log.exercise_name or "Border Desk exercise")
    by_case: dict[int, list[EventRow]] = defaultdict(list)
    for e in log.events:
        by_case[e.case_id].append(e)
    for case in sorted(log.cases, key=lambda c: (c.filed_at, c.id)):
        trace = ET.SubElement(root, "trace")
        _attr(trace, "string", "concept:name", case.reference)
        _attr(trace, "string", "kind", case.kind)
        _attr(trace, "string", "final_state", case.state)
        for e in by_case.get(case.id, []):
            ev = ET.SubElement(trace, "event")
            _attr(ev, "string", "concept:name", e.activity)
            _attr(ev, "date", "time:timestamp", ex._timestamp(e))
            if e.office:
                _attr(ev, "string", "org:resource", e.office)
            _attr(ev, "string", "lifecycle:transition", "complete")
            _attr(ev, "string", "case_kind", e.case_kind)
            for key in ("transition", "from_state", "to_state", "rules", "event_kind"):
                value = ex._row(e)[key]
                if value:
                    _attr(ev, "string", key, value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def awkward_log() -> Log:
    """Names with markup, quotes, commas, new lines and non-Latin text; a case with no event; ties in time."""
    b = LogBuilder()
    b.case('K&<"1">', "marriage", [(0, "filed", "Work unit, \"Works\" & <Co>"), (0, "examination", "延边\nbureau")])
    b.case("L,2", "authorization", [(0, "filed", "Helong 'desk'"), (3, "refused", "")], closed=True)
    b.case("M", "marriage", [(2, "filed", "W")], next_office="W")
    log = b.log(now=5)
    odd = dataclasses.replace(log.cases[2], id=99, reference="N-no-events")
    events = [dataclasses.replace(e, rules="AUT-1,\tAUT-2") if e.case_id == 2 else e for e in log.events]
    return Log(cases=[*log.cases, odd], events=events, now=log.now, exercise_name='Class <1> & "2"')


def empty_log() -> Log:
    return Log(cases=[], events=[], now=five_marriages().now)


@pytest.mark.parametrize("make", [five_marriages, awkward_log, empty_log])
def test_streamed_text_is_the_whole_log_export_byte_for_byte(make, monkeypatch):
    monkeypatch.setattr(ex, "CSV_FLUSH_ROWS", 2)  # several chunks even for a short log
    log = make()
    assert ex.events_csv(log) == reference_csv(log)
    assert ex.events_xes(log) == reference_xes(log)
    assert len(list(ex.csv_chunks(log.events))) >= min(2, len(log.events))


def _run_autopilot(desk):
    from cases.classroom.timekeeping import fast_forward

    fast_forward(exercise=desk.exercise, actor=None, days=200)
    return desk.exercise


def test_streamed_from_the_database_matches_the_export_of_the_loaded_log(desk, monkeypatch):
    exercise = _run_autopilot(desk)
    monkeypatch.setattr(ex, "XES_CASES_PER_QUERY", 3)  # many case batches
    log = load_log(exercise)
    assert len(log.events) > 20 and len(log.cases) > 3
    chunks, content_type = ex.stream(exercise, "csv")
    assert content_type == "text/csv" and "".join(chunks) == reference_csv(log)
    chunks, content_type = ex.stream(exercise, "xes")
    assert content_type == "application/xml" and "".join(chunks) == reference_xes(log)
    with pytest.raises(ValueError, match="csv or xes"):
        ex.stream(exercise, "json")


def test_download_and_command_stream_the_same_bytes(client, desk, tmp_path):
    from django.contrib.auth import get_user_model

    exercise = _run_autopilot(desk)
    log = load_log(exercise)
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.org", "pw-boss-123"))
    for fmt, reference in (("csv", reference_csv), ("xes", reference_xes)):
        response = client.get(reverse("admin:cases_exercise_events", args=[exercise.pk, fmt]))
        assert response.status_code == 200 and response.streaming
        assert b"".join(response.streaming_content).decode() == reference(log)
        out = tmp_path / f"events.{fmt}"
        call_command("export_events", exercise.name, "--format", fmt, "--output", str(out))
        assert out.read_text(encoding="utf-8") == reference(log)


def _peak(exercise, fmt: str) -> int:
    """Peak memory (bytes) of writing the exercise's export to nowhere, chunk by chunk."""
    tracemalloc.start()
    try:
        chunks, _ = ex.stream(exercise, fmt)
        written = sum(len(c) for c in chunks)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written > 0
    return peak


@pytest.mark.parametrize("fmt", ["csv", "xes"])
def test_export_memory_does_not_grow_with_the_log(fmt, monkeypatch):
    """Ten times the events, not ten times the memory: the whole-log export's peak grew with the log.

    Chunks are made small so that both logs span many of them.
    """
    monkeypatch.setattr(ex, "DB_CHUNK_ROWS", 100)
    monkeypatch.setattr(ex, "CSV_FLUSH_ROWS", 100)
    monkeypatch.setattr(ex, "XES_CASES_PER_QUERY", 50)
    small, large = bench_exercise("Stream small"), bench_exercise("Stream large")
    insert_marriage_cases(small, 400)
    insert_marriage_cases(large, 4000, start=10_000)
    small_peak, large_peak = _peak(small, fmt), _peak(large, fmt)
    assert large_peak < 2 * small_peak, (small_peak, large_peak)
