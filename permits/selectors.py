"""Reads of the border geography: region membership per exercise and the crossing hours (PER-2, PER-8)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from cases.errors import ApplicationError
from cases.models import Exercise
from permits.models import BorderCounty, CrossingHours
from permits.models.geography import county_in_region

BEIJING = ZoneInfo("Asia/Shanghai")
__all__ = ["border_region", "county_in_region", "hours_for", "within_hours"]


def border_region(exercise: Exercise, side: str | None = None) -> list[BorderCounty]:
    """Return the counties of the border region in ``exercise`` now, optionally of one side (PER-2)."""
    counties = BorderCounty.objects.all() if side is None else BorderCounty.objects.filter(side=side)
    return [c for c in counties if county_in_region(exercise, c)]


def hours_for(moment: dt.datetime) -> CrossingHours:
    """Return the season's crossing hours that apply at ``moment`` (PER-8)."""
    month = moment.astimezone(BEIJING).month
    for season in CrossingHours.objects.all():
        if season.covers(month):
            return season
    raise ApplicationError("No crossing hours are defined for this month; ask the teacher to load the geography.")


def within_hours(moment: dt.datetime) -> tuple[bool, CrossingHours]:
    """Return whether ``moment`` lies within the crossing hours (ends included, to the minute) and the season.

    Times are compared as the Beijing clock shows them: in October 16:00 is allowed and 16:01 is not.
    """
    season = hours_for(moment)
    local = moment.astimezone(BEIJING).replace(second=0, microsecond=0).time()
    return season.opens <= local <= season.closes, season
