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
from collections.abc import Iterable, Iterator
from typing import Any

from cases.analytics.log import CaseRow, EventRow, Log
from cases.models import Case, CaseEvent, Exercise

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


CSV_FLUSH_ROWS = 1000  # rows written per chunk of a streamed CSV
XES_CASES_PER_QUERY = 500  # cases whose events one query of a streamed XES reads
DB_CHUNK_ROWS = 2000  # rows fetched from the database at a time when streaming


def csv_chunks(events: Iterable[EventRow]) -> Iterator[str]:
    """Yield the CSV of ``events`` (in the order given) a thousand rows at a time, header first (formula-like
    cells defused)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for n, e in enumerate(events, start=1):
        writer.writerow({k: spreadsheet_safe(v) for k, v in _row(e).items()})
        if n % CSV_FLUSH_ROWS == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    rest = out.getvalue()
    if rest:
        yield rest


def events_csv(log: Log) -> str:
    """Return the log as CSV, one row per event in simulated-time order (formula-like cells defused)."""
    return "".join(csv_chunks(log.events))


def _attr(parent: ET.Element, tag: str, key: str, value: str) -> None:
    ET.SubElement(parent, tag, {"key": key, "value": value})


def _xes_head(exercise_name: str) -> ET.Element:
    """Return the XES root with its header children (extensions, globals, classifier, name), no traces."""
    root = ET.Element("log", {"xes.version": "1849-2016", "xes.features": "", "xmlns": XES_NS})
    for name, prefix, uri in EXTENSIONS:
        ET.SubElement(root, "extension", {"name": name, "prefix": prefix, "uri": uri})
    g_trace = ET.SubElement(root, "global", {"scope": "trace"})
    _attr(g_trace, "string", "concept:name", "__INVALID__")
    g_event = ET.SubElement(root, "global", {"scope": "event"})
    _attr(g_event, "string", "concept:name", "__INVALID__")
    _attr(g_event, "date", "time:timestamp", "1955-01-01T00:00:00.000+00:00")
    ET.SubElement(root, "classifier", {"name": "Activity", "keys": "concept:name"})
    _attr(root, "string", "concept:name", exercise_name or "Border Desk exercise")
    return root


def _xes_trace(case: CaseRow, events: Iterable[EventRow]) -> ET.Element:
    trace = ET.Element("trace")
    _attr(trace, "string", "concept:name", case.reference)
    _attr(trace, "string", "kind", case.kind)
    _attr(trace, "string", "final_state", case.state)
    for e in events:
        ev = ET.SubElement(trace, "event")
        _attr(ev, "string", "concept:name", e.activity)
        _attr(ev, "date", "time:timestamp", _timestamp(e))
        if e.office:
            _attr(ev, "string", "org:resource", e.office)
        _attr(ev, "string", "lifecycle:transition", "complete")
        _attr(ev, "string", "case_kind", e.case_kind)
        row = _row(e)
        for key in ("transition", "from_state", "to_state", "rules", "event_kind"):
            if row[key]:
                _attr(ev, "string", key, row[key])
    return trace


def xes_chunks(exercise_name: str, traces: Iterable[tuple[CaseRow, list[EventRow]]]) -> Iterator[str]:
    """Yield an XES document one trace at a time: the same bytes as indenting and writing the whole tree.

    ``traces`` gives each case (in the order the document lists them) with its events in order. The
    header is the root's start tag and header children, each trace is indented at level 1 and written
    with the tail the whole tree's indentation would give it, and the root's end tag closes the log.
    """
    root = _xes_head(exercise_name)
    ET.indent(root)
    head = ET.tostring(root, encoding="unicode")
    # The header children end with the root's last tail ("\n"); a trace after them ends at level 1.
    cut = head.rindex("</log>")
    body, close = head[:cut], head[cut:]
    pending: ET.Element | None = None
    for case, events in traces:
        trace = _xes_trace(case, events)
        ET.indent(trace, level=1)
        if pending is None:
            yield '<?xml version="1.0" encoding="UTF-8"?>\n' + body[:-1] + "\n  "
        else:
            pending.tail = "\n  "
            yield ET.tostring(pending, encoding="unicode")
        pending = trace
    if pending is None:
        yield '<?xml version="1.0" encoding="UTF-8"?>\n' + body + close + "\n"
        return
    pending.tail = "\n"
    yield ET.tostring(pending, encoding="unicode") + close + "\n"


def _log_traces(log: Log) -> Iterator[tuple[CaseRow, list[EventRow]]]:
    by_case: dict[int, list[EventRow]] = defaultdict(list)
    for e in log.events:
        by_case[e.case_id].append(e)
    for case in sorted(log.cases, key=lambda c: (c.filed_at, c.id)):
        yield case, by_case.get(case.id, [])


def events_xes(log: Log) -> str:
    """Return the log as an XES document: one trace per case, events in simulated-time order."""
    return "".join(xes_chunks(log.exercise_name, _log_traces(log)))


FORMATS = {"csv": (events_csv, "text/csv"), "xes": (events_xes, "application/xml")}


def export(log: Log, fmt: str) -> tuple[str, str]:
    """Return the log in ``fmt`` (csv or xes) and its content type; raise ValueError for another format."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: choose csv or xes.")
    func, content_type = FORMATS[fmt]
    return func(log), content_type


