"""Wire the Yanbian model's odds into the classroom autopilot (branch ``classroom``) for authorization letters.

The autopilot has no policy of its own for authorization cases; its generic one approves whatever it
can. :func:`register_autopilot_policy` registers :func:`cases.analytics.calibration_aut.autopilot_decision`
instead, so that a class run under the autopilot applies, refuses and asks for papers at the rates the
model was calibrated to (AUT-3 under 1961, AUT-4 after March 1962). Call it once at start-up (the
``cases`` app's ``ready``) after the classroom package is merged; it returns False and does nothing
on a tree without the autopilot.
"""

from __future__ import annotations

import random
from typing import Any


def register_autopilot_policy() -> bool:
    """Register the model's decisions as the autopilot's ``authorization`` policy; return whether it could."""
    try:
        from cases.classroom.autopilot import AutoStep, register_policy
    except ImportError:
        return False
    from cases.analytics.calibration_aut import autopilot_decision

    @register_policy("authorization")
    def authorization_policy(case: Any, params: dict[str, Any], rng: random.Random) -> Any:
        """Decide an authorization case with the Yanbian model's odds for its regime (AUT-2 ... AUT-8)."""
        decision = autopilot_decision(case.specific(), rng)
        if decision is None:
            return None
        return AutoStep(decision[0], decision[1], note="Autopilot (Yanbian model odds)")

    return True
