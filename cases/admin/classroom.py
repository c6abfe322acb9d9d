"""Classroom pages inside the admin: load a pack (with progress), the facilitator console, students and
role cards, the student inbox, and printable documents. Every write goes through a service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from cases.classroom.autopilot import RunReport, autopilot_run, fast_forward, staffed_office_ids
from cases.classroom.controls import advance_clock, switch_regime
from cases.classroom.documents import documents_for, documents_pending, render_document, render_pdf
from cases.classroom.packs import PackError, all_packs
from cases.classroom.queries import can_load, can_run, case_counts, inbox_page, is_student, office_queues
from cases.classroom.students import membership_assign, parse_names, role_cards, students_create
from cases.classroom.tasks import dispatch_load
from cases.classroom.timeline import EVENT_KINDS, inject_event, recent_news
from cases.errors import ApplicationError
from cases.models import (
    Case,
    Exercise,
    ExerciseScenario,
    Membership,
    Office,
    ScenarioLoad,
    TimedEvent,
    TimedEventStatus,
)
from cases.regimes import REGIME_CHOICES, get_regime
from cases.selectors import scope_to_user


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> TemplateResponse:
    return TemplateResponse(request, template, {**admin.site.each_context(request), **context})


def _exercise_for_teacher(request: HttpRequest, exercise_id: int) -> Exercise:
    exercise = get_object_or_404(Exercise, pk=exercise_id)
    if not can_run(request.user, exercise):
        raise PermissionDenied("Only the teacher running this exercise may open its console.")
    return exercise


# --- Home and loading --------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """List the packs a teacher can load and the exercises the user runs or plays in."""
    exercises = scope_to_user(Exercise.objects.all(), request.user, "id")
    packs, broken = [], []
    try:
        packs = all_packs()
    except PackError as exc:
        broken = exc.problems
    return _render(request, "admin/classroom/home.html", {
        "title": "Classroom",
        "packs": packs, "broken": broken, "can_load": can_load(request.user),
        "exercises": [(e, can_run(request.user, e)) for e in exercises],
        "loads": ScenarioLoad.objects.filter(requested_by=request.user)[:5] if request.user.is_authenticated else [],
    })


@require_POST
def load_start(request: HttpRequest) -> HttpResponse:
    """Queue the loading of a pack and go to its progress page."""
    if not can_load(request.user):
        raise PermissionDenied("Only teachers may load scenario packs.")
    slug = request.POST.get("slug", "")
    name = request.POST.get("name", "").strip()
    pack = next((p for p in all_packs() if p.slug == slug), None)
    if pack is None:
        messages.error(request, f"No scenario pack {slug!r}.")
        return HttpResponseRedirect(reverse("classroom:home"))
    name = name or pack.title
    if Exercise.objects.filter(name=name).exists():
        messages.error(request, f"An exercise called {name!r} exists already; choose another name.")
        return HttpResponseRedirect(reverse("classroom:home"))
    if not pack.available:
        messages.error(request, f"'{pack.title}' cannot be loaded here: {'; '.join(pack.missing())}.")
        return HttpResponseRedirect(reverse("classroom:home"))
    with transaction.atomic():
        load = ScenarioLoad.objects.create(slug=slug, name=name, requested_by=request.user, total=pack.size())
        transaction.on_commit(lambda: dispatch_load(load.pk))
    return HttpResponseRedirect(reverse("classroom:load_progress", args=[load.pk]))


def load_progress(request: HttpRequest, load_id: int) -> HttpResponse:
    """Show the progress bar of a load (the page polls ``load_status``)."""
    load = get_object_or_404(ScenarioLoad, pk=load_id, requested_by=request.user)
    return _render(request, "admin/classroom/load_progress.html", {"title": f"Loading {load.name}", "load": load})


def load_status(request: HttpRequest, load_id: int) -> JsonResponse:
    """Return a load's progress as JSON for the polling page."""
    load = get_object_or_404(ScenarioLoad, pk=load_id, requested_by=request.user)
    return JsonResponse({
        "status": load.status, "done": load.done, "total": load.total, "percent": load.percent,
        "message": load.message,
        "console": reverse("classroom:console", args=[load.exercise_id]) if load.exercise_id else "",
    })


# --- Facilitator console ------------------------------------------------------------------------


