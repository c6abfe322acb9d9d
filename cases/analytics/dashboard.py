"""What the dashboard and the debrief show: plain data built from an exercise's log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import pluralize

from cases.analytics import metrics as m
from cases.analytics.charts import bar_chart, cumulative_flow_chart, funnel_chart, week_columns
from cases.analytics.figures import (
    OF_FILED,
    authorization_funnel,
    closed_shares,
    closed_shares_by_kind,
    closing_rate,
    decision_shares,
)
from cases.analytics.history import FIGURES, YANBIAN_1961, Figure
from cases.analytics.live import live_read
from cases.analytics.metrics import Source
from cases.analytics.questions import filled_questions, pack_questions, question_values
from cases.analytics.run_rules import counterfactual, rules_of_run
from cases.log_cache import cached_page
from cases.models import Exercise
from cases.rules import get_rule
from cases.wording import short_date


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


def count_of(n: int, noun: str) -> str:
    """Return "1 case", "1,200 cases"."""
    return f"{n:,} {noun}{pluralize(n)}"


def step_text(done: int, median: float | None, p90: float | None, waiting: int, waiting_median: float | None,
              oldest: float | None) -> str:
    """Return a step's waits with finished and waiting apart: "finished: 3, median 2.0, 90% within 3.6 days ·
    still waiting: 2, median age 9.0, oldest 10.0 days"."""
    parts = []
    if done:
        parts.append(f"finished: {done}, median {fmt_days(median)}"
                     + (f", 90% within {fmt_days(p90)}" if p90 is not None else "") + " days")
    else:
        parts.append("finished: none yet")
    if waiting:
        parts.append(f"still waiting: {waiting}, median age {fmt_days(waiting_median)}, oldest {fmt_days(oldest)} days")
    else:
        parts.append("still waiting: none")
    return " · ".join(parts)


def step_rows(steps: list[m.StepTime]) -> list[dict[str, Any]]:
    """Return the time-in-step table: finished and waiting apart, the longest median (both together) first."""
    return [
        {"procedure": procedure_label(t.kind), "state": state_label(t.kind, t.state), "done": t.done,
         "median": fmt_days(t.median), "p90": fmt_days(t.p90), "waiting": t.waiting,
         "waiting_median": fmt_days(t.waiting_median), "oldest": fmt_days(t.oldest_wait),
         "median_all": fmt_days(t.median_all)}
        for t in sorted(steps, key=lambda t: (-(t.median_all or 0), -t.total))
    ]


def queue_diagrams(log: Source) -> list[tuple[str, str]]:
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
        out.append((short_date(chunk[0].start), sum(w.filed for w in chunk), sum(w.closed for w in chunk)))
    return out


def dashboard_data(exercise: Exercise, log: Source | None = None) -> dict[str, Any]:
    """Return everything the dashboard page shows for one exercise."""
    if log is None:
        return live_read(exercise, lambda summary: dashboard_data(exercise, summary))
    out = m.outcomes(log)
    shares = closed_shares(log, metrics=m)
    little = m.littles_law(log)
    steps = m.time_in_step(log)
    weeks = m.throughput_by_week(log)
    weekly = m.mean_weekly_throughput(log)
    return {
        "log": log,
        "open": m.open_count(log),
        "filed": m.filed_count(log),
        "closed": out.closed,
        # The shares of closed cases: one definition (figures.closed_shares) for every page that shows them.
        "approval_rate": shares[m.APPROVED].rate,
        "refusal_rate": shares[m.REFUSED].rate,
        "withdrawn_rate": shares[m.WITHDRAWN].rate,
        "outcomes": out,
        "closed_shares": shares,
        "weekly_throughput": weekly,
        # As printed: a unit (week, month, year) and enough digits that one closing is never "0.0".
        "closing_rate": closing_rate(weekly),
        "little": little,
        "wip_office_chart": bar_chart([(o, n) for o, n in m.wip_by_office(log)]),
        "wip_states": [
            (procedure_label(k), state_label(k, s), n) for k, s, n in m.wip_by_state(log)
        ],
        "steps": step_rows(steps),
        "throughput_chart": week_columns(_periods(weeks)),
        "oldest": [(c, state_label(c.kind, c.state), w) for c, w in m.oldest_waiting(log, 10)],
        "cfd_chart": cumulative_flow_chart(m.cumulative_flow(log), outcome_labels={
            o: f"Closed: {s.name}" for o, s in shares.items()}),
        "funnels": funnels(log),
        "diagrams": queue_diagrams(log),
    }


