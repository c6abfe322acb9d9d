"""The procedure diagram as Graphviz DOT: every step an arrow labelled by step and office, the case's
own path and its current state marked, queue counts for the dashboard; laid out by the vendored
Graphviz (Viz.js) served as a static file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from cases.diagram import VIZ_SCRIPT, case_dot, edges, office_label, procedure_dot, procedure_svg
from cases.engine import all_transitions, meta_of
from cases.models import AuthorizationCase, MarriageCase
from cases.procedures import all_procedures, get_procedure
from tests.conftest import take

pytestmark = pytest.mark.django_db

EDGE = re.compile(r'^  "(?P<a>[^"]+)" -> "(?P<b>[^"]+)" \[(?P<attrs>.*)\];$', re.M)
NODE = re.compile(r'^  "(?P<s>[^"]+)" \[(?P<attrs>.*)\];$', re.M)


def attrs_of(text: str) -> dict[str, str]:
    return {k: v.replace("\\n", "\n") for k, v in re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', text)}


def dot_edges(dot: str) -> list[tuple[str, str, dict[str, str]]]:
    return [(m["a"], m["b"], attrs_of(m["attrs"])) for m in EDGE.finditer(dot)]


def dot_nodes(dot: str) -> dict[str, dict[str, str]]:
    return {m["s"]: attrs_of(m["attrs"]) for m in NODE.finditer(dot) if "->" not in m.group(0)}


@pytest.mark.parametrize("kind", [p.kind for p in all_procedures()])
def test_every_step_is_an_arrow_labelled_by_its_step_and_office(desk, kind):
    procedure = get_procedure(kind)
    dot = procedure_dot(procedure.model)
    drawn = {(a, b, at["id"]): at for a, b, at in dot_edges(dot)}
    moving = [t for t in all_transitions(procedure.model) if t.target is not None and t.target != t.source]
    assert moving and len(drawn) == len(moving)
    for t in moving:
        label = drawn[(t.source, t.target, f"bd-step-{t.name}-{t.source}")]["label"]
        meta = meta_of(t)
        assert meta.label.split()[0] in label and f"[{office_label(meta.office)}]" in label
    nodes = dot_nodes(dot)
    assert set(nodes) == {s for a, b, _at in dot_edges(dot) for s in (a, b)}
    for state, at in nodes.items():  # human labels, not internal keys
        assert " ".join(at["label"].split()) == procedure.state_label(state)


def test_case_dot_highlights_the_path_the_case_took_and_its_state_now(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    case = take(desk, case, "begin_dissuasion", "workunit")
    case = take(desk, case, "record_insistence", "workunit")
    dot = case_dot(case)
    on_path = {(a, b) for a, b, at in dot_edges(dot) if "bd-path" in at["class"]}
    taken = {(e.source_state, e.target_state) for e in case.events.all() if e.source_state and e.target_state}
    assert len(taken) == 2 and on_path == taken
    assert all(at["penwidth"] == "3" for a, b, at in dot_edges(dot) if (a, b) in on_path)
    nodes = dot_nodes(dot)
    current = [s for s, at in nodes.items() if "bd-current" in at["class"]]
    assert current == [case.state]
    assert nodes[case.state]["label"].startswith("NOW: ")
    assert {s for s, at in nodes.items() if "bd-visited" in at["class"]} == {s for pair in taken for s in pair}


def test_case_dot_shows_only_its_variant(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Li Dongshan")
    states = set(dot_nodes(case_dot(case)))
    assert "centre_review" in states and "dissuasion" not in states
    assert {"centre_review", "dissuasion"} <= set(dot_nodes(procedure_dot(MarriageCase)))


def test_queue_counts_are_in_the_labels_not_over_them(desk):
    from cases.diagram import procedure_queue_svg

    fragment = procedure_queue_svg(MarriageCase, None, {"filed": 6, "examination": 3})
    assert '<li data-state="filed" data-count="6">' in fragment  # the text fallback carries the counts
    nodes = dot_nodes(unescape(fragment.split('data-dot="', 1)[1].split('"', 1)[0]))
    assert nodes["filed"]["label"].endswith("6 waiting") and nodes["examination"]["label"].endswith("3 waiting")
    assert nodes["filed"]["fillcolor"] != nodes["examination"]["fillcolor"] != "#ffffff"
    assert "bd-current" not in fragment
    assert 'data-focus="filed"' in fragment  # a diagram too wide for its box opens where most cases wait


def test_a_diagram_opens_on_the_state_that_matters(desk):
    """The figure names the state its box scrolls to: the case's own state, else the longest queue, else none."""
    from cases.diagram import procedure_queue_svg

    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    assert f'data-focus="{case.state}"' in procedure_svg(case)
    assert 'data-focus="examination"' in procedure_queue_svg(MarriageCase, None, {"filed": 2, "examination": 3})
    assert "data-focus" not in procedure_queue_svg(MarriageCase, None, {})


def test_figure_loads_the_vendored_graphviz_from_static_files(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    html = procedure_svg(case)
    assert f'data-viz="{static(VIZ_SCRIPT)}"' in html and "http" not in html.split("<script", 1)[1]
    assert finders.find(VIZ_SCRIPT) and finders.find("cases/diagram.js")
    assert finders.find("cases/vendor/viz/LICENSE.txt")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_vendored_graphviz_lays_out_every_procedure(desk, tmp_path: Path):
    """Graphviz itself (the vendored WebAssembly build, run by node) accepts the DOT of every procedure."""
    case = AuthorizationCase.objects.filter(exercise=desk.exercise).first()
    dots = {p.kind: procedure_dot(p.model, counts={}) for p in all_procedures()}
    if case is not None:
        dots["case"] = case_dot(case)
    (tmp_path / "dots.json").write_text(json.dumps(dots))
    script = (
        f"const Viz = require({json.dumps(finders.find(VIZ_SCRIPT))});"
        f"const dots = require({json.dumps(str(tmp_path / 'dots.json'))});"
        "Viz.instance().then(v => { const out = {};"
        " for (const [k, d] of Object.entries(dots)) { const r = v.render(d, {format: 'svg'});"
        " out[k] = [r.status, (r.output || '').split('class=\"edge').length - 1, r.errors]; }"
        " console.log(JSON.stringify(out)); });"
    )
    run = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(run.stdout)
    for kind, (status, edge_count, errors) in result.items():
        assert status == "success", (kind, errors)
        assert edge_count == dots[kind].count(" -> "), kind
    assert len(edges(AuthorizationCase)) == result["authorization"][1]