class InjectForm(forms.Form):
    kind = forms.ChoiceField(choices=list(EVENT_KINDS.items()))
    label = forms.CharField(max_length=200, label="Headline")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    source = forms.CharField(max_length=200, required=False, help_text="Cite the source of news you read out.")
    regime = forms.ChoiceField(choices=[("", "—"), *REGIME_CHOICES], required=False)


def console(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The teacher's console: clock, autopilot, regime, events, pause, every office's queue."""
    exercise = _exercise_for_teacher(request, exercise_id)
    if request.method == "POST":
        try:
            note = _console_action(request, exercise)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, note)
        return HttpResponseRedirect(reverse("classroom:console", args=[exercise.pk]))
    scenario = ExerciseScenario.objects.filter(exercise=exercise).first()
    open_cases, closed_cases = case_counts(exercise)
    return _render(request, "admin/classroom/console.html", {
        "title": f"Console: {exercise.name}",
        "exercise": exercise, "scenario": scenario, "regime": get_regime(exercise.regime),
        "regimes": REGIME_CHOICES, "queues": office_queues(exercise),
        "pending": exercise.timed_events.filter(status=TimedEventStatus.PENDING),
        "news": recent_news(exercise, 8), "inject_form": InjectForm(),
        "students": Membership.objects.filter(exercise=exercise, is_facilitator=False).select_related("user", "office"),
        "offices": exercise.offices.order_by("side", "id"),
        "open_cases": open_cases, "closed_cases": closed_cases,
        "seated": Membership.objects.filter(exercise=exercise, user=request.user).exists(),
    })


def _int(value: str | None, what: str) -> int:
    try:
        return int(value or "")
    except ValueError as exc:
        raise ApplicationError(f"{what} must be a whole number.") from exc


def _run_summary(exercise: Exercise, report: RunReport) -> str:
    """Say what the autopilot did, and why it did nothing when students hold every office with work."""
    text = (f"Clock now {report.clock_to:%d %b %Y}; the autopilot took {report.steps} step(s) "
            f"for the offices without students.")
    waiting = Case.objects.filter(exercise=exercise, closed_at__isnull=True,
                                  next_office_id__in=staffed_office_ids(exercise)).count()
    if waiting:
        text += f" {waiting} open case(s) wait for an office a student holds."
    if report.stuck:
        text += f" Stuck: {'; '.join(report.stuck[:3])}"
    return text


TIME_MOVES = ("advance", "year", "to_date")


def _check_seen_clock(request: HttpRequest, exercise: Exercise) -> None:
    """Refuse a time move made against a clock other than the one the page showed.

    A double click on "Fast-forward a year", a second tab or a colleague's console would otherwise
    move time on twice; each form carries the clock it was shown with, and only that clock may move.
    """
    from django.utils import timezone

    try:
        seen = dt.datetime.fromisoformat(request.POST.get("seen_clock", ""))
    except ValueError as exc:
        raise ApplicationError("This form does not say which clock it was shown with: reload the console.") from exc
    exercise.refresh_from_db(fields=["clock"])
    if seen != exercise.clock:
        now = timezone.localtime(exercise.clock)
        raise ApplicationError(
            f"The clock has moved since this page was shown (it is now {now:%d %b %Y, %H:%M}); nothing was done. "
            "Look at the console again before moving time on."
        )


def _console_action(request: HttpRequest, exercise: Exercise) -> str:
    """Carry out one console button through the services; return what happened."""
    action = request.POST.get("action", "")
    user = request.user
    scenario = ExerciseScenario.objects.filter(exercise=exercise).first()
    if action in TIME_MOVES:
        _check_seen_clock(request, exercise)
    if action in ("advance", "year"):
        days = 365 if action == "year" else _int(request.POST.get("days"), "The number of days")
        if days < 1 or days > 3660:
            raise ApplicationError("Move the clock on by 1 to 3660 days.")
        if scenario is None or scenario.autopilot:
            report = fast_forward(exercise=exercise, actor=user, days=days)
            return _run_summary(exercise, report)
        if exercise.paused:
            raise ApplicationError("The exercise is paused: resume it before moving time on.")
        advance_clock(exercise=exercise, actor=user, to=exercise.clock + dt.timedelta(days=days))
        return f"Clock now {exercise.clock:%d %b %Y} (autopilot off)."
    if action == "to_date":
        try:
            day = dt.date.fromisoformat(request.POST.get("date", ""))
        except ValueError as exc:
            raise ApplicationError("Give the date as YYYY-MM-DD.") from exc
        from django.utils import timezone

        local = timezone.localtime(exercise.clock)
        until = local.replace(year=day.year, month=day.month, day=day.day)
        if scenario is None or scenario.autopilot:
            report = autopilot_run(exercise=exercise, until=until, actor=user)
            return _run_summary(exercise, report)
        if exercise.paused:
            raise ApplicationError("The exercise is paused: resume it before moving time on.")
        advance_clock(exercise=exercise, actor=user, to=until)
        return f"Clock now {exercise.clock:%d %b %Y} (autopilot off)."
    if action == "join":
        # A superuser who did not load the exercise takes the facilitator's seat, to act for any office.
        if Membership.objects.filter(exercise=exercise, user=user).exists():
            raise ApplicationError("You already have a place in this exercise.")
        Membership.objects.create(exercise=exercise, user=user, is_facilitator=True)
        return "You are now this exercise's facilitator: you may act for any office."
    if action == "regime":
        return switch_regime(exercise=exercise, regime=request.POST.get("regime", ""),
                             migrate_running=request.POST.get("migrate") == "on", actor=user)
    if action == "fire":
        event = inject_event(exercise=exercise, actor=user, kind="", label="",
                             pending_id=_int(request.POST.get("event"), "The event"))
        return f"Fired now: {event.label}. {event.result}"
    if action == "inject":
        form = InjectForm(request.POST)
        if not form.is_valid():
            raise ApplicationError("Inject: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        d = form.cleaned_data
        payload = {"text": d["text"], "source": d["source"]}
        if d["regime"]:
            payload["regime"] = d["regime"]
        event = inject_event(exercise=exercise, actor=user, kind=d["kind"], label=d["label"], payload=payload)
        return f"Injected: {event.label}. {event.result}"
    if action in ("pause", "resume"):
        Exercise.objects.filter(pk=exercise.pk).update(paused=action == "pause")
        return "Paused: no office can take a step until you resume." if action == "pause" else "Resumed."
    if action == "autopilot":
        if scenario is None:
            scenario = ExerciseScenario.objects.create(exercise=exercise, slug="manual", title=exercise.name)
        scenario.autopilot = request.POST.get("enabled") == "on"
        scenario.seed = _int(request.POST.get("seed"), "The seed")
        scenario.save(update_fields=["autopilot", "seed"])
        return f"Autopilot {'on' if scenario.autopilot else 'off'}, seed {scenario.seed}."
    if action == "assign":
        m = membership_assign(exercise=exercise, actor=user,
                              membership_id=_int(request.POST.get("membership"), "Student"),
                              office_id=_int(request.POST.get("office"), "Office"))
        return f"{m.user.username} now holds {m.office}."
    raise ApplicationError("Unknown console action.")


# --- Students and role cards ---------------------------------------------------------------------


class StudentsForm(forms.Form):
    count = forms.IntegerField(min_value=0, max_value=60, required=False, help_text="How many logins to create…")
    names = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                            help_text="…or paste a CSV of names, one per line (first column).")
    csv_file = forms.FileField(required=False, label="or upload a CSV file")


def students(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Create student logins in bulk and show the login sheet once (passwords are not stored readable)."""
    exercise = _exercise_for_teacher(request, exercise_id)
    created = []
    form = StudentsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["names"] or ""
        upload = form.cleaned_data.get("csv_file")
        if upload is not None:
            text += "\n" + upload.read().decode("utf-8", errors="replace")
        try:
            created = students_create(exercise=exercise, actor=request.user, count=form.cleaned_data["count"] or 0,
                                      names=parse_names(text))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            # An empty form under the sheet: a second batch must not repeat the first batch's count.
            form = StudentsForm()
    return _render(request, "admin/classroom/students.html", {
        "title": f"Students: {exercise.name}", "exercise": exercise, "form": form, "created": created,
        "login_url": request.build_absolute_uri(reverse("admin:login")),
    })


def cards(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Print the role cards of an exercise (one per office)."""
    exercise = _exercise_for_teacher(request, exercise_id)
    from cases.classroom.loader import pack_context

    pack, _ctx = pack_context(exercise)
    return TemplateResponse(request, "classroom/role_cards.html", {
        "exercise": exercise, "cards": role_cards(exercise), "pack": pack,
        "context": pack.data["context"] if pack else [], "regime": get_regime(exercise.regime),
    })


# --- Inbox -----------------------------------------------------------------------------------------


def inbox(request: HttpRequest) -> HttpResponse:
    """Show the cases awaiting my office(s), every kind, oldest first; a teacher may look as any office."""
    memberships = list(Membership.objects.filter(user=request.user).select_related("office", "exercise"))
    office_id = request.GET.get("office")
    acting_as = None
    if office_id and office_id.isdigit():
        acting_as = Office.objects.select_related("exercise").filter(pk=int(office_id)).first()
        if acting_as is None or not can_run(request.user, acting_as.exercise):
            raise Http404("No such office among the exercises you run.")
        offices = [acting_as]
    else:
        offices = [m.office for m in memberships if m.office is not None]
    exercises = {o.exercise_id: o.exercise for o in offices if o is not None}
    for m in memberships:
        exercises.setdefault(m.exercise_id, m.exercise)
    page = inbox_page(offices, request.GET.get("page"))
    return _render(request, "admin/classroom/inbox.html", {
        "title": f"Awaiting {acting_as}" if acting_as else "Awaiting my office",
        "rows": page.rows, "page": page, "offices": offices, "acting_as": acting_as,
        "exercises": [(e, recent_news(e, 3)) for e in exercises.values()],
        "facilitating": [m.exercise for m in memberships if m.is_facilitator],
        "all_cases_url": reverse("admin:cases_caseproxy_changelist"),
    })


def _index_or_inbox(request: HttpRequest) -> HttpResponse:
    """Send students straight to their inbox; everyone else gets the admin index."""
    if is_student(request.user):
        return HttpResponseRedirect(reverse("classroom:inbox"))
    return admin.site.index(request)


index_or_inbox = admin.site.admin_view(_index_or_inbox)


# --- Documents -----------------------------------------------------------------------------------


def document(request: HttpRequest, case_id: int, slug: str) -> HttpResponse:
    """Show a printable period document of a case (``?format=pdf`` for the PDF)."""
    case = get_object_or_404(scope_to_user(Case.objects.all(), request.user), pk=case_id)
    try:
        if request.GET.get("format") == "pdf":
            response = HttpResponse(render_pdf(case, slug), content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{case.reference}-{slug}.pdf"'
            return response
        return HttpResponse(render_document(case, slug))
    except ApplicationError as exc:
        raise Http404(exc.message) from exc


def documents_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """List the printable documents of a case."""
    case = get_object_or_404(scope_to_user(Case.objects.all(), request.user), pk=case_id)
    opts = case.procedure.model._meta
    return _render(request, "admin/classroom/documents.html", {
        "title": f"Documents of {case.reference}", "case": case, "docs": documents_for(case),
        "pending": documents_pending(case),
        "case_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[case.pk])})


def _v(view: Any) -> Any:
    return admin.site.admin_view(view)


app_name = "classroom"
urlpatterns = [
    path("", _v(home), name="home"),
    path("load/", _v(load_start), name="load_start"),
    path("load/<int:load_id>/", _v(load_progress), name="load_progress"),
    path("load/<int:load_id>/status/", _v(load_status), name="load_status"),
    path("exercise/<int:exercise_id>/console/", _v(console), name="console"),
    path("exercise/<int:exercise_id>/students/", _v(students), name="students"),
    path("exercise/<int:exercise_id>/role-cards/", _v(cards), name="role_cards"),
    path("inbox/", _v(inbox), name="inbox"),
    path("case/<int:case_id>/documents/", _v(documents_list), name="documents"),
    path("case/<int:case_id>/documents/<slug:slug>/", _v(document), name="document"),
]


@admin.register(TimedEvent)
class TimedEventAdmin(admin.ModelAdmin):
    """The exercise's timed events (read-only; the console fires and injects them)."""

    list_display = ("at", "label", "kind", "status", "fired_at", "result", "exercise")
    list_filter = ("exercise", "status", "kind")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return scope_to_user(super().get_queryset(request), request.user)