def funnels(log: Source) -> list[tuple[str, list[tuple[str, int]], str]]:
    """Return per procedure its funnel and chart, each stage labelled with its share of all cases filed."""
    out = []
    for k in m.kinds(log):
        stages = m.funnel(log, k)
        out.append((procedure_label(k), stages, funnel_chart(stages, basis=OF_FILED)))
    return out


@dataclass
class Comparison:
    """The class's numbers beside a historical figure."""

    figure: Figure
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (what, history, class)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "—"


def compare_with_history(log: Source) -> list[Comparison]:
    """Set the class's authorization-letter funnel beside Yanbian 1961 (D6), as counts and shares."""
    out = []
    if "authorization" in m.kinds(log):
        f = authorization_funnel(log)
        shares = decision_shares(log)
        h = YANBIAN_1961.numbers
        h_decided = h["approved"] + h["refused"]
        out.append(Comparison(YANBIAN_1961, [
            ("Letters received", f"{h['letters']:,}", f"{f['letters']:,}"),
            ("Applications", f"{h['applications']:,} ({_pct(h['applications'], h['letters'])} of letters)",
             f"{f['applications']:,} ({_pct(f['applications'], f['letters'])} of letters)"),
            ("Approved (reached approval, open or closed)",
             f"{h['approved']:,} ({_pct(h['approved'], h_decided)} of decisions)",
             f"{shares['approved'].n:,} ({shares['approved'].pct} of decisions)"),
            ("Not approved", f"{h['refused']:,} ({_pct(h['refused'], h_decided)} of decisions)",
             f"{shares['refused'].n:,} ({shares['refused'].pct} of decisions)"),
        ]))
    return out


def _yanbian_assumptions() -> list[Any]:
    from cases.analytics.calibration_aut import CALIBRATED_1961, assumptions

    return assumptions(CALIBRATED_1961)


def _wait_sentence(neck: m.Bottleneck, label: str) -> list[str]:
    """Return what the debrief says of the bottleneck: its queue, the waiting cases' ages, who got through."""
    lines = [
        f"The queue grew at {neck.office}: {count_of(neck.wip, 'open case')} "
        f"wait{pluralize(neck.wip, 's,')} for it, {neck.state_wip} of them at "
        f"\u201c{label}\u201d ({procedure_label(neck.kind)}); "
        + (f"it has waited {fmt_days(neck.waiting_median)} simulated days so far."
           if neck.state_wip == 1 else
           f"those {neck.state_wip} have waited a median of {fmt_days(neck.waiting_median)} simulated days so "
           f"far, the oldest {fmt_days(neck.oldest_wait)} days.")
    ]
    if neck.done:
        took = fmt_days(neck.median_wait)
        lines.append(f"{count_of(neck.done, 'case')} got through that step, in "
                     + (took if neck.done == 1 else f"a median of {took}")
                     + " simulated days (cases still waiting are not among them).")
    else:
        lines.append("No case has got through that step yet.")
    return lines


def _office_sentence(w: m.OfficeWait) -> str:
    finished = (f"finished {count_of(w.done, 'step')} in a median of {fmt_days(w.median)} days" if w.done
                else "has finished no step yet")
    waiting = (f"{count_of(w.waiting, 'case')} still wait{pluralize(w.waiting, 's,')} for it (median age "
               f"{fmt_days(w.waiting_median)} days, oldest {fmt_days(w.oldest_wait)})" if w.waiting
               else "no case waits for it now")
    return f"{w.office} {finished}; {waiting}."


def _longest_sentence(t: m.StepTime) -> str:
    counted = f", counting the {t.waiting} still waiting at their age so far" if t.waiting else ""
    return (f"The longest time in step was at \u201c{state_label(t.kind, t.state)}\u201d "
            f"({procedure_label(t.kind)}): a median of {fmt_days(t.median_all)} days{counted} "
            f"({step_text(t.done, t.median, t.p90, t.waiting, t.waiting_median, t.oldest_wait)}).")


