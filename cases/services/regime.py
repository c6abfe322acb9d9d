"""Switching the policy regime of a running exercise (the teacher's lever; AUT-2 ... AUT-10 change with it).

New cases always start under the exercise's regime. For the cases already running the teacher
chooses: they *keep* the rules they were filed under and finish under them, or they *migrate* to the
new rules at once (the correction of 24 March 1962 speaks of leniency "from today onwards", D7;
whether pending files were in fact re-examined the sources do not say, which is why it is the
teacher's choice). Either way each running case gets a REGIME event on its timeline. Migrated cases
get their escalation deadlines recomputed from the new regime, counted from when they entered their
present state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from cases.engine import is_facilitator
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, DeadlineKind, DeadlineStatus, EventKind, Exercise
from cases.regimes import REGIMES, get_regime, regimes_offered, superseded_by
from cases.rules.in_force import calendar_date, counterfactual_label
from cases.wording import clip, short_date


@dataclass(frozen=True)
class RegimeSwitchResult:
    """What a switch did: the new regime, and how many running cases moved or kept their rules."""

    old: str
    new: str
    migrated: int
    kept: int
    counterfactual: bool = False


def exercise_switch_regime(
    *, exercise: Exercise, regime: str, migrate_running: bool, actor: Any, counterfactual: bool = False,
) -> RegimeSwitchResult:
    """Put ``regime`` in force for the exercise; move running cases to it only if ``migrate_running``.

    Only the exercise's facilitator (or a superuser) may switch; ``actor`` None means the system
    (a scenario). Every running case gets a REGIME event; closed cases are history and are left alone.
    A regime whose document is dated after the exercise's date, or one a later document had replaced by then
    (the 1961 strict practice in 1965), is refused unless ``counterfactual``: the teacher then runs a what-if,
    and the exercise is marked counterfactual (every page says so).
    """
    if regime not in REGIMES:
        raise ApplicationError(f"Unknown regime {regime!r}; choose one of: {', '.join(REGIMES)}.")
    if actor is not None and not (
        getattr(actor, "is_superuser", False) or is_facilitator(actor, exercise.pk)
    ):
        raise ApplicationError("Only the teacher running this exercise may switch its regime.")
    with transaction.atomic():
        locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
        old = locked.regime
        if old == regime:
            raise ApplicationError(f"{get_regime(regime).label} is already in force in this exercise.")
        new_regime = get_regime(regime)
        today = calendar_date(locked.clock)
        early = new_regime not in regimes_offered(today)
        if early and not counterfactual:
            raise ApplicationError(
                f"{new_regime.label} comes into force only on {short_date(new_regime.effective)} "
                f"({new_regime.citation}); the exercise's date is {short_date(today)}. Switch to it as a "
                "counterfactual run if you mean a what-if.")
        replaced = None if early else superseded_by(new_regime, today)
        if replaced and not counterfactual:
            raise ApplicationError(
                f"{new_regime.label} was replaced on {short_date(replaced.effective)} by the {replaced.label} "
                f"({replaced.citation}); the exercise's date is {short_date(today)}. Switch back to it as a "
                "counterfactual run if you mean a what-if.")
        early = early or replaced is not None  # either way a what-if: marked so on every page and event
        locked.regime = regime
        fields = ["regime"]
        if early:
            locked.counterfactual = True
            fields.append("counterfactual")
        locked.save(update_fields=fields)
        now = locked.clock
        running = list(Case.objects.filter(exercise=locked, closed_at__isnull=True).order_by("id"))
        migrated = kept = 0
        for case in running:
            before = case.regime
            if migrate_running and before != regime:
                Case.objects.filter(pk=case.pk).update(regime=regime)
                label = f"Regime switched: now under {new_regime.label}"
                note = f"Moved from {get_regime(before).label} to the new rules ({new_regime.citation})."
                migrated += 1
            else:
                label = f"Regime switched to {new_regime.label}; this case keeps its rules"
                note = f"Keeps {get_regime(before).label}; new cases start under {new_regime.label}."
                kept += 1
            if early:
                label = f"COUNTERFACTUAL: {label}"
                note = f"{counterfactual_label(locked)} {note}"
            CaseEvent.objects.create(
                case=case,
                exercise=locked,
                kind=EventKind.REGIME,
                label=clip(label, 160),
                source_state=case.state,
                target_state=case.state,
                actor=actor,
                sim_time=now,
                note=note,
                data={"from": before, "to": regime if migrate_running else before, "exercise_regime": regime,
                      "migrated": bool(migrate_running and before != regime), "counterfactual": early},
            )
            if migrate_running and before != regime:
                _recompute_escalations(case.pk)
        exercise.regime = regime
        exercise.counterfactual = locked.counterfactual
    return RegimeSwitchResult(old=old, new=regime, migrated=migrated, kept=kept, counterfactual=early)


def _recompute_escalations(case_pk: int) -> None:
    """Replace a migrated case's pending escalation deadlines by those of its new regime.

    The wait is counted from when the case entered its state, so a case that has already waited
    longer than the new regime allows escalates at the next sweep.
    """
    case = Case.objects.get(pk=case_pk).specific()
    pending = Deadline.objects.filter(case_id=case_pk, kind=DeadlineKind.ESCALATION, status=DeadlineStatus.PENDING)
    hook = getattr(case, "deadlines_on_enter", None)
    if hook is None:
        return
    specs = [s for s in hook(case.state, case.state_since) if s.kind == DeadlineKind.ESCALATION]
    if not specs and not pending.exists():
        return
    pending.update(status=DeadlineStatus.CANCELLED, note="Cancelled: the case moved to a new regime.")
    Deadline.objects.bulk_create(
        Deadline(
            case_id=case_pk,
            exercise_id=case.exercise_id,
            kind=spec.kind,
            due_at=case.state_since + spec.after,
            action=spec.action,
            rules=",".join(spec.rules),
            note=clip(spec.note, 200),
        )
        for spec in specs
    )
