"""The placeholders a pack's ``debrief:`` questions may use, filled with the class's own numbers.

A question such as "Your class closed {approved_of_closed}; Yanbian approved 1,053 of about 1,778 in
1961 (D6). Why might yours differ?" reads on the debrief page with the figures the debrief computes
(``cases/analytics/questions.py``). The vocabulary is closed: a pack naming a placeholder not listed
here, or using a format spec, is a pack error with its line, found when the pack is parsed.

This module is plain data (the classroom layer checks packs; the analytics fill the values).
"""

from __future__ import annotations

from string import Formatter

PLACEHOLDERS: dict[str, str] = {
    "filed": "cases filed in the run (a number)",
    "closed": "cases closed (a number)",
    "open": "cases still open (a number)",
    "approved_of_closed": ("cases closed the first way (approved, holder back, returned: in each procedure's own "
                           "words), with their share of the closed cases"),
    "refused_of_closed": ("cases closed the second way (refused, not returned, repatriated: in each procedure's "
                          "own words), with their share of the closed cases"),
    "withdrawn_of_closed": ("cases closed as withdrawn, unused or lapsed (in each procedure's own words), with "
                            "their share of the closed cases"),
    "bottleneck_office": "the office whose waiting cases have waited longest in all",
    "bottleneck_step": "the step where they wait (label and procedure)",
    "bottleneck_waiting": "how many wait there, their median age so far and the oldest",
    "longest_step": "the step with the longest median time in step, the cases still there counted at their age",
    "mean_days_in_system": "the average simulated days a case spent in the system (Little's W)",
    "days": "the simulated days the run has covered",
    "letters": "authorization letters received (AUT-1; a number)",
    "applications": "applications made on them (AUT-1; a number)",
    "letters_approved": "applications approved, with their share of the decisions (D6's base)",
    "letters_refused": "applications not approved, with their share of the decisions",
}


def question_problems(text: str) -> list[str]:
    """Return what is wrong with the placeholders of one question ([] when every one is known and plain)."""
    problems = []
    try:
        fields = [(name, spec, conv) for _lit, name, spec, conv in Formatter().parse(text) if name is not None]
    except ValueError as exc:
        return [f"the question's braces do not pair up ({exc}); write {{{{ and }}}} for a literal brace"]
    for name, spec, conv in fields:
        if name not in PLACEHOLDERS:
            known = ", ".join(sorted(PLACEHOLDERS))
            problems.append(f"unknown placeholder {{{name}}}; the debrief fills only: {known}")
        elif spec or conv:
            problems.append(f"write the placeholder {{{name}}} plainly: the debrief formats its figures itself")
    return problems
