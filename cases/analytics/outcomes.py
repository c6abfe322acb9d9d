"""How each procedure's cases end: approved, refused or withdrawn, and the stages of its funnel.

Each procedure's outcome states are part of its registration (``outcomes=`` of
:func:`cases.procedures.register_procedure`). A procedure that registers none gets a default read from
its terminal states' names and labels (``refused``, ``repatriated``, ``withdrawn``, ``unused``...).
"""

from __future__ import annotations

from cases.procedures import APPROVED, OUTCOMES, REFUSED, WITHDRAWN, FunnelStage, OutcomeSpec, find_procedure

OPEN = "open"
__all__ = ["APPROVED", "OPEN", "OUTCOMES", "REFUSED", "WITHDRAWN", "FunnelStage", "OutcomeSpec", "classify",
           "classify_words", "funnel_stages", "outcome_spec"]

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
    """Return the funnel of ``kind``: its registered stages, or filed -> closed approved / refused."""
    spec = outcome_spec(kind)
    if spec.funnel:
        return spec.funnel
    return (
        FunnelStage("Filed", filed=True),
        FunnelStage("Closed: approved", outcome=APPROVED),
        FunnelStage("Closed: refused", outcome=REFUSED),
        FunnelStage("Closed: withdrawn", outcome=WITHDRAWN),
    )
