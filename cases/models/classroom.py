"""Classroom rows: which scenario an exercise was loaded from, its timed events, and load progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models.exercise import Exercise


class ExerciseScenario(models.Model):
    """The scenario pack an exercise was loaded from, and the autopilot's settings for it."""

    exercise = models.OneToOneField(Exercise, on_delete=models.CASCADE, related_name="scenario")
    slug = models.SlugField(max_length=60)
    title = models.CharField(max_length=160)
    seed = models.PositiveIntegerField(
        default=1, help_text="Autopilot seed: the same seed and settings give the same run."
    )
    autopilot = models.BooleanField(
        default=True, help_text="Let the system play every office that no student holds."
    )
    loaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "exercise scenario"

    def __str__(self) -> str:
        return f"{self.exercise}: {self.title}"


class TimedEventStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    FIRED = "fired", "Fired"


class TimedEvent(models.Model):
    """Something the pack (or the teacher) makes happen at a simulated time: news, new cases, a regime switch."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="timed_events")
    at = models.DateTimeField("when (simulated)")
    kind = models.CharField(max_length=30)
    label = models.CharField(max_length=200)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=TimedEventStatus.choices, default=TimedEventStatus.PENDING)
    fired_at = models.DateTimeField("fired (simulated)", null=True, blank=True)
    injected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["exercise", "status", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.label}"


class ScenarioLoadStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ScenarioLoad(models.Model):
    """One request to load a pack: the row the progress bar polls."""

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ScenarioLoadStatus.choices, default=ScenarioLoadStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    exercise = models.ForeignKey(Exercise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.slug} -> {self.name} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)
