"""What the dashboard and the debrief show: plain data built from an exercise's log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cases.analytics import metrics as m
from cases.analytics.charts import bar_chart, cumulative_flow_chart, funnel_chart, week_columns
from cases.analytics.history import FIGURES, YANBIAN_1961, Figure
from cases.analytics.log import Log, load_log
from cases.log_cache import cached_page
from cases.models import Exercise
from cases.rules import get_rule


def state_label(kind: str, state: str) -> str:
    """Return a state's label as its procedure names it (the code when the procedure is unknown)."""
    from cases.procedures import all_procedures

    proc = next((p for p in all_procedures() if p.kind == kind), None)
    return proc.state_label(state) if proc is not None else state


def procedure_label(kind: str) -> str:
    from cases.procedures import all_procedures

    proc = next((p for p in all_procedures() if p.kind == kind), None)
    return proc.label if proc is not None else kind


def rules_for_state(kind: str, state: str) -> list[str]:
    """Return the rule IDs of the steps that leave ``state`` in procedure ``kind`` (every variant)."""
    from cases.engine import meta_of
    from cases.procedures import all_procedures

    proc = next((p for p in all_procedures() if p.kind == kind), None)
    out: list[str] = []
    for t in proc.transitions if proc is not None else []:
        if t.source == state:
            out.extend(r for r in meta_of(t).rules if r not in out)
    return out


def fmt_days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def queue_diagrams(log: Log) -> list[tuple[str, str]]:
    """Return (procedure label, SVG) per procedure in the log, states coloured by open cases."""
    from cases.diagram import procedure_queue_svg
    from cases.procedures import all_procedures

    out = []
    for kind in m.kinds(log):
        proc = next((p for p in all_procedures() if p.kind == kind), None)
        if proc is not None:
            out.append((proc.label, procedure_queue_svg(proc.model, None, m.state_counts(log, kind))))
    return out


