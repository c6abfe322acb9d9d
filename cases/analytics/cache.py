"""The analytics pages cached per exercise behind a version of its log.

A dashboard, a debrief or the projector's refresh reads the whole log only when the log has changed
since the last reading: the version is the exercise's clock, regime and name with the number and the
last id of its events. Every write the analytics read comes with an event (a filing, a step, a
deadline firing, a regime switch, a note), so every such write changes the version; a write still
uncommitted when the page was read (a lower id committing after a higher one) changes the count. The
version is one aggregate over an index of the exercise's events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Max

from cases.models import CaseEvent, Exercise

T = TypeVar("T")
TIMEOUT = 24 * 3600  # seconds an unread version stays in the cache


def log_version(exercise: Exercise) -> str:
    """Return the version of an exercise's log: it changes whenever what the analytics read changes."""
    agg = CaseEvent.objects.filter(exercise_id=exercise.pk).aggregate(n=Count("id"), last=Max("id"))
    return (f"{exercise.pk}:{exercise.created_at.isoformat()}:{exercise.clock.isoformat()}:{exercise.regime}:"
            f"{agg['n']}:{agg['last']}:{exercise.name}")


def cached_page(name: str, exercise: Exercise, build: Callable[[], T]) -> T:
    """Return ``build()`` for this exercise's log as it is now, built once per version of the log."""
    digest = hashlib.sha256(log_version(exercise).encode()).hexdigest()
    key = f"bd-analytics:{name}:{exercise.pk}:{digest}"
    found: Any = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, TIMEOUT)
    return found  # type: ignore[no-any-return]
