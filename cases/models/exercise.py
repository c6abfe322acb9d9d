"""Exercises, their offices, the people in them, and who holds which office."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cases.choices import DPRK_OFFICE_KINDS, Nationality, Occupation, OfficeKind, Sex, Side
from cases.regimes import REGIME_CHOICES, Regime, get_regime, regimes_offered
from cases.wording import short_date

SIM_MIN = dt.datetime(1955, 1, 1, tzinfo=dt.UTC)
SIM_MAX = dt.datetime(1970, 12, 31, 23, 59, tzinfo=dt.UTC)


class Exercise(models.Model):
    """One running simulation, e.g. a class section; it owns its clock, regime, offices and cases."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    clock = models.DateTimeField(
        "simulated time",
        validators=[MinValueValidator(SIM_MIN), MaxValueValidator(SIM_MAX)],
        help_text="The exercise's simulated date and time (1955-1970). It only moves forward.",
    )
    regime = models.CharField(max_length=40, choices=REGIME_CHOICES, default="1958_marriage")
    counterfactual = models.BooleanField(
        "counterfactual run",
        default=False,
        help_text="A what-if run: the teacher put a regime in force before its document's date, or cases may be "
        "filed under rules not yet in force. Every page, the timeline and the debrief say so; the rules are "
        "read as on the regime's date.",
    )
    paused = models.BooleanField(default=False)
    pace_days_per_minute = models.PositiveSmallIntegerField(
        "pace (simulated days per real minute)",
        default=0,
        help_text="0 = the clock moves only when the teacher moves it; otherwise beat moves it at this pace.",
    )
    pace_anchor = models.DateTimeField(
        "pace counted from (wall time)", null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def regime_obj(self) -> Regime:
        return get_regime(self.regime)

    @property
    def counterfactual_label(self) -> str:
        """Return the label a counterfactual run shows on every page ('' for a historical run)."""
        from cases.rules.in_force import counterfactual_label, is_counterfactual

        return counterfactual_label(self) if is_counterfactual(self) else ""

    def clean(self) -> None:
        """Refuse a regime not yet in force on the exercise's date unless the run is marked counterfactual."""
        from django.core.exceptions import ValidationError

        super().clean()
        if self.clock is None or not self.regime or self.counterfactual:
            return
        from cases.rules.in_force import calendar_date

        regime = get_regime(self.regime)
        if regime not in regimes_offered(calendar_date(self.clock)):
            raise ValidationError({"regime": (
                f"{regime.label} comes into force on {short_date(regime.effective)} ({regime.citation}); the "
                f"exercise's date is {short_date(self.clock)}. Choose a regime in force then, or mark the run "
                "counterfactual.")})

    @classmethod
    def free_name(cls, base: str) -> str:
        """Return ``base``, or ``base (2)``, ``base (3)``... whichever no exercise has yet."""
        name, n = base, 1
        while cls.objects.filter(name=name).exists():
            n += 1
            name = f"{base} ({n})"
        return name


class Office(models.Model):
    """An office of either side that students (or the system) play in one exercise."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="offices")
    kind = models.CharField(max_length=40, choices=OfficeKind.choices)
    name = models.CharField(max_length=160)
    place = models.CharField(max_length=120, blank=True)
    side = models.CharField(max_length=2, choices=Side.choices, editable=False)

    class Meta:
        ordering = ["exercise", "side", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "name"], name="office_unique_name_per_exercise"),
        ]
        indexes = [models.Index(fields=["exercise", "kind"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        """Derive the side from the kind so that no office sits on the wrong side."""
        self.side = Side.DPRK if self.kind in DPRK_OFFICE_KINDS else Side.CHINA
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Membership(models.Model):
    """A user's place in an exercise: the office they hold, or the facilitator (teacher)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    is_facilitator = models.BooleanField(
        default=False, help_text="The teacher: sees every office's queue and may act for any office."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "user"], name="membership_one_per_exercise"),
            models.CheckConstraint(
                condition=models.Q(office__isnull=False) | models.Q(is_facilitator=True),
                name="membership_office_or_facilitator",
            ),
        ]

    def __str__(self) -> str:
        role = "facilitator" if self.is_facilitator else str(self.office)
        return f"{self.user} - {role} ({self.exercise})"


class Person(models.Model):
    """Someone a case is about: applicants, spouses, crossers. Not a user."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=120)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    nationality = models.CharField(max_length=20, choices=Nationality.choices)
    occupation = models.CharField(max_length=20, choices=Occupation.choices, default=Occupation.OTHER)
    employer = models.CharField(max_length=160, blank=True, help_text="Work unit or commune.")
    residence = models.CharField(max_length=160, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    previously_married = models.BooleanField(default=False)

    class Meta:
        ordering = ["exercise", "name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name
