"""A procedure's state machine as Graphviz DOT, laid out by Graphviz in the page.

The server writes the DOT (every arrow labelled by its step and the office that takes it, the case's
own path highlighted from its events, the current state marked, queue counts for the dashboard); the
page lays it out with Graphviz compiled to WebAssembly (Viz.js, vendored under
``cases/static/cases/vendor/viz/``), so the demo needs no system binary and no internet. The SVG is
drawn inline in the page as soon as it loads, so it prints. Until then (or without JavaScript) the
page shows the states as a plain list.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from django.templatetags.static import static

from cases.choices import OfficeKind, office_kind_label
from cases.engine import all_transitions, meta_of

if TYPE_CHECKING:
    from cases.models import Case
    from cases.procedures import Procedure

VIZ_SCRIPT = "cases/vendor/viz/viz-global.js"
LOADER_SCRIPT = "cases/diagram.js"

# Verdana first: Graphviz measures labels by its metrics, and where it is missing (Linux) browsers fall
# back to DejaVu Sans, which is as wide, so no label overflows its box.
# Colours: readable on a projector and in black-and-white print (the current state is also bold
# with a thick border, the path also thicker, so nothing depends on colour alone).
CURRENT_FILL, CURRENT_LINE = "#ffd54f", "#b71c1c"
VISITED_FILL = "#fff6d6"
PATH_LINE = "#c62828"
TERMINAL_FILL = "#e8eef3"
PLAIN_LINE, EDGE_LINE = "#5b7083", "#8a96a3"


@dataclass(frozen=True)
class Edge:
    """One step drawn as an arrow: from, to, the step's name, its label and its office."""

    source: str
    target: str
    name: str
    label: str
    office: str
    rules: tuple[str, ...]


def edges(model: type[Case], variant: str | None = None) -> list[Edge]:
    """Return the steps of a procedure that change state (of one variant, or all when ``variant`` is None)."""
    out = []
    for t in all_transitions(model):
        meta = meta_of(t)
        if meta.variants and variant is not None and variant not in meta.variants:
            continue
        if t.target is not None and t.target != t.source:
            out.append(Edge(t.source, t.target, t.name, meta.label, meta.office, meta.all_rules))
    return out


# The offices' names as the arrows carry them (the full names are in OfficeKind and on every page).
SHORT_OFFICE = {
    OfficeKind.COUNTY_PSB: "County PSB",
    OfficeKind.BORDER_STATION: "Border work station",
    OfficeKind.BORDER_DEFENCE: "Border defence",
    OfficeKind.CIVIL_AFFAIRS: "Civil affairs bureau",
    OfficeKind.PROVINCIAL_PSB: "Provincial PSD",
    OfficeKind.PROVINCIAL_COMMITTEE: "Provincial committee",
    OfficeKind.MPS: "Ministry of Public Security",
    OfficeKind.MFA: "Ministry of Foreign Affairs",
    OfficeKind.CENTRAL_COMMITTEE: "CCP Central Committee",
    OfficeKind.BORDER_REPRESENTATIVE: "Border representative",
    OfficeKind.DPRK_SPA: "DPRK SPA Standing Committee",
    OfficeKind.DPRK_SAFETY: "DPRK Social Safety Ministry",
    OfficeKind.DPRK_INSPECTION: "DPRK border inspection",
}


def office_label(kind: str) -> str:
    """Return an office's name short enough for an arrow (its label without the bracketed detail)."""
    if kind in SHORT_OFFICE:
        return SHORT_OFFICE[OfficeKind(kind)]
    return office_kind_label(kind).split(" (", 1)[0]


def queue_fill(count: int, largest: int) -> str:
    """Return the fill of a state holding ``count`` cases when the longest queue holds ``largest``."""
    if count <= 0 or largest <= 0:
        return "#ffffff"
    share = count / largest
    # From a pale rose (one case) to a deep red (the longest queue): keep the label readable.
    r, g, b = (255, round(235 - 150 * share), round(230 - 160 * share))
    return f"#{r:02x}{g:02x}{b:02x}"


def states_of(model: type[Case], variant: str | None = None) -> list[str]:
    """Return the states a procedure's (variant's) steps reach or leave, in the order the model declares them."""
    steps = edges(model, variant)
    return [s for s in model.State.values if any(s in (e.source, e.target) for e in steps)]  # type: ignore[attr-defined]


def case_path(case: Case) -> tuple[set[tuple[str, str, str]], set[str]]:
    """Return the steps the case took, as (source, target, step name), and the states it has been in."""
    steps: set[tuple[str, str, str]] = set()
    visited: set[str] = {case.state}
    for source, target, name in case.events.values_list("source_state", "target_state", "transition"):
        if source:
            visited.add(source)
        if target:
            visited.add(target)
        if source and target and source != target:
            steps.add((source, target, name))
    return steps, visited


