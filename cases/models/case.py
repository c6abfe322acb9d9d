"""The case every procedure extends, its append-only event log, and its deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin

from cases.choices import OfficeKind
from cases.models.exercise import Exercise, Office
from cases.models.state_field import StateField
from cases.regimes import REGIME_CHOICES, Regime, get_regime

if TYPE_CHECKING:
    from cases.procedures import Procedure

_STATE_FIELDS: dict[type, tuple[models.Field, ...]] = {}


def _procedure_of(kind: str) -> Procedure:
    # The registry sits above the models (it imports them): looked up at call time, imported once.
    global _get_procedure
    if _get_procedure is None:
        from cases.procedures import get_procedure

        _get_procedure = get_procedure
    return _get_procedure(kind)


_get_procedure: Any = None


class Case(ConcurrentTransitionMixin, models.Model):
    """A case of any procedure. Procedures subclass it (multi-table) and declare their transitions.

    ``state`` is protected: only transitions change it, and only services call transitions.
    ``next_office`` and ``next_rules`` are kept by the services so that inboxes are one indexed query.
    """

    # Every query of cases names the exercise first, and the composite indexes of Meta lead with it (with
    # the kind and the state after it): single-column indexes on these three would only cost each step
    # a write more (PostgreSQL writes every index of a row a step updates).
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="cases", db_index=False)
    kind = models.CharField(max_length=30, editable=False)
    reference = models.CharField(max_length=30, editable=False)
    title = models.CharField(max_length=200)
    state = StateField(default="new", protected=True)
    regime = models.CharField(max_length=40, choices=REGIME_CHOICES)
    variant = models.CharField(max_length=20, blank=True)
    filed_at = models.DateTimeField("filed (simulated)")
    state_since = models.DateTimeField("in this state since (simulated)")
    closed_at = models.DateTimeField("closed (simulated)", null=True, blank=True)
    next_office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="queue"
    )
    next_rules = models.CharField(max_length=120, blank=True)
    escalated_at = models.DateTimeField(
        "escalated (simulated)",
        null=True,
        blank=True,
        help_text="Set when the case has waited too long at one office; cleared by its next step.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # Which field of the subclass names the office for a kind; kinds not listed resolve to the
    # exercise's single office of that kind.
    OFFICE_FIELDS: ClassVar[dict[str, str]] = {}
    PROCEDURE_KIND: ClassVar[str] = ""
    # What each of the procedure's variants (``variant``) means, in words a student reads on the case page.
    VARIANT_LABELS: ClassVar[dict[str, str]] = {}

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "reference"], name="case_unique_reference"),
        ]
        indexes = [
            models.Index(fields=["exercise", "next_office", "state_since"]),
            models.Index(fields=["exercise", "kind", "state"]),
            models.Index(fields=["state_since", "id"], name="case_oldest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def variant_label(self) -> str:
        """Return the case's variant in words (its code only when the procedure names none)."""
        return self.VARIANT_LABELS.get(self.variant, self.variant.replace("_", " "))

    @property
    def state_fields(self) -> tuple[models.Field, ...]:
        """Return the FSM fields of this model (django-fsm's lock reads them for every instance built).

        django-fsm filters every field of the model each time a case is loaded; the answer is fixed
        per class, so compute it once. Loading ten thousand cases in bulk spends noticeably less.
        """
        cls = type(self)
        found = _STATE_FIELDS.get(cls)
        if found is None:
            found = _STATE_FIELDS[cls] = tuple(f for f in cls._meta.fields if isinstance(f, FSMFieldMixin))
        return found

    @property
    def regime_obj(self) -> Regime:
        """Return the case's regime as its procedure's pages name it: the line it carries for this procedure
        (the October 1958 regime is D2's, on marriages; for letters it carries D1's 1957 line), same parameters."""
        return get_regime(self.regime).for_procedure(self.kind or getattr(self, "PROCEDURE_KIND", ""))

    @property
    def counterfactual_label(self) -> str:
        """Return the counterfactual label of this case's run or regime ('' when its rules are historical)."""
        from cases.rules.in_force import counterfactual_label, is_counterfactual

        exercise, regime = self.exercise, self.regime or None
        return counterfactual_label(exercise, regime) if is_counterfactual(exercise, regime) else ""

    @property
    def procedure(self) -> Procedure:
        return _procedure_of(self.kind)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def specific(self) -> Case:
        """Return this case as its procedure's model (the subclass row)."""
        model = self.procedure.model
        if isinstance(self, model):
            return self
        return model._default_manager.get(pk=self.pk)

    def office_for(self, kind: str) -> Office | None:
        """Return the office of ``kind`` that handles this case."""
        cache: dict[str, Office | None] = self.__dict__.setdefault("_office_cache", {})
        if kind not in cache:
            field = self.OFFICE_FIELDS.get(kind)
            if field is not None:
                cache[kind] = getattr(self, field)
            else:
                cache[kind] = (
                    Office.objects.filter(exercise_id=self.exercise_id, kind=kind).order_by("id").first()
                )
        return cache[kind]

    @staticmethod
    def offices_by_kind(exercise_id: int, offices: Iterable[Office] | None = None) -> dict[str, Office]:
        """Return the exercise's office of each kind that cases default to (the lowest id, as in office_for).

        ``offices`` are the exercise's offices when a caller has loaded them already (in any order).
        """
        if offices is None:
            offices = Office.objects.filter(exercise_id=exercise_id)
        chosen: dict[str, Office] = {}
        for office in offices:
            found = chosen.get(office.kind)
            if found is None or office.pk < found.pk:
                chosen[office.kind] = office
        return chosen

    def prime_offices(self, offices: dict[str, Office], *, fresh: bool = False,
                      share: dict[str, Office] | None = None) -> None:
        """Fill the office cache from ``offices_by_kind``, so many cases resolve offices without a query each.

        Kinds the case names in its own fields are left to it, and offices it already resolved stay
        (``fresh`` drops them first: a step may have changed its own office). ``share`` is
        :func:`office_share` of ``offices`` for this class, when a caller priming many cases has it.
        """
        share = office_share(type(self), offices) if share is None else share
        own = None if fresh else self.__dict__.get("_office_cache")
        self.__dict__["_office_cache"] = {**share, **own} if own else dict(share)
        self.__dict__["_offices_primed"] = True

    def state_label(self) -> str:
        return self.procedure.state_label(self.state)


