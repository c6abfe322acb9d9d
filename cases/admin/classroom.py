"""Classroom pages inside the admin: load a pack (with progress), the facilitator console, students and
role cards, the student inbox, and printable documents. Every write goes through a service."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.admin.projector import projector
from cases.admin.refresh import (
    POLL_SECONDS,
    live_exercises,
    no_change,
    page_version,
    refresh_url,
    unchanged,
    wants_fragment,
)
from cases.admin.scope import hidden_from
from cases.classroom.autopilot import autopilot_on
from cases.classroom.controls import regime_switch
from cases.classroom.documents import documents_for, documents_pending, render_document, render_pdf
from cases.classroom.packs import all_packs, exercise_name_problem, pack_listing
from cases.classroom.reset import exercise_contents, exercise_delete, exercise_reset
from cases.classroom.role_policy import policy_lines, regime_card, scheduled_switches
from cases.classroom.students import (
    MAX_CSV_BYTES,
    StudentLogin,
    decode_csv,
    membership_assign,
    named_student,
    parse_names,
    played_kinds,
    role_cards,
    student_logins,
    student_password_reset,
    students_create,
)
from cases.classroom.tasks import dispatch_job
from cases.classroom.timekeeping import fast_forward_days_check, time_move_check
from cases.classroom.timeline import (
    EVENT_KINDS,
    event_kind_name,
    recent_news,
    timed_event_fire_now,
    timed_event_inject,
)
from cases.errors import ApplicationError
from cases.input import db_id, form_errors_text
from cases.models import (
    Case,
    ClockMoveSource,
    Exercise,
    ExerciseEvent,
    ExerciseScenario,
    Job,
    JobKind,
    JobStatus,
    Membership,
    Office,
    TimedEvent,
    TimedEventStatus,
)
from cases.regimes import REGIME_CHOICES, get_regime, regime_choices_on
from cases.rules.in_force import calendar_date, regime_from
from cases.selectors import can_load, can_run, case_counts, inbox_page, is_student, office_queues, scope_to_user
from cases.services.clock import days_to_a_year_on
from cases.services.exercise import autopilot_set, exercise_join, exercise_pause, exercise_resume
from cases.serving.views import room_join_url
from cases.wording import person_name


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
    packs, broken_packs = pack_listing()  # a broken file is listed with its problems; the others load
    broken = [problem for b in broken_packs for problem in b.problems]
    return _render(request, "admin/classroom/home.html", {
        "title": "Classroom",
        "packs": packs, "broken": broken, "can_load": can_load(request.user),
        "exercises": [(e, can_run(request.user, e)) for e in exercises],
        # The pack loads alone: time moves and comparisons are jobs too, with no name and their own pages.
        "loads": Job.objects.filter(requested_by=request.user, kind=JobKind.LOAD)[:5]
        if request.user.is_authenticated else [],
    })


# A second "Load" of the same name this soon after the first finished is the same click sent twice.
RESUBMIT_WINDOW = dt.timedelta(minutes=2)


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
    if exercise_name_problem(name):
        messages.error(request, exercise_name_problem(name))
        return HttpResponseRedirect(reverse("classroom:home"))
    if Exercise.objects.filter(name=name).exists():
        mine = Job.objects.filter(kind=JobKind.LOAD, name=name, requested_by=request.user, status=JobStatus.DONE,
                                  exercise__name=name, updated_at__gte=timezone.now() - RESUBMIT_WINDOW).first()
        if mine is not None:  # the same click sent twice, the first load already done: go where it went
            return HttpResponseRedirect(reverse("classroom:load_progress", args=[mine.pk]))
        messages.error(request, f"An exercise called {name!r} exists already; choose another name.")
        return HttpResponseRedirect(reverse("classroom:home"))
    if not pack.available:
        messages.error(request, f"'{pack.title}' cannot be loaded here: {'; '.join(pack.missing())}.")
        return HttpResponseRedirect(reverse("classroom:home"))
    students = request.POST.get("students", "")
    if why := pack.class_size_problem(students):
        messages.error(request, why)
        return HttpResponseRedirect(reverse("classroom:home"))
    try:
        with transaction.atomic():
            load = Job.objects.create(slug=slug, name=name, requested_by=request.user,
                                      total=pack.size(int(students)), params={"students": int(students)})
            transaction.on_commit(lambda: dispatch_job(load.pk))
    except IntegrityError:  # the same name is being loaded (a double click, a second tab, a colleague)
        live = Job.objects.filter(kind=JobKind.LOAD, name=name,
                                  status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
        if live is not None and live.requested_by_id == request.user.pk:
            return HttpResponseRedirect(reverse("classroom:load_progress", args=[live.pk]))
        messages.error(request, f"An exercise called {name!r} is being loaded already; choose another name.")
        return HttpResponseRedirect(reverse("classroom:home"))
    return HttpResponseRedirect(reverse("classroom:load_progress", args=[load.pk]))


def load_progress(request: HttpRequest, load_id: int) -> HttpResponse:
    """Show the progress bar of a load (the page polls ``load_status``)."""
    load = get_object_or_404(Job, kind=JobKind.LOAD, pk=load_id, requested_by=request.user)
    if load.status == JobStatus.DONE and load.exercise_id:
        return HttpResponseRedirect(reverse("classroom:console", args=[load.exercise_id]))
    return _render(request, "admin/classroom/load_progress.html", {"title": f"Loading {load.name}", "load": load})


def load_status(request: HttpRequest, load_id: int) -> JsonResponse:
    """Return a load's progress as JSON for the polling page."""
    load = get_object_or_404(Job, kind=JobKind.LOAD, pk=load_id, requested_by=request.user)
    return JsonResponse({
        "status": load.status, "done": load.done, "total": load.total, "percent": load.percent,
        "message": load.message, "line": load.progress_line,
        "console": reverse("classroom:console", args=[load.exercise_id]) if load.exercise_id else "",
    })


