"""The audit of what facilitators do to an exercise: pause, join, students, pace, regime, events, loads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models.exercise import Exercise
from cases.wording import wall_clock


class ExerciseEventKind(models.TextChoices):
    CLOCK_MOVE = "clock_move", "Moved the clock"
    FAST_FORWARD = "fast_forward", "Fast-forwarded"
    PAUSE = "pause", "Paused"
    RESUME = "resume", "Resumed"
    JOIN = "join", "Took the facilitator seat"
    STUDENTS_CREATE = "students_create", "Created students"
    MEMBERSHIP_ASSIGN = "membership_assign", "Assigned an office"
    AUTOPILOT_ON = "autopilot_on", "Autopilot on"
    AUTOPILOT_OFF = "autopilot_off", "Autopilot off"
    AUTOPILOT_SEED = "autopilot_seed", "Autopilot seed set"
    PACE = "pace", "Pace set"
    REGIME_SWITCH = "regime_switch", "Switched the regime"
    EVENT_INJECT = "event_inject", "Injected an event"
    EVENT_FIRE_NOW = "event_fire_now", "Fired a scheduled event now"
    PACK_LOAD = "pack_load", "Loaded a scenario pack"
    EXPORT = "export", "Exported the exercise"
    IMPORT = "import", "Imported the exercise"
    PASSWORD_RESET = "password_reset", "Reset a student's password"
    EXERCISE_RESET = "exercise_reset", "Reset the exercise to its pack's start"


class ExerciseEvent(models.Model):
    """One action on an exercise: who, what, the simulated clock then, and the wall time. Append-only."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="exercise_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=ExerciseEventKind.choices)
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    clock = models.DateTimeField("simulated time")
    wall_time = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["exercise", "-wall_time", "-id"]
        indexes = [models.Index(fields=["exercise", "-wall_time", "-id"], name="exercise_event_latest")]

    def __str__(self) -> str:
        return f"{self.exercise}: {self.get_kind_display()} ({wall_clock(self.wall_time)})"

    def save(self, *args: object, **kwargs: object) -> None:
        """Insert only: the record of what was done to an exercise is never rewritten."""
        if self.pk is not None:
            raise TypeError("Exercise events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
