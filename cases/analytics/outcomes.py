"""How each procedure's cases end: approved, refused or withdrawn, and the stages of its funnel.

One registry for every procedure. A procedure that registers nothing gets a default read from its
terminal states' names and labels (``refused``, ``repatriated``, ``withdrawn``, ``unused``...).
Procedures extend it with :func:`register_outcomes` (the lead or a procedure's module may call it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

APPROVED = "approved"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
OPEN = "open"
OUTCOMES = (APPROVED, REFUSED, WITHDRAWN)

# Words in a terminal state's code or label that say how the case ended. Checked in this order:
# "not approved" must count as refused before anything could read "approved" in it.
REFUSED_WORDS = ("refus", "repatriat", "reject", "denied", "not approved", "improper", "sent back", "deport")
WITHDRAWN_WORDS = ("withdr", "unused", "did not apply", "abandon", "lapsed", "cancel", "gave up")


@dataclass(frozen=True)
class FunnelStage:
    """A stage of the funnel: cases that ever reached one of ``states``, or closed with ``outcome``."""

    label: str
    states: frozenset[str] = frozenset()
    outcome: str = ""
    filed: bool = False  # every case counts (the first stage)


@dataclass(frozen=True)
class OutcomeSpec:
    """A procedure's closing states by outcome, and its funnel."""

    approved: frozenset[str] = frozenset()
    refused: frozenset[str] = frozenset()
    withdrawn: frozenset[str] = frozenset()
    # Funnel stages count states *reached*, so a procedure whose cases go on after approval (AUT:
    # settlement and departure) still counts the approval.
    funnel: tuple[FunnelStage, ...] = field(default=())
    note: str = ""


_REGISTRY: dict[str, OutcomeSpec] = {}


def register_outcomes(kind: str, spec: OutcomeSpec) -> None:
    """Register (or replace) the outcome classification of a procedure kind."""
    _REGISTRY[kind] = spec


def classify_words(state: str, label: str = "") -> str:
    """Classify a closing state by the words of its code and label (the default)."""
    text = f"{state} {label}".lower().replace("_", " ")
    if any(w in text for w in REFUSED_WORDS):
        return REFUSED
    if any(w in text for w in WITHDRAWN_WORDS):
        return WITHDRAWN
    return APPROVED


def _procedure(kind: str) -> object | None:
    from cases.procedures import all_procedures

    return next((p for p in all_procedures() if p.kind == kind), None)


def outcome_spec(kind: str) -> OutcomeSpec:
    """Return the registered spec of ``kind``, or the default built from its terminal states."""
    if kind in _REGISTRY:
        return _REGISTRY[kind]
    proc = _procedure(kind)
    if proc is None:
        return OutcomeSpec()
    buckets: dict[str, set[str]] = {APPROVED: set(), REFUSED: set(), WITHDRAWN: set()}
    for state in proc.terminal:  # type: ignore[attr-defined]
        buckets[classify_words(state, proc.state_label(state))].add(state)  # type: ignore[attr-defined]
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
    proc = _procedure(kind)
    label = proc.state_label(state) if proc is not None else ""  # type: ignore[attr-defined]
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


# --- Procedures on main and on the other branches (plain state codes: no import needed) ---------

register_outcomes(
    "marriage",
    OutcomeSpec(
        approved=frozenset({"registered", "married", "settled_in_dprk", "special_approved"}),
        refused=frozenset({"refused", "refused_dprk", "repatriated"}),
        withdrawn=frozenset({"withdrawn"}),
        funnel=(
            FunnelStage("Applications filed", filed=True),
            FunnelStage("Examined or referred up (MAR-0, MAR-3)", frozenset({"examination", "province_review"})),
            FunnelStage("Approved in China (MAR-3 / MAR-0)", frozenset({"china_approved", "special_approved"})),
            FunnelStage("Closed: married or settled", outcome=APPROVED),
            FunnelStage("Closed: refused or repatriated", outcome=REFUSED),
            FunnelStage("Closed: withdrawn (MAR-2)", outcome=WITHDRAWN),
        ),
    ),
)

# AUT (authorization branch): the D6 funnel. Approval is a state the case passes through on its
# way to settlement and departure, so the funnel counts states reached, not closing states.
AUT_APPROVED_STATES = frozenset({"approved"})
AUT_REFUSED_STATES = frozenset({"refused", "destination_refused"})
register_outcomes(
    "authorization",
    OutcomeSpec(
        approved=frozenset({"departed", "returned", "returned_late", "approved", "settled", "visit_cleared"}),
        refused=frozenset({"refused", "improper_departure", "reported", "ministries_instructed"}),
        withdrawn=frozenset({"letter_unused"}),
        funnel=(
            FunnelStage("Letters received (AUT-1)", filed=True),
            FunnelStage("Applications (AUT-1)", frozenset({"examination"})),
            FunnelStage("Approved", AUT_APPROVED_STATES),
            FunnelStage("Not approved", AUT_REFUSED_STATES),
        ),
        note="D6: Yanbian 1961, 2,667 letters, about 1,778 applications, 1,053 approved, 735 not approved.",
    ),
)
