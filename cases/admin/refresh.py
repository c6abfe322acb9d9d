"""Pages that refresh themselves (the projector, the student's inbox): their version, read in one query.

A page polls its own URL with htmx every few seconds, sending the version it shows (``?v=``). The
version is the exercise's log version (``cases.log_cache.log_version``: clock, regime, last case
event) with what else the pages show: the pause, the counterfactual mark and the last exercise event
(news injected, a student moved to another office, a regime switched). The exercises, their version
and whether the user runs them come from one query; when nothing changed the answer is 204 (htmx
swaps nothing) and nothing is rendered. When something changed the page answers with its fragment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse

from cases.log_cache import LAST_EVENT, last_event_id, log_version
from cases.models import Exercise, ExerciseEvent
from cases.selectors import with_run_seat

POLL_SECONDS = 3  # how often a page asks; a change shows within this many seconds
VERSION_PARAM = "v"


def live_exercises(qs: QuerySet[Exercise], user: Any) -> list[Exercise]:
    """Return these exercises with what their version needs and whether ``user`` runs them: one query."""
    last_exercise_event = Subquery(
        ExerciseEvent.objects.filter(exercise_id=OuterRef("pk")).order_by("-id").values("id")[:1])
    return list(with_run_seat(qs, user).annotate(**{LAST_EVENT: last_event_id()},
                                                 last_exercise_event=last_exercise_event).order_by("pk"))


def page_version(exercises: Iterable[Exercise]) -> str:
    """Return the version of what a page shows of these exercises (read with ``live_exercises``)."""
    parts = [f"{log_version(e)}|{e.paused}|{e.counterfactual}|{e.last_exercise_event}"  # type: ignore[attr-defined]
             for e in exercises]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def unchanged(request: HttpRequest, version: str) -> bool:
    """Return whether this is a page's own refresh and it already shows ``version``."""
    return bool(getattr(request, "htmx", False)) and request.GET.get(VERSION_PARAM) == version


def no_change() -> HttpResponse:
    """Answer a refresh that has nothing new (htmx leaves the page as it is)."""
    return HttpResponse(status=204)


def refresh_url(request: HttpRequest, version: str) -> str:
    """Return the page's own URL (its other parameters kept) asking with ``version``."""
    params = [(k, v) for k, values in request.GET.lists() if k != VERSION_PARAM for v in values]
    return f"{request.path}?{urlencode([*params, (VERSION_PARAM, version)])}"


def wants_fragment(request: HttpRequest) -> bool:
    """Return whether the page should answer with its refreshing fragment only (an htmx refresh)."""
    return bool(getattr(request, "htmx", False))
