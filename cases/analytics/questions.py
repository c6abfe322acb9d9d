"""A pack's debrief questions with the class's numbers filled in (placeholders: cases/classroom/debrief_questions.py).

Every value is a figure the debrief page shows, from the same function, with the same label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.analytics import metrics as m
from cases.analytics.figures import authorization_funnel, closed_shares, decision_shares
from cases.analytics.metrics import Source
from cases.classroom.debrief_questions import PLACEHOLDERS, question_problems
from cases.models import Exercise


@dataclass(frozen=True)
class Question:
    text: str  # filled in
    source: str


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} simulated days"


def question_values(log: Source, labels: dict[str, str]) -> dict[str, str]:
    """Return the text of every placeholder for this log; ``labels`` names the bottleneck's and the longest
    step ("bottleneck_step", "longest_step"), as the debrief labels them."""
    shares = closed_shares(log)
    neck = m.bottleneck(log)
    longest = m.longest_median_wait(log)
    little = m.littles_law(log)
    f = authorization_funnel(log) if "authorization" in m.kinds(log) else {}
    decisions = decision_shares(log)
    values = {
        "filed": f"{m.filed_count(log):,}",
        "closed": f"{m.outcomes(log).closed:,}",
        "open": f"{m.open_count(log):,}",
        "approved_of_closed": shares[m.APPROVED].text,
        "refused_of_closed": shares[m.REFUSED].text,
        "withdrawn_of_closed": shares[m.WITHDRAWN].text,
        "bottleneck_office": neck.office if neck else "no office (no case is waiting)",
        "bottleneck_step": labels.get("bottleneck_step", "") or "no step (no case is waiting)",
        "bottleneck_waiting": (
            f"{neck.state_wip} cases, waiting a median of {_days(neck.waiting_median)} so far "
            f"(the oldest {_days(neck.oldest_wait)})" if neck else "no case"),
        "longest_step": (
            f"{labels.get('longest_step', '')}: a median of {_days(longest.median_all)}"
            + (f", counting the {longest.waiting} still waiting at their age so far" if longest.waiting else "")
            if longest else "no step yet"),
        "mean_days_in_system": _days(little.W),
        "days": f"{little.window_days:.0f} simulated days",
        "letters": f"{f.get('letters', 0):,}",
        "applications": f"{f.get('applications', 0):,}",
        "letters_approved": decisions["approved"].text,
        "letters_refused": decisions["refused"].text,
    }
    assert set(values) == set(PLACEHOLDERS)
    return values


def pack_questions(exercise: Exercise | None) -> list[dict[str, Any]]:
    """Return the ``debrief:`` questions of the pack the exercise was loaded from ([] for none)."""
    from cases.classroom.packs import PackError, get_pack
    from cases.errors import ApplicationError
    from cases.models import ExerciseScenario

    if exercise is None or exercise.pk is None:
        return []
    scenario = ExerciseScenario.objects.filter(exercise=exercise).first()
    if scenario is None:
        return []
    try:
        pack = get_pack(scenario.slug)
    except (ApplicationError, PackError):
        return []
    return list(pack.data.get("debrief", []))


def filled_questions(questions: list[dict[str, Any]], values: dict[str, str]) -> list[Question]:
    """Return the questions with their placeholders filled (one a pack check would refuse is shown as written)."""
    out = []
    for q in questions:
        text = str(q["text"]).strip()
        out.append(Question(text if question_problems(text) else text.format_map(values), str(q["source"])))
    return out
