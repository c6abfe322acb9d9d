"""Classroom rows: which scenario an exercise was loaded from, its timed events, and long work's progress."""

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


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class JobKind(models.TextChoices):
    LOAD = "load", "Load a scenario pack"
    TIME_MOVE = "time_move", "Move an exercise's time"
    COMPARE = "compare", "Compare two regimes"


class Job(models.Model):
    """One piece of long work run by a worker (load a pack, move time, compare regimes): the row a page polls.

    A worker claims it with one conditional update (queued -> running), so a message delivered twice
    runs once; ``done``/``total`` and ``message`` are its progress, ``result`` what it produced.
    """

    kind = models.CharField(max_length=20, choices=JobKind.choices, default=JobKind.LOAD)
    slug = models.SlugField(max_length=60, blank=True, help_text="The pack a load job loads.")
    name = models.CharField(max_length=120, blank=True, help_text="The name of the exercise a load job creates.")
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    exercise = models.ForeignKey(Exercise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One load of a name at a time: a double click on "Load" made a second job that failed on the
            # name the first had just taken (the classroom page sends the second click to the first's page).
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(kind="load", status__in=["queued", "running"]),
                name="job_one_live_load_per_name",
            ),
        ]

    def __str__(self) -> str:
        what = f"{self.slug} -> {self.name}" if self.kind == JobKind.LOAD else self.get_kind_display()
        return f"{what} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def progress_line(self) -> str:
        """What a progress page says, in words: "Running: 3 of 10 (30%). Filing the cases." (no count before
        the work is counted, no message before there is one)."""
        line = self.get_status_display()
        if self.total:
            line += f": {self.done} of {self.total} ({self.percent}%)"
        return f"{line}. {self.message}" if self.message else f"{line}."


# The load progress row became the general job row; these names stay for code written against them.
ScenarioLoad = Job
ScenarioLoadStatus = JobStatus
