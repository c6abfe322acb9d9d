"""The exercise's analytics pages in the admin: dashboard, debrief, event-log download.

Mixed into ``ExerciseAdmin`` so that any admin built on it (the clock page's subclass too) has them.
They are the teacher's (``can_run``): they name every office's oldest cases and people and show every
office's queue, and a student sees nothing of another office; the teacher shows them on the projector.
"""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from cases.analytics.dashboard import dashboard_page, debrief_charts, debrief_page
from cases.analytics.export import FORMATS, stream
from cases.analytics.registry import RUNNERS
from cases.input import db_id
from cases.models import Exercise, Membership
from cases.regimes import REGIME_CHOICES
from cases.selectors import can_run
from cases.wording import wall_date


def _svg_uri(svg: str) -> str:
    """Return an inline SVG chart as a data URI for an ``<img>`` ('' for a chart with nothing to draw)."""
    if not svg.startswith("<svg"):
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# The PDF's standard fonts (Helvetica) draw the Latin-1 / WinAnsi characters only; these would come out as boxes.
PDF_SPELLINGS = {"λ": "lambda", "→": "->", "≤": "<=", "≥": ">=", "≈": "~", "−": "-"}  # noqa: RUF001


def _pdf_text(html: str) -> str:
    """Return the print HTML with the few characters the PDF fonts lack spelt out."""
    for char, spelling in PDF_SPELLINGS.items():
        html = html.replace(char, spelling)
    return html


class ComparisonForm(forms.Form):
    """Which cohort to run, under which two regimes, with which seed."""

    runner = forms.ChoiceField(choices=[(k, f"{k}: {e.help}") for k, e in RUNNERS.items()])
    regime_a = forms.ChoiceField(choices=[("", "(the runner's default)"), *REGIME_CHOICES], required=False)
    regime_b = forms.ChoiceField(choices=[("", "(the runner's default)"), *REGIME_CHOICES], required=False)
    seed = forms.IntegerField(min_value=0, max_value=10**9, initial=1)
    size = forms.IntegerField(min_value=1, max_value=3000, required=False,
                              help_text="Cases in the cohort (empty: the runner's default).")
    calibrate = forms.BooleanField(required=False, label="Also check the Yanbian 1961 calibration (10 seeds)")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        entry = RUNNERS.get(data.get("runner", ""))
        if entry is not None:
            try:
                entry.regimes_for(data.get("regime_a", ""), data.get("regime_b", ""))
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


