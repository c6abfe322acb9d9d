"""Crossings at the points, let through or refused, and the illegal-crossing records PER-10 opens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case, Exercise, Office, Person
from cases.wording import in_sentence, short_date
from permits.models.geography import BorderCounty, CrossingPoint
from permits.models.permit import PermitCase


class Direction(models.TextChoices):
    EXIT = "exit", "Out of China (to the DPRK)"
    RETURN = "return", "Back into China"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Let through"
    REFUSED = "refused", "Refused"


class Crossing(models.Model):
    """One exit or return presented at a crossing point, with the inspection's outcome (PER-8 ... PER-10)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="crossings")
    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="crossings")
    permit = models.ForeignKey(
        PermitCase, on_delete=models.RESTRICT, null=True, blank=True, related_name="crossings"
    )
    point = models.ForeignKey(CrossingPoint, on_delete=models.PROTECT, related_name="crossings")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    destination = models.ForeignKey(
        BorderCounty, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="On an exit: the county on the other side the traveller is going to.",
    )
    at = models.DateTimeField("when (simulated)")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rules = models.CharField(max_length=120, blank=True)
    message = models.TextField(blank=True, help_text="Why it was refused, as the traveller was told.")
    other_side_consent = models.BooleanField(
        default=False, help_text="PER-8: the other side's inspection body consented to a crossing out of hours."
    )
    consent_by = models.CharField(max_length=120, blank=True)
    office = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["exercise", "at"])]

    def __str__(self) -> str:
        outcome = in_sentence(self.get_outcome_display())
        return f"{self.person}: {self.get_direction_display()} at {self.point}, {outcome}"


class IllegalGround(models.TextChoices):
    NO_PERMIT = "no_permit", "No permit"
    INVALID_PERMIT = "invalid_permit", "Permit not valid (not issued, expired or used)"
    UNNAMED_POINT = "unnamed_point", "Crossing point not named in the permit"
    OUTSIDE_REGION = "outside_region", "Outside the border region the permit covers"


class IllegalCrossingStatus(models.TextChoices):
    OPEN = "open", "Open: for the returns procedure"
    TAKEN_UP = "taken_up", "Taken up by a case"


class IllegalCrossingRecord(models.Model):
    """A person treated as an illegal border crosser (PER-10), waiting for the returns procedure (RET)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="illegal_crossings")
    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="illegal_crossings")
    crossing = models.OneToOneField(Crossing, on_delete=models.CASCADE, related_name="illegal_record")
    permit = models.ForeignKey(
        PermitCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="illegal_records"
    )
    ground = models.CharField(max_length=20, choices=IllegalGround.choices)
    at = models.DateTimeField("when (simulated)")
    rules = models.CharField(max_length=120, default="PER-10")
    status = models.CharField(max_length=10, choices=IllegalCrossingStatus.choices, default=IllegalCrossingStatus.OPEN)
    taken_up_by = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The returns case that took this record up.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["exercise", "status"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_ground_display()} ({short_date(self.at)})"
