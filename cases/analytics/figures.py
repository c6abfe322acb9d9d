"""The labelled figures both analytics pages show: one function per figure, each with the cases it counts.

"46 approved" and "Approved 48" were two figures (cases closed as approved; cases that reached the
approval step) shown under one word. Every share here carries its base ("of closed cases", "of all
cases filed", "of decisions") and every page shows it with that base, so the same word never names
two numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.analytics import metrics as m
from cases.analytics.metrics import Source

OF_CLOSED = "of closed cases"
OF_FILED = "of all cases filed"
OF_DECISIONS = "of decisions"

CLOSED_LABELS = {m.APPROVED: "closed as approved", m.REFUSED: "closed as refused",
                 m.WITHDRAWN: "closed as withdrawn or unused"}


@dataclass(frozen=True)
class Share:
    """``n`` of ``of`` cases, and what the base counts (``OF_CLOSED``...)."""

    label: str
    n: int
    of: int
    basis: str

    @property
    def rate(self) -> float | None:
        return self.n / self.of if self.of else None

    @property
    def pct(self) -> str:
        return "—" if not self.of else f"{100 * self.n / self.of:.0f}%"

    @property
    def text(self) -> str:
        """Return e.g. "46 closed as approved (36% of closed cases)"."""
        return f"{self.n:,} {self.label} ({self.pct} {self.basis})" if self.of else f"{self.n:,} {self.label}"


def closed_shares(log: Source) -> dict[str, Share]:
    """Return, per outcome, the cases closed that way as a share of the closed cases (one definition for both
    pages: the dashboard's "approved" percentage and the debrief's count are this)."""
    out = m.outcomes(log)
    return {o: Share(CLOSED_LABELS[o], out.counts.get(o, 0), out.closed, OF_CLOSED) for o in m.OUTCOMES}


def funnel_shares(log: Source, kind: str) -> list[Share]:
    """Return the funnel of one procedure, each stage as a share of all its cases filed."""
    stages = m.funnel(log, kind)
    filed = stages[0][1] if stages else 0
    return [Share(label, n, filed, OF_FILED) for label, n in stages]


def authorization_funnel(log: Source) -> dict[str, int]:
    """Return D6's funnel for the class's authorization letters: letters, applications, approved, refused."""
    return dict(zip(("letters", "applications", "approved", "refused"),
                    (n for _l, n in m.funnel(log, "authorization")), strict=False))


def decision_shares(log: Source) -> dict[str, Share]:
    """Return the authorization approvals and refusals (cases that reached the decision, open or closed) as
    shares of the decisions taken: D6's base for Yanbian 1961 (1,053 approved, 735 not, of 1,788)."""
    f = authorization_funnel(log)
    approved, refused = f.get("approved", 0), f.get("refused", 0)
    decided = approved + refused
    return {"approved": Share("approved (reached approval)", approved, decided, OF_DECISIONS),
            "refused": Share("not approved", refused, decided, OF_DECISIONS)}