def office_share(model: type[Case], offices: dict[str, Office]) -> dict[str, Office]:
    """Return the offices (by kind) every case of ``model`` takes from ``offices``: those its fields do not name."""
    return {kind: office for kind, office in offices.items() if kind not in model.OFFICE_FIELDS}


class CaseProxy(Case):
    """Case rows of every procedure listed together (the admin inbox)."""

    class Meta:
        proxy = True
        verbose_name = "case (all procedures)"
        verbose_name_plural = "inbox: cases of all procedures"


class EventKind(models.TextChoices):
    FILED = "filed", "Filed"
    TRANSITION = "transition", "Transition"
    DEADLINE = "deadline", "Deadline fired"
    REGIME = "regime", "Regime switched"
    ESCALATION = "escalation", "Escalated after a long wait"
    REMINDER = "reminder", "Reminder"
    NOTE = "note", "Note"


class AppendOnlyQuerySet(models.QuerySet["CaseEvent"]):
    """Events are never changed or removed one by one; only the exercise's deletion takes them."""

    def update(self, **kwargs: object) -> int:
        raise TypeError("Case events are append-only")


class CaseEvent(models.Model):
    """One step in a case's life: the timeline, the audit trail and the process-mining event log."""

    # Looked up by case or by exercise through the composite indexes of Meta, which lead with them.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    transition = models.CharField(max_length=60, blank=True)
    label = models.CharField(max_length=160)
    source_state = models.CharField(max_length=50, blank=True)
    target_state = models.CharField(max_length=50, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    office = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sim_time = models.DateTimeField("simulated time")
    wall_time = models.DateTimeField(default=timezone.now)
    rules = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["sim_time", "id"]
        indexes = [
            models.Index(fields=["exercise", "sim_time"]),
            models.Index(fields=["case", "sim_time"]),
            # The analytics' log version: count and last id of an exercise's events from the index alone.
            models.Index(fields=["exercise", "id"], name="caseevent_exercise_id"),
        ]

    def __str__(self) -> str:
        return f"{self.sim_time:%Y-%m-%d} {self.label}"

    def save(self, *args: object, **kwargs: object) -> None:
        """Insert only: an event once written is never rewritten."""
        if self.pk is not None:
            raise TypeError("Case events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def rule_ids(self) -> list[str]:
        return [r for r in self.rules.split(",") if r]


class DeadlineKind(models.TextChoices):
    EXPIRY = "expiry", "Expiry of a pass or permit"
    OVERDUE_RETURN = "overdue_return", "Overdue return"
    CONSENT = "consent", "Consent deadline"
    REMINDER = "reminder", "Reminder"
    QUARANTINE_END = "quarantine_end", "End of quarantine"
    ESCALATION = "escalation", "Escalation after a long wait"


class DeadlineStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    FIRED = "fired", "Fired"
    CANCELLED = "cancelled", "Cancelled"


class Deadline(models.Model):
    """A deadline on the simulated calendar: when ``due_at`` passes, ``action`` fires once."""

    # Looked up by case or by exercise through the composite indexes of Meta, which lead with them.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines", db_index=False)
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="deadlines", db_index=False)
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    due_at = models.DateTimeField("due (simulated)")
    action = models.CharField(
        max_length=60, help_text="The transition or handler that fires when the deadline passes."
    )
    rules = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.PENDING)
    fired_at = models.DateTimeField("fired (simulated)", null=True, blank=True)
    set_at = models.DateTimeField("set (simulated)", null=True, blank=True)
    watch_state = models.CharField(
        max_length=50,
        blank=True,
        help_text="For escalations: the state the case must still be in for the deadline to fire.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["exercise", "status", "due_at"]),
            models.Index(fields=["case", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d}"


__all__ = ["Case", "CaseEvent", "CaseProxy", "Deadline", "DeadlineKind", "DeadlineStatus", "EventKind", "OfficeKind"]
