"""Export an exercise's event log for process mining: CSV and XES (IEEE 1849-2016).

Each event: case id (the case reference), activity (the step's label), simulated timestamp, office
as resource, and the case's procedure kind, plus the step name, states and rule IDs. Wall-clock
time is left out: process mining reads the simulated calendar.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import defaultdict

from cases.analytics.log import EventRow, Log

CSV_COLUMNS = ("case_id", "activity", "timestamp", "resource", "case_kind", "event_kind", "transition",
               "from_state", "to_state", "rules")
XES_NS = "http://www.xes-standard.org/"
EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
)


def _timestamp(e: EventRow) -> str:
    return e.sim_time.isoformat(timespec="milliseconds")


def _row(e: EventRow) -> dict[str, str]:
    return {
        "case_id": e.reference, "activity": e.activity, "timestamp": _timestamp(e), "resource": e.office,
        "case_kind": e.case_kind, "event_kind": e.kind, "transition": e.transition, "from_state": e.source_state,
        "to_state": e.target_state, "rules": e.rules,
    }


def spreadsheet_safe(value: str) -> str:
    """Defuse a cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR): prefix a quote."""
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def events_csv(log: Log) -> str:
    """Return the log as CSV, one row per event in simulated-time order (formula-like cells defused)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in log.events:
        writer.writerow({k: spreadsheet_safe(v) for k, v in _row(e).items()})
    return out.getvalue()


def _attr(parent: ET.Element, tag: str, key: str, value: str) -> None:
    ET.SubElement(parent, tag, {"key": key, "value": value})


def events_xes(log: Log) -> str:
    """Return the log as an XES document: one trace per case, events in simulated-time order."""
    root = ET.Element("log", {"xes.version": "1849-2016", "xes.features": "", "xmlns": XES_NS})
    for name, prefix, uri in EXTENSIONS:
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
            _attr(ev, "date", "time:timestamp", _timestamp(e))
            if e.office:
                _attr(ev, "string", "org:resource", e.office)
            _attr(ev, "string", "lifecycle:transition", "complete")
            _attr(ev, "string", "case_kind", e.case_kind)
            for key in ("transition", "from_state", "to_state", "rules", "event_kind"):
                value = _row(e)[key]
                if value:
                    _attr(ev, "string", key, value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


FORMATS = {"csv": (events_csv, "text/csv"), "xes": (events_xes, "application/xml")}


def export(log: Log, fmt: str) -> tuple[str, str]:
    """Return the log in ``fmt`` (csv or xes) and its content type; raise ValueError for another format."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: choose csv or xes.")
    func, content_type = FORMATS[fmt]
    return func(log), content_type
