"""The teacher's clock controls on the exercise page, and read-only deadlines and clock moves.

The buttons call the one time move (:func:`cases.classroom.timekeeping.time_move`) against the clock
the page showed; they refuse a move backwards, beyond 1970 or after the clock moved with its message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from cases.admin.base import ReadOnlyAdmin, WallTimeShown
from cases.admin.exercise import ExerciseAdmin
from cases.classroom.timekeeping import time_move
from cases.engine import is_facilitator
from cases.errors import ApplicationError
from cases.input import db_id
from cases.models import ClockMove, ClockMoveSource, Deadline, DeadlineStatus, Exercise
from cases.services.clock import clock_set_pace
from cases.services.deadlines import deadline_action_label
from cases.wording import short_date


class ClockAdvanceForm(forms.Form):
    """Move forward by days or to a date (one of the two), against the clock the page showed."""

    days = forms.IntegerField(required=False, min_value=1, max_value=6000, label="Advance by (simulated days)")
    to = forms.DateField(
        required=False, label="…or advance to (YYYY-MM-DD)", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(required=False, max_length=200, label="Note (recorded with the move)")
    seen_clock = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_seen_clock(self) -> dt.datetime:
        try:
            seen = dt.datetime.fromisoformat(self.cleaned_data.get("seen_clock") or "")
            if seen.tzinfo is None:
                raise ValueError("no time zone")
            return seen
        except ValueError as exc:
            raise forms.ValidationError(
                "This form does not say which clock it was shown with: reload the page.") from exc


class ClockPaceForm(forms.Form):
    pace = forms.IntegerField(min_value=0, label="Simulated days per real minute (0 stops the pace)")


admin.site.unregister(Exercise)


@admin.register(Exercise)
class ExerciseClockAdmin(ExerciseAdmin):
    """The exercise admin with a clock page (advance by days, to a date, or set a pace)."""

    list_display = (*ExerciseAdmin.list_display, "pace_days_per_minute", "clock_link")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Set the clock, regime and pause when creating an exercise; afterwards only their services change them.

        The clock page (or the console) moves the clock and sets the pace; the console pauses and resumes and
        switches the regime (its counterfactual flag with it), each recorded in the exercise's history.
        """
        fields = tuple(super().get_readonly_fields(request, obj))
        later = ("clock", "pace_days_per_minute", "regime", "counterfactual", "paused")
        return (*fields, *later) if obj is not None else fields

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/clock/",
                self.admin_site.admin_view(self.clock_view),
                name="cases_exercise_clock",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Clock")
    def clock_link(self, obj: Exercise) -> str:
        return format_html('<a href="{}">Clock controls</a>', reverse("admin:cases_exercise_clock", args=[obj.pk]))

    def clock_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show the clock, its moves and the next deadlines; on POST move it through the services."""
        exercise = get_object_or_404(self.get_queryset(request), pk=db_id(object_id) or -1)
        if not (request.user.is_superuser or is_facilitator(request.user, exercise.pk)):
            raise PermissionDenied("Only the exercise's teacher moves its clock.")
        url = reverse("admin:cases_exercise_clock", args=[exercise.pk])
        advance_form = ClockAdvanceForm(prefix="advance", initial={"seen_clock": exercise.clock.isoformat()})
        pace_form = ClockPaceForm(prefix="pace", initial={"pace": exercise.pace_days_per_minute})
        if request.method == "POST":
            if "pace-pace" in request.POST:
                pace_form = ClockPaceForm(request.POST, prefix="pace")
                if pace_form.is_valid():
                    try:
                        clock_set_pace(
                            exercise=exercise, actor=request.user, days_per_minute=pace_form.cleaned_data["pace"]
                        )
                    except ApplicationError as exc:
                        messages.error(request, exc.message)
                    else:
                        messages.success(request, f"Pace set to {pace_form.cleaned_data['pace']} day(s) per minute.")
                        return HttpResponseRedirect(url)
            else:
                advance_form = ClockAdvanceForm(request.POST, prefix="advance")
                if advance_form.is_valid():
                    data = advance_form.cleaned_data
                    try:
                        report = time_move(
                            exercise=exercise,
                            actor=request.user,
                            days=data["days"],
                            to=data["to"],
                            seen_clock=data["seen_clock"],
                            source=ClockMoveSource.ADMIN,
                            note=data["note"] or "",
                        )
                    except ApplicationError as exc:
                        messages.error(request, exc.message)
                    else:
                        assert report.clock_to is not None
                        messages.success(
                            request,
                            f"The clock moved to {short_date(timezone.localtime(report.clock_to), time=True)}; "
                            f"the timed "
                            f"events and deadlines due on the way fired in order; the autopilot took "
                            f"{report.steps} step(s).",
                        )
                        return HttpResponseRedirect(url)
                else:
                    for errors in advance_form.errors.values():
                        messages.error(request, " ".join(errors))
                    # A refused form shows the clock as it is now, so its next submission is against it.
                    exercise.refresh_from_db()
        if advance_form.is_bound:
            advance_form = ClockAdvanceForm(
                prefix="advance", initial={"seen_clock": exercise.clock.isoformat(), **{
                    k: advance_form.data.get(f"advance-{k}") for k in ("days", "to", "note")}})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Clock: {exercise}",
            "exercise": exercise,
            "advance_form": advance_form,
            "pace_form": pace_form,
            "moves": ClockMove.objects.filter(exercise=exercise).select_related("actor")[:20],
            "upcoming": [(d, deadline_action_label(d, d.case.procedure.model))
                         for d in Deadline.objects.filter(exercise=exercise, status=DeadlineStatus.PENDING)
                         .select_related("case").order_by("due_at", "id")[:20]],
            "overdue_pending": Deadline.objects.filter(
                exercise=exercise, status=DeadlineStatus.PENDING, due_at__lte=exercise.clock
            ).count(),
        }
        return TemplateResponse(request, "admin/cases/exercise_clock.html", context)


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    """Every deadline: due (simulated), status and what fires; the sweep alone changes them."""

    list_display = ("due_at", "case", "kind", "fires", "status", "fired_at", "rules", "note")
    list_filter = ("exercise", "status", "kind")
    list_select_related = ("case",)
    search_fields = ("case__reference", "action", "note")
    date_hierarchy = "due_at"

    @admin.display(description="fires", ordering="action")
    def fires(self, obj: Deadline) -> str:
        """What the deadline does when it fires, in words (the step's label), as the case page says it."""
        return deadline_action_label(obj, obj.case.procedure.model)


@admin.register(ClockMove)
class ClockMoveAdmin(WallTimeShown, ReadOnlyAdmin):
    list_display = ("exercise", "from_time", "to_time", "source", "actor", "wall_time_shown", "note")
    list_filter = ("exercise", "source")
