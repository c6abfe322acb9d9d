"""The projector view: what the class sees on the wall while it plays, refreshing itself.

The dashboard's key figures and charts (``dashboard_page``, computed once per version of the log)
and every office's queue (``office_queues``: a row where cases wait or a student sits, the quiet offices on
one line), in large type for 1280 x 720, with the simulated date and
the pause. Only the teacher running the exercise opens it. The page polls itself every few seconds
(``cases/admin/refresh.py``): unchanged, one query and a 204; changed, the fragment only.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from cases.admin.refresh import (
    POLL_SECONDS,
    live_exercises,
    no_change,
    page_version,
    refresh_url,
    unchanged,
    wants_fragment,
)
from cases.analytics.dashboard import dashboard_page
from cases.models import Exercise
from cases.regimes import get_regime
from cases.selectors import can_run, office_queues


def projector(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Show the exercise's figures, charts and queues on the projector; answer its own refreshes."""
    found = live_exercises(Exercise.objects.filter(pk=exercise_id), request.user)
    if not found:
        raise Http404("No such exercise.")
    exercise = found[0]
    if not can_run(request.user, exercise):
        raise PermissionDenied("Only the teacher running this exercise may open its projector view.")
    version = page_version(found)
    if unchanged(request, version):
        return no_change()
    queues = office_queues(exercise)
    context = {
        "title": f"Projector: {exercise.name}", "exercise": exercise, "regime": get_regime(exercise.regime),
        # A row for each office where cases wait or a student sits; the others are named on one line, so the
        # queues that matter stay on a 1280 x 720 wall (a small class in a pack of many offices).
        "queues": [q for q in queues if q.waiting or q.holders],
        "quiet": [q for q in queues if not (q.waiting or q.holders)], "dash": dashboard_page(exercise),
        "refresh_url": refresh_url(request, version), "poll_seconds": POLL_SECONDS,
    }
    if wants_fragment(request):
        return TemplateResponse(request, "admin/classroom/projector_live.html", context)
    return TemplateResponse(request, "admin/classroom/projector.html", {**admin.site.each_context(request), **context})
