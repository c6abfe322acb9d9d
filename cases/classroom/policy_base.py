"""What every autopilot policy shares: the decision type, the registry and the generic fill-in policy.

A policy is a function of the case (its procedure's own model), the regime's ``autopilot`` parameters
and a seeded RNG, returning the step to take (:class:`AutoStep`) or None. Each procedure registers its
own (a module of :mod:`cases.classroom.policies`, or its own app's) in its registration
(``policy=`` of :func:`cases.procedures.register_procedure`); procedures without one get
:func:`generic_policy` (:func:`policy_for`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cases.engine import guards_met, meta_of, transitions_from, unmet_guards
from cases.models import Case

SYSTEM_REASON = "Decided by the office (played by the autopilot)."


@dataclass(frozen=True)
class AutoStep:
    """What the autopilot does next on a case."""

    transition: str
    data: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    # For a decision that is not a step of the case's own machine (recording a crossing on a permit,
    # say): the autopilot calls ``perform(case, at)`` in a transaction instead of a transition. It must
    # go through the procedure's service, so the same checks apply; ``transition`` then names it in logs.
    perform: Callable[[Case, dt.datetime], None] | None = None
    # Act this long after ``case.state_since`` instead of after the acting office's processing time
    # (``params["days"]``): for what follows the calendar rather than an office's desk (a holder
    # crossing inside the opening hours, a meeting held on its date, consent before the date).
    after: dt.timedelta | None = None


Policy = Callable[[Case, dict[str, Any], random.Random], AutoStep | None]


def open_steps(case: Case) -> set[str]:
    """Return the names of the steps out of the case's state whose guards it meets now.

    The same set as ``{t.name for t in transitions_from(case) if not unmet_guards(case, t)}``, each
    step's guards stopping at the first one unmet (:func:`cases.engine.guards_met`).
    """
    return {t.name for t in transitions_from(case) if guards_met(case, t)}


def policy_for(kind: str) -> Policy:
    """Return the autopilot policy the procedure ``kind`` registered, or the generic fill-in policy."""
    from cases.procedures import find_procedure

    proc = find_procedure(kind)
    policy = proc.policy if proc is not None else None
    return policy if policy is not None else generic_policy


# Yes/no inputs whose name says something is wrong are answered "no" by the generic policy.
_NEGATIVE_HINTS = ("issue", "pending", "crime", "criminal", "refus", "suspect", "illegal", "restricted")


def generic_value(case: Case, name: str) -> Any:
    """Return a plausible value for a step's typed input, from the model field's type (None if unknown)."""
    from django.db import models

    try:
        f = type(case)._meta.get_field(name)
    except Exception:
        return None
    clock = case.exercise.clock
    if isinstance(f, models.BooleanField):
        return not any(h in name for h in _NEGATIVE_HINTS)
    if isinstance(f, models.DateTimeField):
        return clock + dt.timedelta(days=30)
    if isinstance(f, models.DateField):
        return (clock + dt.timedelta(days=30)).date()
    if isinstance(f, models.IntegerField | models.DecimalField | models.FloatField):
        return 1
    if isinstance(f, models.CharField | models.TextField):
        if getattr(f, "choices", None):
            return f.choices[0][0]
        text = f"{case.reference} {name.replace('_', ' ')}"
        return text[: f.max_length] if f.max_length else text
    return None


def generic_policy(case: Case, params: dict[str, Any], rng: random.Random) -> AutoStep | None:
    """Take the first possible step (refusals last), filling typed input from the field types.

    A stand-in until a procedure registers its own policy: it moves cases on plausibly, it does not
    model the period's decisions. None when no step is possible or an input cannot be filled.
    """
    options = [t for t in transitions_from(case) if not unmet_guards(case, t)]
    options.sort(key=lambda t: meta_of(t).style == "refuse")
    for t in options:
        meta = meta_of(t)
        data = {name: generic_value(case, name) for name in meta.fields}
        if any(v is None for v in data.values()):
            continue
        if meta.reason_required:
            data["reason"] = SYSTEM_REASON
        return AutoStep(t.name, data)
    return None
