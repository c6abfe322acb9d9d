"""The autopilot playing the authorization-letter offices (AUT-1 ... AUT-8, AUT-11) with the Yanbian model's odds.

The decisions are the calibrated model's (:func:`cases.analytics.calibration_aut.autopilot_decision`):
under the 1961 line the share of holders who apply, of papers missing and of refusals reproduce the
D6 funnel (2,667 letters, about 1,778 applications, 1,053 approved, 735 not approved, AUT-3); under
the March 1962 correction and later lines they follow that regime's model (AUT-2, AUT-4, AUT-8).
One model drives both the analytics' comparisons and the class's autopilot, so what the debrief
shows is what the class lived through. States the model does not cover get the generic policy.
"""

from __future__ import annotations

import random
from typing import Any

from cases.classroom.policy_base import AutoStep, generic_policy, register_policy
from cases.models import Case


@register_policy("authorization")
def authorization_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Decide an authorization case with the Yanbian model's odds for its regime (AUT-2 ... AUT-8)."""
    from cases.analytics.calibration_aut import autopilot_decision

    decision = autopilot_decision(case, rng)
    if decision is None:
        return generic_policy(case, params, rng)
    return AutoStep(decision[0], decision[1], note="Autopilot (Yanbian model odds)")