class ExerciseAnalyticsMixin:
    """Add the dashboard, debrief and event export views to an Exercise admin."""

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("<path:object_id>/dashboard/", view(self.dashboard_view), name="cases_exercise_dashboard"),
            path("<path:object_id>/debrief/print/", view(self.debrief_print_view), name="cases_exercise_debrief_print"),
            path("<path:object_id>/debrief.pdf", view(self.debrief_pdf_view), name="cases_exercise_debrief_pdf"),
            path("<path:object_id>/debrief/", view(self.debrief_view), name="cases_exercise_debrief"),
            path("<path:object_id>/events.<str:fmt>", view(self.events_view), name="cases_exercise_events"),
            path("compare-regimes/", view(self.compare_view), name="cases_exercise_compare"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        exercise = context.get("original")
        context["may_export"] = exercise is not None and can_run(request.user, exercise)
        return super().render_change_form(request, context, *args, **kwargs)  # type: ignore[misc]

    @admin.display(description="Analytics")
    def analytics_links(self, obj: Exercise) -> str:
        return format_html(
            '<a href="{}">Dashboard</a> · <a href="{}">Debrief</a>',
            reverse("admin:cases_exercise_dashboard", args=[obj.pk]),
            reverse("admin:cases_exercise_debrief", args=[obj.pk]),
        )

    def _exercise(self, request: HttpRequest, object_id: str) -> Exercise:
        if db_id(object_id) is None:
            raise Http404("No such exercise.")
        return get_object_or_404(self.get_queryset(request), pk=object_id)  # type: ignore[attr-defined]

    def _run_exercise(self, request: HttpRequest, object_id: str) -> Exercise:
        """Return the exercise for its teacher's analytics pages; refuse anyone else (a student) with 403."""
        exercise = self._exercise(request, object_id)
        if not can_run(request.user, exercise):
            raise PermissionDenied("The dashboard and the debrief are for the teacher running this exercise, "
                                   "who shows them to the class.")
        return exercise

    def _page(self, request: HttpRequest, exercise: Exercise, template: str, title: str,
              data: dict[str, Any]) -> TemplateResponse:
        # The event log names every office's cases, actors and notes: its teacher's (``can_run``), not a
        # student's, who sees only their office's procedures (the counts here are for all).
        exports = can_run(request.user, exercise)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Exercise._meta,
            "title": title,
            "exercise": exercise,
            "dashboard_url": reverse("admin:cases_exercise_dashboard", args=[exercise.pk]),
            "debrief_url": reverse("admin:cases_exercise_debrief", args=[exercise.pk]),
            "print_url": reverse("admin:cases_exercise_debrief_print", args=[exercise.pk]),
            "pdf_url": reverse("admin:cases_exercise_debrief_pdf", args=[exercise.pk]),
            "csv_url": reverse("admin:cases_exercise_events", args=[exercise.pk, "csv"]) if exports else "",
            "xes_url": reverse("admin:cases_exercise_events", args=[exercise.pk, "xes"]) if exports else "",
            **data,
        }
        return TemplateResponse(request, template, context)

    def dashboard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show the exercise's queues, waits, flow, outcomes and funnel."""
        exercise = self._run_exercise(request, object_id)
        return self._page(request, exercise, "admin/cases/exercise_dashboard.html",
                          f"Dashboard: {exercise.name}", dashboard_page(exercise))

    def debrief_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show what happened in this class beside the historical figures."""
        exercise = self._run_exercise(request, object_id)
        return self._page(request, exercise, "admin/cases/exercise_debrief.html",
                          f"Debrief: {exercise.name}", debrief_page(exercise))

    def _print_context(self, exercise: Exercise, *, pdf: bool) -> dict[str, Any]:
        """Return the printable debrief's context: the debrief's own data, charts as images for the PDF."""
        data = dict(debrief_page(exercise))
        data["charts"] = debrief_charts(dashboard_page(exercise))
        if pdf:  # xhtml2pdf draws an SVG image (through svglib), not inline SVG
            data["charts"] = [(title, _svg_uri(svg)) for title, svg in data["charts"]]
            # The big figures, three to a row of a table: the PDF cut off those beyond the page's width.
            figures = [(data["filed"], "cases filed"), (data["closed"], "closed"), (data["open"], "still open"),
                       *((s.n, f"{s.label} ({s.pct} {s.basis})") for s in data["closed_shares"].values())]
            data["big_rows"] = [figures[i:i + 3] for i in range(0, len(figures), 3)]
        scenario = getattr(exercise, "scenario", None)  # the pack it was loaded from, if any
        return {**data, "exercise": exercise, "title": f"Debrief: {exercise.name}", "print": True, "pdf": pdf,
                "printed": wall_date(timezone.now()), "scenario_title": scenario.title if scenario else ""}

    def debrief_print_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show the debrief as an A4 page to print and hand out (no admin chrome; the same charts)."""
        exercise = self._run_exercise(request, object_id)
        return TemplateResponse(request, "admin/cases/exercise_debrief_print.html",
                                self._print_context(exercise, pdf=False))

    def debrief_pdf_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Download the printable debrief as PDF (the project's one PDF helper, xhtml2pdf)."""
        from cases.classroom.documents import html_to_pdf
        from cases.errors import ApplicationError

        exercise = self._run_exercise(request, object_id)
        html = render_to_string("admin/cases/exercise_debrief_print.html", self._print_context(exercise, pdf=True),
                                request=request)
        try:
            pdf = html_to_pdf(_pdf_text(html))
        except ApplicationError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(reverse("admin:cases_exercise_debrief_print", args=[exercise.pk]))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="exercise-{exercise.pk}-debrief.pdf"'
        return response

    def events_view(self, request: HttpRequest, object_id: str, fmt: str) -> HttpResponse:
        """Download the event log as CSV or XES, written as it is read (memory does not grow with the log)."""
        if fmt not in FORMATS:
            raise Http404("Choose csv or xes.")
        exercise = self._exercise(request, object_id)
        if not can_run(request.user, exercise):
            raise PermissionDenied("Only the teacher running this exercise downloads its event log.")
        chunks, content_type = stream(exercise, fmt)
        response = StreamingHttpResponse(chunks, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="exercise-{exercise.pk}-events.{fmt}"'
        return response

    def compare_view(self, request: HttpRequest) -> HttpResponse:
        """Run one cohort under two regimes side by side (teachers only: runs may create exercises).

        The runs go to a worker as a job (one took 122 s with calibration); the page polls the job and
        shows its result, so no comparison runs inside a web request.
        """
        from cases.classroom.tasks import dispatch_job
        from cases.models import Job, JobKind

        user = request.user
        if not (user.is_superuser or Membership.objects.filter(user=user, is_facilitator=True).exists()):
            raise PermissionDenied("Only a teacher runs regime comparisons.")
        form = ComparisonForm(request.POST or None)
        context: dict[str, Any] = {}
        if request.method == "POST" and form.is_valid():
            job = Job.objects.create(kind=JobKind.COMPARE, requested_by=user, total=1, params={
                k: form.cleaned_data[k] for k in ("runner", "regime_a", "regime_b", "seed", "size", "calibrate")})
            dispatch_job(job.pk)
            return HttpResponseRedirect(f"{reverse('admin:cases_exercise_compare')}?job={job.pk}")
        job_id = request.GET.get("job", "")
        if db_id(job_id) is not None:
            context["job"] = get_object_or_404(Job, pk=int(job_id), kind=JobKind.COMPARE, requested_by=user)
        context.update({
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Exercise._meta, "title": "Regime comparison", "form": form,
        })
        return TemplateResponse(request, "admin/cases/regime_comparison.html", context)
