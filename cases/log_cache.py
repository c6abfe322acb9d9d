"""The analytics pages cached per exercise behind a version of its log.

A dashboard, a debrief or the projector's refresh reads the whole log only when the log has changed
since the last reading: the version is the exercise's clock, regime and name with the last id of its
events. Every write the analytics read comes with an event (a filing, a step, a deadline firing, a
regime switch, a note), so every such write changes the version. The version is one indexed look-up
(the ``(exercise, id)`` index of the events): it costs the same at any size of the log.

On SQLite writers take turns, so event ids commit in order. On PostgreSQL a transaction holding a
lower id can commit after one holding a higher id; a page read between the two would be cached
without the first one's rows. The next write corrects it; so, at the latest, does ``PG_TIMEOUT``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import OuterRef, Subquery

from cases.models import CaseEvent, Exercise

T = TypeVar("T")
TIMEOUT = 24 * 3600  # seconds an unread version stays in the cache
PG_TIMEOUT = 120  # on PostgreSQL, where ids may commit out of order: the longest a page can miss a write


LAST_EVENT = "log_last_event"  # the annotation ``last_event_id()`` adds, which ``log_version`` reads


def last_event_id() -> Subquery:
    """Return the id of the exercise's last event as an annotation (``.annotate(**{LAST_EVENT: ...})``).

    A page that polls reads the exercise and its version in one query this way: ``log_version`` then
    uses the annotation instead of querying again.
    """
    return Subquery(CaseEvent.objects.filter(exercise_id=OuterRef("pk")).order_by("-id").values("id")[:1])


def log_version(exercise: Exercise) -> str:
    """Return the version of an exercise's log: it changes whenever what the analytics read changes."""
    if LAST_EVENT in exercise.__dict__:
        last = exercise.__dict__[LAST_EVENT]
    else:
        last = CaseEvent.objects.filter(exercise_id=exercise.pk).order_by("-id").values_list("id", flat=True).first()
    return (f"{exercise.pk}:{exercise.created_at.isoformat()}:{exercise.clock.isoformat()}:{exercise.regime}:"
            f"{last}:{exercise.name}")


def cached_page(name: str, exercise: Exercise, build: Callable[[], T]) -> T:
    """Return ``build()`` for this exercise's log as it is now, built once per version of the log."""
    digest = hashlib.sha256(log_version(exercise).encode()).hexdigest()
    key = f"bd-analytics:{name}:{exercise.pk}:{digest}"
    found: Any = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, PG_TIMEOUT if connection.vendor == "postgresql" else TIMEOUT)
    return found  # type: ignore[no-any-return]
