"""Draw a procedure's state machine as a small SVG, with the current state highlighted.

Hand-written rather than Graphviz: the demo must run on a machine with only Python, and the
diagrams are small layered graphs (a few dozen states) that a breadth-first layering draws well.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from html import escape
from typing import TYPE_CHECKING

from cases.engine import all_transitions, meta_of

if TYPE_CHECKING:
    from cases.models import Case

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 200, 50, 26, 40, 14


def _edges(model: type[Case], variant: str | None) -> list[tuple[str, str, str]]:
    out = []
    for t in all_transitions(model):
        variants = meta_of(t).variants
        if variants and variant is not None and variant not in variants:
            continue
        if t.target is not None and t.target != t.source:
            out.append((t.source, t.target, meta_of(t).office))
    return out


def layers(model: type[Case], variant: str | None = None) -> list[list[str]]:
    """Return the states in rows: longest-path layering of the forward edges, rows ordered by barycentre.

    Edges that lead back up (papers returned for another round) are found by a depth-first search and
    left out of the layering, so the main flow reads from top to bottom.
    """
    edges = _edges(model, variant)
    states = [s for s in model.State.values if any(s in (a, b) for a, b, _ in edges)]  # type: ignore[attr-defined]
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b, _o in edges:
        if b not in succ[a]:
            succ[a].append(b)
    incoming = {b for _a, b, _o in edges}
    back: set[tuple[str, str]] = set()
    seen: set[str] = set()
    on_stack: set[str] = set()

    def dfs(node: str) -> None:
        seen.add(node)
        on_stack.add(node)
        for nxt in succ[node]:
            if nxt in on_stack:
                back.add((node, nxt))
            elif nxt not in seen:
                dfs(nxt)
        on_stack.discard(node)

    for start in [s for s in states if s not in incoming] + states:
        if start not in seen:
            dfs(start)
    forward = [(a, b) for a, b, _o in edges if (a, b) not in back]
    depth = {s: 0 for s in states}
    for _ in states:  # relax until stable: longest path in a DAG of a few dozen nodes
        changed = False
        for a, b in forward:
            if depth[b] < depth[a] + 1:
                depth[b] = depth[a] + 1
                changed = True
        if not changed:
            break
    rows: dict[int, list[str]] = defaultdict(list)
    for s in states:
        rows[depth[s]].append(s)
    ordered = [rows[k] for k in sorted(rows)]
    preds: dict[str, list[str]] = defaultdict(list)
    for a, b in forward:
        preds[b].append(a)
    for _sweep in range(3):
        index = {s: i for row in ordered for i, s in enumerate(row)}
        for row in ordered[1:]:
            row.sort(key=lambda s: sum(index[p] for p in preds[s]) / len(preds[s]) if preds[s] else index[s])
            index.update({s: i for i, s in enumerate(row)})
    return ordered


def procedure_svg(case: Case, counts: dict[str, int] | None = None) -> str:
    """Return an SVG of the case's procedure (its variant only) with its current state marked.

    With ``counts`` (open cases per state) the states are also coloured by queue size; without
    them the drawing is exactly the plain case diagram.
    """
    return _draw(type(case), case.variant or None, case.state, counts)


def procedure_queue_svg(model: type[Case], variant: str | None, counts: dict[str, int]) -> str:
    """Return an SVG of a procedure (all variants when ``variant`` is None) coloured by queue size.

    Each state is shaded from white to deep red by its share of the longest queue and shows its
    count, so a class sees on the projector where the cases pile up.
    """
    return _draw(model, variant, None, counts)


def queue_fill(count: int, largest: int) -> str:
    """Return the fill of a state holding ``count`` cases when the longest queue holds ``largest``."""
    if count <= 0 or largest <= 0:
        return "#ffffff"
    share = count / largest
    # From a pale rose (one case) to a deep red (the longest queue): keep the label readable.
    r, g, b = (255, round(235 - 150 * share), round(230 - 160 * share))
    return f"#{r:02x}{g:02x}{b:02x}"


def _draw(model: type[Case], variant: str | None, current_state: str | None, counts: dict[str, int] | None) -> str:
    from cases.procedures import get_procedure

    procedure = get_procedure(model.PROCEDURE_KIND)
    rows = layers(model, variant)
    width = max(len(r) for r in rows) * (BOX_W + GAP_X) + PAD * 2
    height = len(rows) * (BOX_H + GAP_Y) + PAD * 2
    pos: dict[str, tuple[float, float]] = {}
    for y, row in enumerate(rows):
        row_w = len(row) * (BOX_W + GAP_X) - GAP_X
        x0 = (width - row_w) / 2
        for x, state in enumerate(row):
            pos[state] = (x0 + x * (BOX_W + GAP_X), PAD + y * (BOX_H + GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'class="bd-diagram" role="img" aria-label="Procedure diagram">',
        '<defs><marker id="bd-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#666"/></marker></defs>',
    ]
    for a, b, _office in _edges(model, variant):
        if a not in pos or b not in pos:
            continue
        ax, ay = pos[a]
        bx, by = pos[b]
        x1, x2 = ax + BOX_W / 2, bx + BOX_W / 2
        if by > ay:
            path = f"M{x1:.0f},{ay + BOX_H:.0f} L{x2:.0f},{by:.0f}"
        else:  # a step back up (papers returned): curve out to the side
            bend = max(ax, bx) + BOX_W + GAP_X / 2
            path = f"M{ax + BOX_W:.0f},{ay + BOX_H / 2:.0f} C{bend:.0f},{ay:.0f} {bend:.0f},{by + BOX_H:.0f} " \
                   f"{bx + BOX_W:.0f},{by + BOX_H / 2:.0f}"
        parts.append(f'<path d="{path}" fill="none" stroke="#888" stroke-width="1.3" marker-end="url(#bd-arrow)"/>')
    terminal = procedure.terminal
    largest = max(counts.values(), default=0) if counts else 0
    for state, (x, y) in pos.items():
        label = procedure.state_label(state)
        current = state == current_state
        fill = "#ffd54f" if current else ("#e8eef3" if state in terminal else "#ffffff")
        stroke = "#c62828" if current else "#5b7083"
        count_attr = ""
        if counts is not None:
            n = counts.get(state, 0)
            count_attr = f' data-count="{n}"'
            if n and not current:
                fill = queue_fill(n, largest)
            label = f"{label} ({n} waiting)" if n and state not in terminal else label
        lines = textwrap.wrap(label, 32)[:3]
        parts.append(
            f'<g class="bd-state{" bd-current" if current else ""}" data-state="{escape(state)}"{count_attr}>'
            f'<title>{escape(label)}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{3 if current else 1.2}"/>'
        )
        if counts and counts.get(state, 0) and state not in terminal:
            parts.append(
                f'<circle cx="{x + BOX_W - 4:.0f}" cy="{y + 4:.0f}" r="15" fill="#263238"/>'
                f'<text x="{x + BOX_W - 4:.0f}" y="{y + 9:.0f}" text-anchor="middle" font-size="14" '
                f'font-family="sans-serif" font-weight="700" fill="#ffffff">{counts[state]}</text>'
            )
        for i, line in enumerate(lines):
            ty = y + BOX_H / 2 + (i - (len(lines) - 1) / 2) * 13 + 4
            parts.append(
                f'<text x="{x + BOX_W / 2:.0f}" y="{ty:.0f}" text-anchor="middle" font-size="11.5" '
                f'font-family="sans-serif" font-weight="{700 if current else 400}">{escape(line)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