def debrief_data(exercise: Exercise | None, log: Source | None = None) -> dict[str, Any]:
    """Return the debrief: where the queue grew and why, Little's law, the history beside the class.

    Every wait it quotes counts the cases still waiting (their age so far) beside those that got through;
    the rules it lists are those in force during the run; the pack's questions carry the class's numbers.
    """
    if log is None:
        assert exercise is not None
        return live_read(exercise, lambda summary: debrief_data(exercise, summary))
    neck = m.bottleneck(log)
    longest = m.longest_median_wait(log)
    waits = {w.office: w for w in m.wait_by_office(log)}
    story: list[str] = []
    rule_ids: list[str] = []
    not_in_force: list[str] = []
    labels: dict[str, str] = {}
    if neck is not None:
        label = state_label(neck.kind, neck.state)
        labels["bottleneck_step"] = f"\u201c{label}\u201d ({procedure_label(neck.kind)})"
        story += _wait_sentence(neck, label)
        if neck.office in waits:
            story.append(_office_sentence(waits[neck.office]))
        rule_ids = rules_of_run(exercise, log, neck.rules)
        not_in_force = [r for r in neck.rules if r not in rule_ids]
    if longest is not None:
        labels["longest_step"] = (f"\u201c{state_label(longest.kind, longest.state)}\u201d "
                                  f"({procedure_label(longest.kind)})")
        story.append(_longest_sentence(longest))
        if neck is None:  # nothing waits now: cite the rules of the slowest step instead
            rule_ids = rules_of_run(exercise, log, rules_for_state(longest.kind, longest.state))
    # The step whose rules are listed, named: the story tells the bottleneck, then the longest step.
    rules_step = labels.get("bottleneck_step") or labels.get("longest_step", "")
    held = m.case_days_by_office(log)
    total = sum(v for _o, v in held)
    if held and total:
        story.append(
            f"Over the whole exercise cases spent most of their waiting time on {held[0][0]}: "
            f"{held[0][1]:.0f} case-days, {100 * held[0][1] / total:.0f}% of all the time cases spent waiting."
        )
    out = m.outcomes(log)
    kinds = set(m.kinds(log))
    values = question_values(log, labels)
    applied = m.applied_rules(log)
    in_window = set(rules_of_run(exercise, log, applied))
    return {
        "log": log,
        "filed": m.filed_count(log),
        "closed": out.closed,
        "open": m.open_count(log),
        "outcomes": out,
        "closed_shares": closed_shares(log, metrics=m),
        # Each procedure's closings in its own words (shown when the class ran more than one).
        "closed_by_kind": [(procedure_label(k), list(shares.values()))
                           for k, shares in closed_shares_by_kind(log, metrics=m).items()],
        "bottleneck": neck,
        "bottleneck_label": state_label(neck.kind, neck.state) if neck else "",
        "rules": [get_rule(r) for r in rule_ids],
        "rules_step": rules_step,
        "rules_not_in_force": not_in_force,  # cited by the waiting cases, but dated outside the run
        # What the run's steps actually cited; a rule outside its dates was applied as an assumption.
        "applied_rules": [(get_rule(r), r in in_window) for r in applied],
        "counterfactual": counterfactual(exercise),
        "story": story,
        "steps": step_rows(m.time_in_step(log)),
        "little": m.littles_law(log),
        "questions": filled_questions(pack_questions(exercise), values),
        "comparisons": compare_with_history(log),
        "model_assumptions": _yanbian_assumptions() if "authorization" in kinds else [],
        # Figures about the procedures this class ran first, then the rest of PROCEDURES.md's list.
        # The sources' figures for the procedures this class ran (a marriage class saw Yanbian's letters and
        # Jilin's crossers, with nothing on marriages: the sources give no marriage figures).
        "figures": [f for f in FIGURES if set(f.kinds) & kinds],
        "diagrams": queue_diagrams(log),
    }


def debrief_charts(board: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the charts the printed debrief shows: the dashboard's own pygal SVG (cumulative flow, funnels),
    taken from its page so that a debrief costs no second cumulative-flow pass and prints what the projector showed."""
    return [("Cumulative flow", board["cfd_chart"]),
            *((f"Funnel: {label}", chart) for label, _stages, chart in board["funnels"])]


def _page(data: dict[str, Any]) -> dict[str, Any]:
    """Return what a page shows: the data without the log it was computed from."""
    return {k: v for k, v in data.items() if k != "log"}


def dashboard_page(exercise: Exercise) -> dict[str, Any]:
    """Return the dashboard's data, computed once per version of the exercise's log."""
    return cached_page("dashboard", exercise, lambda: _page(dashboard_data(exercise)))


def debrief_page(exercise: Exercise) -> dict[str, Any]:
    """Return the debrief's data, computed once per version of the exercise's log."""
    return cached_page("debrief", exercise, lambda: _page(debrief_data(exercise)))
