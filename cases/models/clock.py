"""The record of every move of an exercise's simulated clock (the audit of simulated time)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models.exercise import Exercise
from cases.wording import short_date


class ClockMoveSource(models.TextChoices):
    ADMIN = "admin", "Admin clock controls"
    CONSOLE = "console", "Facilitator console"
    COMMAND = "command", "Command line (advance clock)"
    PACE = "pace", "Pace (beat)"
    SERVICE = "service", "Service call"


class ClockMove(models.Model):
    """One forward move of an exercise's clock: from, to, who, how, and the wall time it happened."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="clock_moves")
    from_time = models.DateTimeField("from (simulated)")
    to_time = models.DateTimeField("to (simulated)")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=ClockMoveSource.choices, default=ClockMoveSource.SERVICE)
    wall_time = models.DateTimeField(default=timezone.now, editable=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["exercise", "-to_time", "-id"]
        indexes = [models.Index(fields=["exercise", "wall_time"])]

    def __str__(self) -> str:
        # Simulated dates, read in Beijing time (TIME_ZONE) as the pages read them, not in UTC as stored.
        start, end = (short_date(timezone.localtime(t)) for t in (self.from_time, self.to_time))
        return f"{self.exercise}: {start} -> {end}"

    def save(self, *args: object, **kwargs: object) -> None:
        """Insert only: the clock's history is never rewritten."""
        if self.pk is not None:
            raise TypeError("Clock moves are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