def _q(text: str) -> str:
    """Quote a DOT string (a label's line breaks become DOT's centred ``\\n``)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def procedure_dot(
    model: type[Case],
    variant: str | None = None,
    *,
    current: str | None = None,
    path: set[tuple[str, str, str]] | None = None,
    visited: set[str] | None = None,
    counts: dict[str, int] | None = None,
) -> str:
    """Return the DOT of a procedure.

    ``current`` is marked (thick red border, yellow, "NOW:" before its label), the steps in ``path`` (source, target,
    step name) are drawn thick and red and the states in ``visited`` pale yellow. With ``counts``
    (open cases per state) each state shows how many cases wait there and is shaded by its share of
    the longest queue.
    """
    from cases.procedures import get_procedure

    procedure = get_procedure(model.PROCEDURE_KIND)
    steps = edges(model, variant)
    path = path or set()
    visited = visited or set()
    order = states_of(model, variant)
    terminal = procedure.terminal
    largest = max(counts.values(), default=0) if counts else 0
    lines = [
        f"digraph {_q(model.PROCEDURE_KIND)} {{",
        '  graph [rankdir=TB, nodesep=0.45, ranksep=0.4, bgcolor="transparent", pad=0.15, '
        'fontname="Verdana,DejaVu Sans,sans-serif", newrank=true];',
        f'  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="{PLAIN_LINE}", '
        'fontname="Verdana,DejaVu Sans,sans-serif", fontsize=14, margin="0.2,0.07"];',
        f'  edge [color="{EDGE_LINE}", fontname="Verdana,DejaVu Sans,sans-serif", fontsize=11, fontcolor="#37474f", '
        "arrowsize=0.8];",
    ]
    for state in order:
        label = _wrap(procedure.state_label(state), 22)
        attrs = {"id": f"bd-state-{state}", "class": "bd-node"}
        fill = TERMINAL_FILL if state in terminal else "#ffffff"
        if state in terminal:
            attrs["peripheries"] = "2"
        if counts is not None:
            n = counts.get(state, 0)
            attrs["class"] += f" bd-count-{n}"
            if n and state not in terminal:
                label += f"\n{n} waiting"
                fill = queue_fill(n, largest)
        if state in visited:
            fill = VISITED_FILL
            attrs["class"] += " bd-visited"
        if state == current:
            fill, attrs["color"], attrs["penwidth"] = CURRENT_FILL, CURRENT_LINE, "3"
            attrs["class"] += " bd-current"
            label = f"NOW: {label}"
        attrs["label"], attrs["fillcolor"] = label, fill
        attrs["tooltip"] = procedure.state_label(state)
        lines.append(f"  {_q(state)} [{_attrs(attrs)}];")
    for e in steps:
        on_path = (e.source, e.target, e.name) in path
        label = f"{_wrap(e.label, 20)}\n[{office_label(e.office)}]"
        attrs = {
            "id": f"bd-step-{e.name}-{e.source}",
            "class": "bd-edge bd-path" if on_path else "bd-edge",
            "label": label,
            "tooltip": f"{e.label} — {office_label(e.office)} — {', '.join(e.rules)}",
        }
        if on_path:
            attrs.update(color=PATH_LINE, penwidth="3", fontcolor=PATH_LINE)
        lines.append(f"  {_q(e.source)} -> {_q(e.target)} [{_attrs(attrs)}];")
    lines.append("}")
    return "\n".join(lines)


def _attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{k}={_q(v)}" for k, v in attrs.items())


def case_dot(case: Case, counts: dict[str, int] | None = None) -> str:
    """Return the DOT of the case's procedure (its variant only), its path and its current state marked."""
    path, visited = case_path(case)
    return procedure_dot(type(case), case.variant or None, current=case.state, path=path, visited=visited,
                         counts=counts)


def procedure_svg(case: Case, counts: dict[str, int] | None = None) -> str:
    """Return the HTML of the case's diagram: its DOT, laid out into an inline SVG in the page.

    With ``counts`` (open cases per state) the states are also coloured by queue size.
    """
    from cases.procedures import get_procedure

    procedure = get_procedure(type(case).PROCEDURE_KIND)
    dot = case_dot(case, counts)
    return _figure(procedure, dot, states_of(type(case), case.variant or None), current=case.state, counts=counts,
                   caption=f"{procedure.label}: the path this case took is in red, its state now in yellow.")


def procedure_queue_svg(model: type[Case], variant: str | None, counts: dict[str, int]) -> str:
    """Return the HTML of a procedure's diagram (all variants when ``variant`` is None) coloured by queue size.

    Each state shows how many open cases wait there and is shaded from white to deep red by its share
    of the longest queue, so a class sees on the projector where the cases pile up.
    """
    from cases.procedures import get_procedure

    procedure = get_procedure(model.PROCEDURE_KIND)
    dot = procedure_dot(model, variant, counts=counts)
    return _figure(procedure, dot, states_of(model, variant), current=None, counts=counts,
                   caption=f"{procedure.label}: the darker a state, the more cases wait there.")


def _busiest(states: list[str], counts: dict[str, int] | None) -> str:
    """Return the state with the most cases waiting (the first of equals, in the procedure's order), or ""."""
    waiting = counts or {}
    best = max(states, key=lambda state: waiting.get(state, 0), default="")
    return best if waiting.get(best, 0) > 0 else ""


def _figure(procedure: Procedure, dot: str, states: list[str], *, current: str | None,
            counts: dict[str, int] | None, caption: str) -> str:
    """Wrap DOT in the element the loader script renders, with a plain list of the states as fallback."""
    items = []
    for state in states:
        mark = " (now)" if state == current else ""
        n = counts.get(state, 0) if counts is not None else None
        count = f' data-count="{n}"' if n is not None else ""
        waiting = f" — {n} waiting" if n else ""
        items.append(f'<li data-state="{escape(state)}"{count}>{escape(procedure.state_label(state))}{mark}'
                     f"{waiting}</li>")
    focus = current or _busiest(states, counts)
    focused = f' data-focus="{escape(focus)}"' if focus else ""
    return (
        f'<figure class="bd-graphviz" data-kind="{escape(procedure.kind)}" data-dot="{escape(dot)}"{focused}>'
        f'<div class="bd-graphviz-out"></div>'
        f'<ol class="bd-graphviz-fallback">{"".join(items)}</ol>'
        f'<figcaption class="bd-muted">{escape(caption)}</figcaption>'
        f"</figure>"
        f'<script src="{escape(static(LOADER_SCRIPT))}" data-viz="{escape(static(VIZ_SCRIPT))}" defer></script>'
    )