def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """Show the progress of a job of mine (the page polls ``job_status``); a finished one says how it ended."""
    job = get_object_or_404(Job, pk=job_id, requested_by=request.user)
    if job.kind == JobKind.LOAD:
        return HttpResponseRedirect(reverse("classroom:load_progress", args=[job.pk]))
    from cases.services.job_live import job_live

    job.done, job.total, job.message = job_live(job)
    return _render(request, "admin/classroom/job_progress.html", {
        "title": job.get_kind_display(), "job": job, "next": _job_next(job)})


def job_finish(request: HttpRequest, job_id: int) -> HttpResponse:
    """Leave a finished job of mine for where it leads (the console), saying there how it ended.

    The job page goes here by itself once the job is done, as the load page opens the console: the
    teacher is back where they asked for it, with the result as the page's message. A job still
    running leads back to its progress page.
    """
    job = get_object_or_404(Job, pk=job_id, requested_by=request.user)
    if not job.finished:
        return HttpResponseRedirect(reverse("classroom:job_progress", args=[job.pk]))
    if job.message:
        (messages.success if job.status == JobStatus.DONE else messages.error)(request, job.message)
    return HttpResponseRedirect(_job_next(job))


def _job_next(job: Job) -> str:
    if job.kind == JobKind.COMPARE:
        return f"{reverse('admin:cases_exercise_compare')}?job={job.pk}"
    return reverse("classroom:console", args=[job.exercise_id]) if job.exercise_id else reverse("classroom:home")


def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    """Return a job's progress as JSON for the polling page."""
    from cases.services.job_live import job_live

    job = get_object_or_404(Job, pk=job_id, requested_by=request.user)
    job.done, job.total, job.message = job_live(job)  # a time move's progress, while its transaction is open
    return JsonResponse({"status": job.status, "done": job.done, "total": job.total, "percent": job.percent,
                         "message": job.message, "line": job.progress_line, "next": _job_next(job)})


# --- Facilitator console ------------------------------------------------------------------------


class InjectForm(forms.Form):
    # Not "new cases": the form cannot say which cases arrive (a pack's timed events list them).
    kind = forms.ChoiceField(choices=[(k, v) for k, v in EVENT_KINDS.items() if k != "seed_cases"])
    label = forms.CharField(max_length=200, label="Headline")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    source = forms.CharField(max_length=200, required=False, help_text="Cite the source of news you read out.")
    regime = forms.ChoiceField(choices=[("", "—"), *REGIME_CHOICES], required=False)


