"""The autopilot's year, event for event, is the one recorded before its batching was changed.

Each shipped pack is fast-forwarded a simulated year with its own fixed seed, and the Jilin 1961 bench
year runs at a tiny scale; what they end with (every case event's kind, step, states, simulated time,
office and note, every deadline, every case's final state, the timed events and the clock) is compared
with the record in ``tests/cases/golden/``. The record was written by the code before the autopilot
took bigger batches and swept once per clock move: those changes must not change a single event.

Cases are named by their order of filing and each case's events and deadlines keep their own order,
so only how the run groups its writes (and so the ids across cases) may differ.
To write the records again after a deliberate change of behaviour: ``BD_GOLDEN_WRITE=1 pytest`` this file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.timekeeping import fast_forward
from cases.models import Case, CaseEvent, Deadline, Exercise, TimedEvent

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
PACKS = ["marriage-1958", "authorization-1961", "permits-1963", "protocol-1964", "demo"]


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def fingerprint(exercise: Exercise) -> dict[str, Any]:
    """Return what a run left in ``exercise``, comparable across runs (JSON-ready)."""
    order = {pk: i for i, pk in enumerate(Case.objects.filter(exercise=exercise).order_by("id")
                                          .values_list("id", flat=True))}
    offices = dict(exercise.offices.values_list("id", "name"))
    # An event's data names the deadline that fired it by id; ids across cases follow the write batches,
    # so a deadline is named by its case and its rank among that case's deadlines instead.
    deadline_ids = sorted(Deadline.objects.filter(exercise=exercise).values_list("case_id", "id"))
    rank: dict[int, str] = {}
    per_case: dict[int, int] = {}
    for case_id, pk in deadline_ids:
        per_case[case_id] = per_case.get(case_id, -1) + 1
        rank[pk] = f"{order[case_id]}:{per_case[case_id]}"

    def data(value: dict[str, Any]) -> str:
        if "deadline" in value:
            value = {**value, "deadline": rank.get(value["deadline"], "?")}
        return json.dumps(value, sort_keys=True, default=str)

    events = sorted(
        (order[e["case_id"]], e["id"], [
            order[e["case_id"]], e["kind"], e["transition"], e["source_state"], e["target_state"],
            _when(e["sim_time"]), offices.get(e["office_id"]), e["rules"], e["note"],
            data(e["data"]), e["label"],
        ])
        for e in CaseEvent.objects.filter(exercise=exercise).values(
            "id", "case_id", "kind", "transition", "source_state", "target_state", "sim_time", "office_id",
            "rules", "note", "data", "label")
    )
    deadlines = sorted(
        (order[d["case_id"]], d["id"], [
            order[d["case_id"]], d["kind"], _when(d["due_at"]), d["action"], d["status"], _when(d["fired_at"]),
            d["rules"], d["note"], d["watch_state"], _when(d["set_at"]),
        ])
        for d in Deadline.objects.filter(exercise=exercise).values(
            "id", "case_id", "kind", "due_at", "action", "status", "fired_at", "rules", "note", "watch_state",
            "set_at")
    )
    cases = [
        [c["reference"], c["kind"], c["state"], _when(c["state_since"]), _when(c["closed_at"]),
         offices.get(c["next_office_id"]), c["next_rules"], _when(c["escalated_at"]), c["regime"]]
        for c in Case.objects.filter(exercise=exercise).order_by("id").values(
            "reference", "kind", "state", "state_since", "closed_at", "next_office_id", "next_rules",
            "escalated_at", "regime")
    ]
    timed = [[t["label"], t["status"], _when(t["fired_at"]), t["result"]]
             for t in TimedEvent.objects.filter(exercise=exercise).order_by("at", "id")
             .values("label", "status", "fired_at", "result")]
    ex = Exercise.objects.get(pk=exercise.pk)
    return {"clock": _when(ex.clock), "regime": ex.regime, "paused": ex.paused, "cases": cases,
            "events": [e[2] for e in events], "deadlines": [d[2] for d in deadlines], "timed": timed}


def _compare(name: str, got: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    if os.environ.get("BD_GOLDEN_WRITE"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=0, sort_keys=True) + "\n")
    want = json.loads(path.read_text())
    for key in ("clock", "regime", "paused", "timed", "cases"):
        assert got[key] == want[key], f"{name}: {key} differs"
    for key in ("events", "deadlines"):
        assert len(got[key]) == len(want[key]), f"{name}: {len(got[key])} {key}, recorded {len(want[key])}"
        for i, (g, w) in enumerate(zip(got[key], want[key], strict=True)):
            assert g == w, f"{name}: {key}[{i}] differs:\n got  {g}\n want {w}"


@pytest.mark.parametrize("slug", PACKS)
def test_a_packs_year_is_the_recorded_one_event_for_event(slug):
    exercise = load_pack(slug, name=f"Golden {slug}")
    fast_forward(exercise=exercise, actor=None, days=365)
    _compare(slug, fingerprint(exercise))


def test_the_jilin_bench_year_is_the_recorded_one_event_for_event(desk):
    from cases.bench.jilin import jilin_exercise, run_year

    exercise = jilin_exercise(desk.exercise, "Golden Jilin")
    run_year(exercise, crossers=112, letters=12)
    _compare("jilin-1961", fingerprint(exercise))