# --- Streaming straight from the database ---------------------------------------------------------

EVENT_FIELDS = ("id", "case_id", "case__kind", "case__reference", "kind", "label", "transition", "source_state",
                "target_state", "office__name", "sim_time", "rules")


def _event_row(e: dict[str, Any]) -> EventRow:
    return EventRow(
        id=e["id"], case_id=e["case_id"], case_kind=e["case__kind"], reference=e["case__reference"],
        kind=e["kind"], activity=e["label"], transition=e["transition"], source_state=e["source_state"],
        target_state=e["target_state"], office=e["office__name"] or "", sim_time=e["sim_time"], rules=e["rules"],
    )


def iter_events(exercise: Exercise) -> Iterator[EventRow]:
    """Yield an exercise's events in simulated-time order, read in chunks (memory does not grow with the log)."""
    rows = (CaseEvent.objects.filter(exercise=exercise).order_by("sim_time", "id").values(*EVENT_FIELDS)
            .iterator(chunk_size=DB_CHUNK_ROWS))
    for e in rows:
        yield _event_row(e)


def iter_traces(exercise: Exercise) -> Iterator[tuple[CaseRow, list[EventRow]]]:
    """Yield each case of an exercise (filing order) with its events, reading the events a few hundred cases
    at a time."""
    cases = (Case.objects.filter(exercise=exercise).order_by("filed_at", "id")
             .values("id", "kind", "reference", "state", "filed_at", "state_since", "closed_at")
             .iterator(chunk_size=XES_CASES_PER_QUERY))
    batch: list[CaseRow] = []

    def flush() -> Iterator[tuple[CaseRow, list[EventRow]]]:
        by_case: dict[int, list[EventRow]] = defaultdict(list)
        for e in (CaseEvent.objects.filter(case_id__in=[c.id for c in batch]).order_by("sim_time", "id")
                  .values(*EVENT_FIELDS)):
            by_case[e["case_id"]].append(_event_row(e))
        for c in batch:
            yield c, by_case.get(c.id, [])

    for c in cases:
        batch.append(CaseRow(id=c["id"], kind=c["kind"], reference=c["reference"], state=c["state"],
                             filed_at=c["filed_at"], state_since=c["state_since"], closed_at=c["closed_at"]))
        if len(batch) >= XES_CASES_PER_QUERY:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def stream(exercise: Exercise, fmt: str) -> tuple[Iterator[str], str]:
    """Return the exercise's event log in ``fmt`` as an iterator of text chunks, and its content type.

    The same text as :func:`export` of :func:`~cases.analytics.log.load_log`, written as it is read:
    memory stays flat however long the log. Raise ValueError for another format.
    """
    if fmt == "csv":
        return csv_chunks(iter_events(exercise)), "text/csv"
    if fmt == "xes":
        return xes_chunks(exercise.name, iter_traces(exercise)), "application/xml"
    raise ValueError(f"Unknown format {fmt!r}: choose csv or xes.")