def console(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The teacher's console: clock, autopilot, regime, events, pause, every office's queue."""
    exercise = _exercise_for_teacher(request, exercise_id)
    if request.method == "POST" and request.POST.get("action", "") in TIME_MOVES:
        return _console_time_move(request, exercise)
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
    from cases.classroom.loader import exercise_pack_size

    pack, pack_size = exercise_pack_size(exercise)
    return _render(request, "admin/classroom/console.html", {
        "pack": pack, "pack_size": pack_size,
        "title": f"Console: {exercise.name}",
        "exercise": exercise, "scenario": scenario, "autopilot": autopilot_on(exercise),
        # The regime and what it means for each procedure played (a letters class reads the letters' line).
        "regime": regime_card(exercise),
        # Offered as the switch judges them: by the calendar date, not a counterfactual regime's own date.
        "regimes": regime_choices_on(calendar_date(exercise.clock)), "queues": office_queues(exercise),
        "pending": [(e, event_kind_name(e.kind))
                    for e in exercise.timed_events.filter(status=TimedEventStatus.PENDING)],
        "news": recent_news(exercise, 8), "inject_form": InjectForm(),
        "students": Membership.objects.filter(exercise=exercise, is_facilitator=False).select_related("user", "office"),
        "offices": exercise.offices.order_by("side", "id"),
        "open_cases": open_cases, "closed_cases": closed_cases,
        "seated": Membership.objects.filter(exercise=exercise, user=request.user).exists(),
        "history": ExerciseEvent.objects.filter(exercise=exercise).select_related("actor")[:HISTORY_SIZE],
    })


HISTORY_SIZE = 20


def _int(value: str | None, what: str) -> int:
    try:
        return int((value or "").strip()[:30])
    except ValueError as exc:
        raise ApplicationError(f"{what} must be a whole number.") from exc


def _seen_clock(request: HttpRequest) -> dt.datetime:
    """Return the clock the console page was shown with; the time move is made against it.

    A double click on "Fast-forward a year", a second tab or a colleague's console would otherwise
    move time on twice; each form carries the clock it was shown with, and the time move claims the
    exercise only while its clock is still that one.
    """
    try:
        seen = dt.datetime.fromisoformat(request.POST.get("seen_clock", ""))
        if seen.tzinfo is None:
            raise ValueError("no time zone")
    except ValueError as exc:
        raise ApplicationError("This form does not say which clock it was shown with: reload the console.") from exc
    return seen


TIME_MOVES = ("advance", "year", "to_date")


def _console_time_move(request: HttpRequest, exercise: Exercise) -> HttpResponse:
    """Queue a time move of the console as a job for a worker; show its outcome, or its progress page.

    The form is checked here (which clock it was shown with, a whole number of days, a date); the
    move itself (the claim on the clock, every refusal) is the time service's, run by the worker.
    """
    console_url = reverse("classroom:console", args=[exercise.pk])
    action = request.POST.get("action", "")
    try:
        seen = _seen_clock(request)
        params: dict[str, Any] = {"seen_clock": seen.isoformat(), "source": ClockMoveSource.CONSOLE,
                                  # The year's fast-forward may let the autopilot play the students' offices too.
                                  "every_office": request.POST.get("every_office") == "on"}
        if action == "to_date":
            try:
                params["to"] = dt.date.fromisoformat(request.POST.get("date", "")).isoformat()
            except ValueError as exc:
                raise ApplicationError("Give the date as YYYY-MM-DD.") from exc
        else:
            params["days"] = (days_to_a_year_on(seen) if action == "year"
                              else _int(request.POST.get("days"), "The number of days"))
            fast_forward_days_check(params["days"])
        # Refused here, as the move itself would refuse it, before anything is queued.
        time_move_check(exercise, days=params.get("days"),
                        to=dt.date.fromisoformat(params["to"]) if "to" in params else None, seen_clock=seen)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(console_url)
    job = Job.objects.create(kind=JobKind.TIME_MOVE, exercise=exercise, requested_by=request.user, total=1,
                             params=params)
    dispatch_job(job.pk)
    job.refresh_from_db()
    if not job.finished:
        return HttpResponseRedirect(reverse("classroom:job_progress", args=[job.pk]))
    (messages.success if job.status == JobStatus.DONE else messages.error)(request, job.message)
    return HttpResponseRedirect(console_url)


def _console_action(request: HttpRequest, exercise: Exercise) -> str:
    """Carry out one console button through the services; return what happened."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "join":
        exercise_join(exercise=exercise, actor=user)
        return "You are now this exercise's facilitator: you may act for any office."
    if action == "regime":
        return regime_switch(exercise=exercise, actor=user, regime=request.POST.get("regime", ""),
                             migrate_running=request.POST.get("migrate") == "on",
                             counterfactual=request.POST.get("counterfactual") == "on")
    if action == "fire":
        event = timed_event_fire_now(exercise=exercise, actor=user,
                                     event_id=_int(request.POST.get("event"), "The event"))
        return f"Fired now: {event.label}. {event.result}"
    if action == "inject":
        form = InjectForm(request.POST)
        if not form.is_valid():
            raise ApplicationError(f"Nothing was injected: {form_errors_text(form)}")
        d = form.cleaned_data
        payload = {"text": d["text"], "source": d["source"]}
        if d["regime"]:
            payload["regime"] = d["regime"]
        event = timed_event_inject(exercise=exercise, actor=user, kind=d["kind"], label=d["label"], payload=payload)
        return f"Injected: {event.label}. {event.result}"
    if action == "pause":
        exercise_pause(exercise=exercise, actor=user)
        return "Paused: no office can take a step until you resume."
    if action == "resume":
        exercise_resume(exercise=exercise, actor=user)
        return "Resumed."
    if action == "autopilot":
        scenario = autopilot_set(exercise=exercise, actor=user, enabled=request.POST.get("enabled") == "on",
                                 seed=_int(request.POST.get("seed"), "The seed"))
        return f"Autopilot {'on' if scenario.autopilot else 'off'}, seed {scenario.seed}."
    if action == "assign":
        m = membership_assign(exercise=exercise, actor=user,
                              membership_id=_int(request.POST.get("membership"), "Student"),
                              office_id=_int(request.POST.get("office"), "Office"))
        return f"{named_student(m.user)} now holds {m.office}."
    raise ApplicationError("Unknown console action.")


# --- Students and role cards ---------------------------------------------------------------------


class StudentsForm(forms.Form):
    count = forms.IntegerField(min_value=0, max_value=60, required=False, help_text="How many logins to create…")
    names = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                            help_text="…or paste a CSV of names, one per line (first column).")
    csv_file = forms.FileField(required=False, label="or upload a CSV file")


