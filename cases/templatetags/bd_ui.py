"""Template helpers for the pages every user sees: the pause banner and rules in short."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.conf import settings

from cases.wording import clip, wall_clock

register = template.Library()

SHORT_RULE = 140


@register.simple_tag(takes_context=True)
def paused_exercises(context: dict[str, Any]) -> list[str]:
    """Return the names of the paused exercises the logged-in user takes part in (one small query)."""
    from cases.models import Exercise

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(
        Exercise.objects.filter(memberships__user=user, paused=True).order_by("name").values_list("name", flat=True)
        .distinct()
    )


@register.filter
def rule_short(text: str) -> str:
    """Return a rule's summary in short: its first sentence, cut at a word near 140 characters."""
    text = " ".join(str(text).split())
    first = re.split(r"(?<=[.;])\s+(?=[A-Z(\"“])", text, maxsplit=1)[0]
    return clip(first, SHORT_RULE)


@register.filter
def is_shortened(text: str) -> bool:
    """Say whether :func:`rule_short` leaves something of the text out."""
    return rule_short(text) != " ".join(str(text).split())


@register.filter
def regime_label(code: str) -> str:
    """Return a regime's label for its code ("1957_lenient" -> "1957 lenient line"); unknown codes as given."""
    from cases.regimes import REGIMES

    regime = REGIMES.get(str(code))
    return regime.label if regime is not None else str(code)


@register.filter
def wall(moment: dt.datetime | None) -> str:
    """Write a real moment (when someone acted) on the room's clock (:func:`cases.wording.wall_clock`)."""
    return wall_clock(moment) if moment is not None else ""


@register.simple_tag
def wall_zone() -> str:
    """Return the name of the room's time zone, for a column heading ("Wall time (Europe/London)")."""
    return str(settings.WALL_TIME_ZONE)