def _periods(weeks: list[m.WeekFlow], most: int = 52) -> list[tuple[str, int, int]]:
    """Group weeks into at most ``most`` periods of whole weeks, as (label, filed, closed)."""
    size = max(1, -(-len(weeks) // most))
    out = []
    for i in range(0, len(weeks), size):
        chunk = weeks[i:i + size]
        out.append((f"{chunk[0].start:%d %b %Y}", sum(w.filed for w in chunk), sum(w.closed for w in chunk)))
    return out


def dashboard_data(exercise: Exercise, log: Log | None = None) -> dict[str, Any]:
    """Return everything the dashboard page shows for one exercise."""
    log = log or load_log(exercise)
    out = m.outcomes(log)
    little = m.littles_law(log)
    steps = m.time_in_step(log)
    funnels = [(procedure_label(k), m.funnel(log, k), funnel_chart(m.funnel(log, k))) for k in m.kinds(log)]
    weeks = m.throughput_by_week(log)
    return {
        "log": log,
        "open": len(m.open_cases(log)),
        "filed": len(log.cases),
        "closed": out.closed,
        "approval_rate": out.rate(m.APPROVED),
        "refusal_rate": out.rate(m.REFUSED),
        "withdrawn_rate": out.rate(m.WITHDRAWN),
        "outcomes": out,
        "weekly_throughput": m.mean_weekly_throughput(log),
        "little": little,
        "wip_office_chart": bar_chart([(o, n) for o, n in m.wip_by_office(log)]),
        "wip_states": [
            (procedure_label(k), state_label(k, s), n) for k, s, n in m.wip_by_state(log)
        ],
        "steps": [
            {"procedure": procedure_label(t.kind), "state": state_label(t.kind, t.state), "done": t.done,
             "median": fmt_days(t.median), "p90": fmt_days(t.p90), "waiting": t.waiting,
             "oldest": fmt_days(t.oldest_wait)}
            for t in sorted(steps, key=lambda t: -(t.median or 0))
        ],
        "throughput_chart": week_columns(_periods(weeks)),
        "oldest": [(c, state_label(c.kind, c.state), w) for c, w in m.oldest_waiting(log, 10)],
        "cfd_chart": cumulative_flow_chart(m.cumulative_flow(log)),
        "funnels": funnels,
        "diagrams": queue_diagrams(log),
    }


@dataclass
class Comparison:
    """The class's numbers beside a historical figure."""

    figure: Figure
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (what, history, class)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "—"


def compare_with_history(log: Log) -> list[Comparison]:
    """Set the class's authorization-letter funnel beside Yanbian 1961 (D6), as counts and shares."""
    out = []
    if "authorization" in m.kinds(log):
        f = dict(zip(("letters", "applications", "approved", "refused"),
                     (n for _l, n in m.funnel(log, "authorization")), strict=False))
        h = YANBIAN_1961.numbers
        decided, h_decided = f["approved"] + f["refused"], h["approved"] + h["refused"]
        out.append(Comparison(YANBIAN_1961, [
            ("Letters received", f"{h['letters']:,}", f"{f['letters']:,}"),
            ("Applications", f"{h['applications']:,} ({_pct(h['applications'], h['letters'])} of letters)",
             f"{f['applications']:,} ({_pct(f['applications'], f['letters'])} of letters)"),
            ("Approved", f"{h['approved']:,} ({_pct(h['approved'], h_decided)} of decisions)",
             f"{f['approved']:,} ({_pct(f['approved'], decided)} of decisions)"),
            ("Not approved", f"{h['refused']:,} ({_pct(h['refused'], h_decided)} of decisions)",
             f"{f['refused']:,} ({_pct(f['refused'], decided)} of decisions)"),
        ]))
    return out


def _yanbian_assumptions() -> list[Any]:
    from cases.analytics.calibration_aut import CALIBRATED_1961, assumptions

    return assumptions(CALIBRATED_1961)


def debrief_data(exercise: Exercise, log: Log | None = None) -> dict[str, Any]:
    """Return the debrief: where the queue grew and why, Little's law, the history beside the class."""
    log = log or load_log(exercise)
    neck = m.bottleneck(log)
    longest = m.longest_median_wait(log)
    waits = {o: (n, med) for o, n, med in m.wait_by_office(log)}
    story: list[str] = []
    rules = []
    if neck is not None:
        label = state_label(neck.kind, neck.state)
        story.append(
            f"The queue grew at {neck.office}: {neck.wip} open cases wait for it, {neck.state_wip} of them at "
            f"\u201c{label}\u201d ({procedure_label(neck.kind)})."
        )
        if neck.median_wait is not None:
            story.append(f"Cases that got through that step waited a median of {neck.median_wait:.1f} simulated days.")
        if neck.office in waits and waits[neck.office][1] is not None:
            story.append(f"Over all its steps, {neck.office} took a median of {waits[neck.office][1]:.1f} days "
                         f"({waits[neck.office][0]} steps taken).")
        rules = [get_rule(r) for r in neck.rules]
    if longest is not None:
        story.append(
            f"The longest median wait was at \u201c{state_label(longest.kind, longest.state)}\u201d "
            f"({procedure_label(longest.kind)}): {longest.median:.1f} days, 90% within {longest.p90:.1f} days."
        )
        if not rules:  # nothing waits now: cite the rules of the slowest step instead
            rules = [get_rule(r) for r in rules_for_state(longest.kind, longest.state)]
    held = m.case_days_by_office(log)
    total = sum(v for _o, v in held)
    if held and total:
        story.append(
            f"Over the whole exercise cases spent most of their waiting time on {held[0][0]}: "
            f"{held[0][1]:.0f} case-days, {100 * held[0][1] / total:.0f}% of all the time cases spent waiting."
        )
    out = m.outcomes(log)
    kinds = set(m.kinds(log))
    return {
        "log": log,
        "filed": len(log.cases),
        "closed": out.closed,
        "open": len(m.open_cases(log)),
        "outcomes": out,
        "bottleneck": neck,
        "bottleneck_label": state_label(neck.kind, neck.state) if neck else "",
        "rules": rules,
        "story": story,
        "little": m.littles_law(log),
        "comparisons": compare_with_history(log),
        "model_assumptions": _yanbian_assumptions() if "authorization" in kinds else [],
        # Figures about the procedures this class ran first, then the rest of PROCEDURES.md's list.
        "figures": sorted(FIGURES, key=lambda f: not (set(f.kinds) & kinds)),
        "diagrams": queue_diagrams(log),
    }


def _page(data: dict[str, Any]) -> dict[str, Any]:
    """Return what a page shows: the data without the log it was computed from."""
    return {k: v for k, v in data.items() if k != "log"}


def dashboard_page(exercise: Exercise) -> dict[str, Any]:
    """Return the dashboard's data, computed once per version of the exercise's log."""
    return cached_page("dashboard", exercise, lambda: _page(dashboard_data(exercise)))


def debrief_page(exercise: Exercise) -> dict[str, Any]:
    """Return the debrief's data, computed once per version of the exercise's log."""
    return cached_page("debrief", exercise, lambda: _page(debrief_data(exercise)))