def _join_url(request: HttpRequest) -> str:
    """Return the address students open: classroom mode's join URL, else the one this page is served at."""
    return room_join_url() or request.build_absolute_uri(reverse("admin:index"))


def _students_page(request: HttpRequest, exercise: Exercise, form: StudentsForm,
                   slips: list[StudentLogin]) -> TemplateResponse:
    return _render(request, "admin/classroom/students.html", {
        "title": f"Students: {exercise.name}", "exercise": exercise, "form": form, "created": slips,
        "slips": slips, "join_url": _join_url(request), "login_url": _join_url(request),
        "students": Membership.objects.filter(exercise=exercise, is_facilitator=False, office__isnull=False)
        .select_related("user", "office").order_by("office__side", "office_id", "user__username"),
    })


# The slips of the last batch (or password reset), kept in the teacher's session so that the page they
# are shown on is a GET: a reload shows them again instead of creating the students (or resetting) twice.
SLIPS_KEY = "bd-slips"
SLIPS_KEPT = dt.timedelta(hours=1)


def _keep_slips(request: HttpRequest, exercise: Exercise, slips: list[StudentLogin]) -> HttpResponse:
    """Keep ``slips`` for the page that shows them; redirect to it (Post/Redirect/Get)."""
    token = secrets.token_urlsafe(9)
    request.session[SLIPS_KEY] = {"exercise": exercise.pk, "token": token, "at": timezone.now().isoformat(),
                                  "logins": [[s.membership_id, s.password] for s in slips]}
    return HttpResponseRedirect(f"{reverse('classroom:students', args=[exercise.pk])}?batch={token}")


def _kept_slips(request: HttpRequest, exercise: Exercise) -> list[StudentLogin]:
    """Return the slips kept for the ``batch`` this page was redirected to ([] for any other page or batch)."""
    kept = request.session.get(SLIPS_KEY)
    token = request.GET.get("batch", "")
    if not isinstance(kept, dict) or not token or kept.get("token") != token or kept.get("exercise") != exercise.pk:
        return []
    try:
        fresh = timezone.now() - dt.datetime.fromisoformat(kept["at"]) < SLIPS_KEPT
    except (KeyError, TypeError, ValueError):
        fresh = False
    if not fresh:
        del request.session[SLIPS_KEY]
        return []
    passwords = {int(pk): str(password) for pk, password in kept.get("logins", [])}
    seats = Membership.objects.filter(exercise=exercise, pk__in=list(passwords)).select_related("user", "office")
    by_pk = {m.pk: m for m in seats}
    return [StudentLogin(m.user.get_username(), passwords[pk], person_name(m.user), m.office, m.pk)
            for pk in passwords if (m := by_pk.get(pk)) is not None and m.office is not None]


