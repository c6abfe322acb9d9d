"""How each procedure's cases end, in three buckets, what each procedure calls them, and its funnel.

Each procedure's outcome states are part of its registration (``outcomes=`` of
:func:`cases.procedures.register_procedure`), with the words it uses for each bucket (a permit's first is
"holder back, on time or late", a crosser's "returned or sent home"). A procedure that registers none gets a
default read from its terminal states' names and labels (``refused``, ``repatriated``, ``withdrawn``,
``unused``...) and the default words (approved, refused, withdrawn or unused).
"""

from __future__ import annotations

from cases.procedures import (
    APPROVED,
    DEFAULT_OUTCOME_LABELS,
    OUTCOMES,
    REFUSED,
    WITHDRAWN,
    FunnelStage,
    OutcomeSpec,
    find_procedure,
)

OPEN = "open"
__all__ = ["APPROVED", "DEFAULT_OUTCOME_LABELS", "OPEN", "OUTCOMES", "REFUSED", "WITHDRAWN", "FunnelStage",
           "OutcomeSpec", "classify", "classify_words", "funnel_stages", "outcome_label", "outcome_spec"]

# Words in a terminal state's code or label that say how the case ended. Checked in this order:
# "not approved" must count as refused before anything could read "approved" in it.
REFUSED_WORDS = ("refus", "repatriat", "reject", "denied", "not approved", "improper", "sent back", "deport")
WITHDRAWN_WORDS = ("withdr", "unused", "did not apply", "abandon", "lapsed", "cancel", "gave up")


def classify_words(state: str, label: str = "") -> str:
    """Classify a closing state by the words of its code and label (the default)."""
    text = f"{state} {label}".lower().replace("_", " ")
    if any(w in text for w in REFUSED_WORDS):
        return REFUSED
    if any(w in text for w in WITHDRAWN_WORDS):
        return WITHDRAWN
    return APPROVED


def outcome_spec(kind: str) -> OutcomeSpec:
    """Return the registered spec of ``kind``, or the default built from its terminal states."""
    proc = find_procedure(kind)
    if proc is None:
        return OutcomeSpec()
    if proc.outcomes is not None:
        return proc.outcomes
    buckets: dict[str, set[str]] = {APPROVED: set(), REFUSED: set(), WITHDRAWN: set()}
    for state in proc.terminal:
        buckets[classify_words(state, proc.state_label(state))].add(state)
    return OutcomeSpec(
        approved=frozenset(buckets[APPROVED]), refused=frozenset(buckets[REFUSED]),
        withdrawn=frozenset(buckets[WITHDRAWN]),
    )


def outcome_label(kind: str, outcome: str) -> str:
    """Return what procedure ``kind`` calls one bucket (the words after "closed as")."""
    return outcome_spec(kind).label(outcome)


def classify(kind: str, state: str) -> str:
    """Return how a case of ``kind`` that closed in ``state`` ended: approved, refused or withdrawn."""
    spec = outcome_spec(kind)
    for outcome, states in ((APPROVED, spec.approved), (REFUSED, spec.refused), (WITHDRAWN, spec.withdrawn)):
        if state in states:
            return outcome
    proc = find_procedure(kind)
    label = proc.state_label(state) if proc is not None else ""
    return classify_words(state, label)


def funnel_stages(kind: str) -> tuple[FunnelStage, ...]:
    """Return the funnel of ``kind``: its registered stages, or filed -> closed by bucket, in its own words."""
    spec = outcome_spec(kind)
    if spec.funnel:
        return spec.funnel
    return (FunnelStage("Filed", filed=True),
            *(FunnelStage(f"Closed: {spec.label(o)}", outcome=o) for o in OUTCOMES))
