"""Border geography: the border region's cities and counties, crossing points, crossing hours.

The base rows are global, loaded by a data migration from ``permits.geodata`` (see its docstring for
why); changes of the border region are per exercise (``BorderRegionChange``), each notified to the
other side as D10 Art. 6 requires (PER-2).
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from cases.choices import Side
from cases.models import Exercise, Office
from cases.wording import short_date


class CountyKind(models.TextChoices):
    CITY = "city", "City"
    COUNTY = "county", "County"


class BorderCounty(models.Model):
    """A city or county of the border region on either side (PER-2)."""

    name = models.CharField(max_length=80, unique=True)
    other_names = models.CharField(max_length=120, blank=True)
    side = models.CharField(max_length=2, choices=Side.choices)
    province = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=CountyKind.choices, default=CountyKind.COUNTY)
    in_border_region = models.BooleanField(
        default=True, help_text="PER-2: part of the border region unless an exercise changes it."
    )
    faces = models.ManyToManyField("self", blank=True, help_text="Counties across the river.")
    source = models.CharField(max_length=120, blank=True)
    assumption = models.TextField(blank=True, help_text="Set when a fact here is not in the sources.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order from west to east.")

    class Meta:
        ordering = ["side", "position", "name"]
        verbose_name = "border city or county"
        verbose_name_plural = "border cities and counties"

    def __str__(self) -> str:
        return self.name


class CrossingPoint(models.Model):
    """An agreed crossing point with an inspection body on each side (PER-9)."""

    name = models.CharField(max_length=80, unique=True)
    cn_county = models.ForeignKey(
        BorderCounty, verbose_name="Chinese county", on_delete=models.PROTECT, related_name="cn_points",
        limit_choices_to={"side": Side.CHINA},
    )
    kp_county = models.ForeignKey(
        BorderCounty, verbose_name="DPRK county", on_delete=models.PROTECT, related_name="kp_points",
        limit_choices_to={"side": Side.DPRK},
    )
    cn_inspection_body = models.CharField("Chinese inspection body", max_length=120)
    kp_inspection_body = models.CharField("DPRK inspection body", max_length=120)
    source = models.CharField(max_length=120, blank=True)
    assumption = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CrossingHours(models.Model):
    """A season's crossing hours in Beijing time; Pyongyang time is ``pyongyang_offset_hours`` later (PER-8)."""

    label = models.CharField(max_length=60)
    first_month = models.PositiveSmallIntegerField()
    last_month = models.PositiveSmallIntegerField(help_text="May be before the first month: the season wraps the year.")
    opens = models.TimeField("opens (Beijing time)")
    closes = models.TimeField("closes (Beijing time)")
    pyongyang_offset_hours = models.SmallIntegerField("Pyongyang time ahead of Beijing (hours)", default=1)
    source = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["first_month"]
        verbose_name_plural = "crossing hours"

    def __str__(self) -> str:
        return f"{self.label}: {self.opens:%H:%M}-{self.closes:%H:%M} Beijing"

    def covers(self, month: int) -> bool:
        """Return whether ``month`` (1-12) falls in this season."""
        if self.first_month <= self.last_month:
            return self.first_month <= month <= self.last_month
        return month >= self.first_month or month <= self.last_month

    def pyongyang(self, t: dt.time) -> dt.time:
        """Return the Pyongyang clock time of a Beijing clock time (the Protocol's one hour)."""
        return (dt.datetime.combine(dt.date(2000, 1, 1), t) + dt.timedelta(hours=self.pyongyang_offset_hours)).time()

    @property
    def pyongyang_label(self) -> str:
        return f"{self.pyongyang(self.opens):%H:%M}-{self.pyongyang(self.closes):%H:%M} Pyongyang"


class BorderRegionChange(models.Model):
    """A change of the border region in one exercise, and its notification to the other side (PER-2)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="border_region_changes")
    county = models.ForeignKey(BorderCounty, on_delete=models.PROTECT, related_name="changes")
    in_region = models.BooleanField(help_text="Whether the county is in the border region from now on.")
    effective_at = models.DateTimeField("effective (simulated)")
    notified_at = models.DateTimeField("other side notified (simulated)")
    notified_by = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    notified_to = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["exercise", "effective_at", "id"]

    def __str__(self) -> str:
        verb = "added to" if self.in_region else "removed from"
        return f"{self.county} {verb} the border region ({short_date(self.effective_at)})"


def county_in_region(exercise: Exercise, county: BorderCounty) -> bool:
    """Return whether ``county`` is in the border region of ``exercise`` now (PER-2, D10 Art. 6).

    Kept with the models (``permits.selectors`` re-exports it): the permit's PER-2 guard reads it.

    The latest change the exercise made, effective by its clock, wins over the base geography.
    """
    change = (
        BorderRegionChange.objects.filter(exercise=exercise, county=county, effective_at__lte=exercise.clock)
        .order_by("-effective_at", "-id")
        .first()
    )
    return change.in_region if change is not None else county.in_border_region