def students(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Create student logins in bulk; show their slips on the page the form redirects to (passwords kept an hour
    in the teacher's session for a reload, not stored readable anywhere else)."""
    exercise = _exercise_for_teacher(request, exercise_id)
    form = StudentsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["names"] or ""
        upload = form.cleaned_data.get("csv_file")
        try:
            if upload is not None:
                text += "\n" + decode_csv(upload.read(MAX_CSV_BYTES + 1))
            created = students_create(exercise=exercise, actor=request.user, count=form.cleaned_data["count"] or 0,
                                      names=parse_names(text))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if created.unfiled:
                messages.warning(request, "The new seats' starting work from the pack was not all filed: the rules "
                                          "now in force no longer allow " + "; ".join(created.unfiled)
                                          + ". Those students get work as new cases reach their office.")
            messages.success(request, f"Created {len(created)} student login(s): print their slips now.")
            return _keep_slips(request, exercise, list(created))
    # Under the slips, an empty form: a second batch must not repeat the first batch's count.
    return _students_page(request, exercise, form if request.method == "POST" else StudentsForm(),
                          _kept_slips(request, exercise))


@require_POST
def student_password(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Reset one student's password; show their slip with the new one on the page this redirects to."""
    exercise = _exercise_for_teacher(request, exercise_id)
    membership_id = db_id(request.POST.get("membership"))
    try:
        if membership_id is None:
            raise ApplicationError("Say which student's password to reset; no password was changed.")
        slip = student_password_reset(exercise=exercise, actor=request.user, membership_id=membership_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("classroom:students", args=[exercise.pk]))
    messages.success(request, f"New password for {slip.display_name}: print the slip now.")
    return _keep_slips(request, exercise, [slip])


def slips(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Print a slip for every student (passwords are no longer known: each slip says to reset it)."""
    exercise = _exercise_for_teacher(request, exercise_id)
    return TemplateResponse(request, "classroom/login_slips.html", {
        "exercise": exercise, "slips": student_logins(exercise), "join_url": _join_url(request)})


def cards(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Print the role cards of an exercise (one per office, one per A4 page)."""
    exercise = _exercise_for_teacher(request, exercise_id)
    from cases.classroom.loader import pack_context

    pack, _ctx = pack_context(exercise)
    return TemplateResponse(request, "classroom/role_cards.html", {
        "exercise": exercise, "cards": role_cards(exercise), "pack": pack,
        "context": pack.data["context"] if pack else [], "regime": get_regime(exercise.regime),
        "regime_from": regime_from(exercise.regime), "policies": policy_lines(exercise, played_kinds(exercise)),
        "switches": scheduled_switches(exercise),
    })


# --- Reset and delete an exercise ----------------------------------------------------------------


def reset(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Confirm, then reset the exercise to the start of its pack (students keep their offices)."""
    exercise = _exercise_for_teacher(request, exercise_id)
    console_url = reverse("classroom:console", args=[exercise.pk])
    if request.method == "POST":
        try:
            exercise_reset(exercise=exercise, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("classroom:reset", args=[exercise.pk]))
        messages.success(request, "The exercise is back at the start of its pack; the students keep their logins "
                                  "and offices.")
        return HttpResponseRedirect(console_url)
    return _render(request, "admin/classroom/confirm_reset.html", {
        "title": f"Reset {exercise.name}?", "exercise": exercise, "contents": exercise_contents(exercise),
        "console_url": console_url})


def delete(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Confirm, then delete the exercise, all it holds and the student logins created for it only."""
    exercise = _exercise_for_teacher(request, exercise_id)
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != exercise.name:
            messages.error(request, "Type the exercise's name exactly to confirm; nothing was deleted.")
            return HttpResponseRedirect(reverse("classroom:delete", args=[exercise.pk]))
        try:
            gone = exercise_delete(exercise=exercise, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("classroom:delete", args=[exercise.pk]))
        messages.success(request, f"Deleted the exercise '{exercise.name}': {gone.cases} case(s) and "
                                  f"{len(gone.logins_deleted)} student login(s).")
        return HttpResponseRedirect(reverse("classroom:home"))
    return _render(request, "admin/classroom/confirm_delete.html", {
        "title": f"Delete {exercise.name}?", "exercise": exercise, "contents": exercise_contents(exercise),
        "console_url": reverse("classroom:console", args=[exercise.pk])})


# --- Inbox -----------------------------------------------------------------------------------------


def inbox(request: HttpRequest) -> HttpResponse:
    """Show the cases awaiting my office(s), every kind, oldest first; a teacher may look as any office.

    The page refreshes itself (``cases/admin/refresh.py``): a refresh that finds nothing changed costs
    the one query that reads the exercises' version and answers 204; otherwise it gets the fragment.
    """
    acting_id = db_id(request.GET.get("office") or "")
    if acting_id is not None:
        # Acting as an office shows that office's exercise only: its news, its date, its queue.
        shown = live_exercises(Exercise.objects.filter(offices__pk=acting_id), request.user)
        if not shown or not can_run(request.user, shown[0]):
            raise Http404("No such office among the exercises you run.")
    else:
        shown = live_exercises(Exercise.objects.filter(memberships__user=request.user), request.user)
    version = page_version(shown)
    if unchanged(request, version):
        return no_change()
    memberships = list(Membership.objects.filter(user=request.user).select_related("office", "exercise"))
    acting_as = None
    if acting_id is not None:
        acting_as = get_object_or_404(Office.objects.select_related("exercise"), pk=acting_id)
        offices = [acting_as]
    else:
        offices = [m.office for m in memberships if m.office is not None]
    page = inbox_page(offices, request.GET.get("page"))
    context = {
        "title": f"Awaiting {acting_as}" if acting_as else "Awaiting my office",
        "rows": page.rows, "page": page, "offices": offices, "acting_as": acting_as,
        "exercises": [(e, recent_news(e, 3)) for e in shown],
        "facilitating": [m.exercise for m in memberships if m.is_facilitator and m.exercise in shown],
        "all_cases_url": reverse("admin:cases_caseproxy_changelist"),
        "refresh_url": refresh_url(request, version), "poll_seconds": POLL_SECONDS,
        # The live part says when an exercise is paused (and when it resumes): no second notice above it.
        "pause_told_live": True,
    }
    if wants_fragment(request):
        return TemplateResponse(request, "admin/classroom/inbox_live.html", context)
    return _render(request, "admin/classroom/inbox.html", context)


def _index_or_inbox(request: HttpRequest) -> HttpResponse:
    """Send students straight to their inbox; everyone else gets the admin index."""
    if is_student(request.user):
        return HttpResponseRedirect(reverse("classroom:inbox"))
    return admin.site.index(request)


index_or_inbox = admin.site.admin_view(_index_or_inbox)


# --- Documents -----------------------------------------------------------------------------------


def _case_for_documents(request: HttpRequest, case_id: int) -> Case:
    """Return the case whose documents the user may read: of their exercise, and of a procedure their office is in.

    The same refusal as the case's own page (``SafeListAdmin``): a student whose office has no part in
    the procedure is refused (403), so its papers are no more readable than its page.
    """
    case = get_object_or_404(scope_to_user(Case.objects.all(), request.user), pk=case_id)
    if hidden_from(request, case.procedure.model):
        raise PermissionDenied("This case's procedure is not one your office takes part in.")
    return case


def document(request: HttpRequest, case_id: int, slug: str) -> HttpResponse:
    """Show a printable period document of a case (``?format=pdf`` for the PDF)."""
    case = _case_for_documents(request, case_id)
    try:
        if request.GET.get("format") == "pdf":
            response = HttpResponse(render_pdf(case, slug), content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{case.reference}-{slug}.pdf"'
            return response
        return HttpResponse(render_document(case, slug))
    except ApplicationError as exc:
        # Not there (404), and the case's list of documents says why: not issued yet, and when it prints.
        messages.error(request, exc.message)
        response = documents_list(request, case_id)
        response.status_code = 404
        return response


def documents_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """List the printable documents of a case."""
    case = _case_for_documents(request, case_id)
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
    path("job/<int:job_id>/", _v(job_progress), name="job_progress"),
    path("job/<int:job_id>/status/", _v(job_status), name="job_status"),
    path("job/<int:job_id>/finish/", _v(job_finish), name="job_finish"),
    path("exercise/<int:exercise_id>/console/", _v(console), name="console"),
    path("exercise/<int:exercise_id>/students/", _v(students), name="students"),
    path("exercise/<int:exercise_id>/students/password/", _v(student_password), name="student_password"),
    path("exercise/<int:exercise_id>/slips/", _v(slips), name="slips"),
    path("exercise/<int:exercise_id>/role-cards/", _v(cards), name="role_cards"),
    path("exercise/<int:exercise_id>/projector/", _v(projector), name="projector"),
    path("exercise/<int:exercise_id>/reset/", _v(reset), name="reset"),
    path("exercise/<int:exercise_id>/delete/", _v(delete), name="delete"),
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
