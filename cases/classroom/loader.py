"""Build an exercise from a scenario pack: offices, people, seeded cases, timed events.

Loading commits in small steps (each case through its own service transaction) so that the progress
row the page polls is visible while it runs; if any step fails the half-built exercise is deleted
and the error names the pack file, the line and the field of the entry that failed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from cases.classroom.packs import Pack, PackError, PackProblem, PathT, exercise_name_problem, get_pack, parse_date
from cases.classroom.seeding import SeedContext, number, seeder_for
from cases.errors import ApplicationError
from cases.models import (
    Case,
    Exercise,
    ExerciseEventKind,
    ExerciseScenario,
    Membership,
    Office,
    Person,
    TimedEvent,
)
from cases.services.exercise_events import exercise_event_record
from cases.services.jobs import job_claim, job_fail, job_finish, job_progress
from cases.services.steps import case_transition

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    """Ignore progress (command-line and test loads that do not report it)."""


def seed_entry(ctx: SeedContext, pack: Pack | None, path: PathT, entry: dict[str, Any],
               tick: Callable[[str], None] | None = None) -> list[Case]:
    """File the case(s) of one pack entry through its seeding hook, then take its ``steps``."""
    kind = entry["kind"]
    where = f"{pack.path.name}:{pack.line(path)}" if pack else "injected event"
    seeder = seeder_for(kind)
    if seeder is None:
        raise ApplicationError(f"{where}: no seeding hook for case kind {kind!r} (is its procedure merged?)")
    out = []
    for index in range(int(entry.get("count", 1))):
        try:
            case = seeder(ctx, number(dict(entry.get("params", {})), index), index)
            for step in entry.get("steps", []):
                name, data, note = (step, {}, "") if isinstance(step, str) else (
                    step["step"], step.get("data", {}), step.get("note", ""))
                case = case_transition(case=case, transition=name, actor=None, data=data, note=note, system=True)
        except ApplicationError as exc:
            if pack is None:
                raise
            raise PackError([pack.problem(path + ("params",), exc.message)]) from exc
        out.append(case)
        if tick:
            tick(f"Filed {case.reference}")
    return out


def _fixed_logins(exercise: Exercise, pack: Pack, offices: dict[str, Office], actor: Any, suffix: str) -> None:
    """Create (or reuse) the pack's fixed logins, one per office that names one, and the facilitator's.

    A login that exists already keeps its password; a new one gets the pack's. Office logins become
    students (:func:`cases.permissions.grant_student`); the facilitator is staff, a superuser if the
    pack says so, and the exercise's facilitator.
    """
    from django.contrib.auth import get_user_model

    from cases.permissions import grant_student

    user_model = get_user_model()
    spec = pack.data["logins"]

    def user(username: str, *, superuser: bool = False) -> Any:
        found, created = user_model.objects.get_or_create(username=username + suffix)
        if created:
            found.set_password(spec["password"])
            found.is_staff = True
            found.is_superuser = superuser
            found.save()
        return found

    facilitator = spec.get("facilitator")
    if facilitator:
        teacher = user(str(facilitator["username"]), superuser=bool(facilitator.get("superuser", False)))
        if actor is None or teacher.pk != actor.pk:
            Membership.objects.create(exercise=exercise, user=teacher, is_facilitator=True)
    for username, key in pack.fixed_logins:
        if key:
            student = user(username)
            grant_student(student)
            Membership.objects.create(exercise=exercise, user=student, office=offices[key])


def pack_fill(exercise: Exercise, pack: Pack, offices: dict[str, Office], tick: Callable[[str], None]) -> None:
    """Create the pack's people, seed its cases and schedule its timed events in ``exercise``.

    The part of a load after the offices: :func:`load_pack` calls it for a new exercise, and the reset
    of an exercise (:mod:`cases.classroom.reset`) for an emptied one, so both start alike.
    """
    data = pack.data
    people: dict[str, Person] = {}
    for item in data.get("people", []):
        attrs = {k: v for k, v in item.items() if k != "key"}
        people[item["key"]] = Person.objects.create(exercise=exercise, **attrs)
        tick(f"Person: {item['name']}")
    ctx = SeedContext(exercise=exercise, offices=offices, people=people,
                      rng=random.Random(f"{pack.slug}:{exercise.scenario.seed}"))
    for i, entry in enumerate(data.get("cases", [])):
        seed_entry(ctx, pack, ("cases", i), entry, tick)
    for i, event in enumerate(data.get("events", [])):
        TimedEvent.objects.create(
            exercise=exercise, at=parse_date(event["at"]), kind=event["kind"], label=event["label"],
            payload={**{k: v for k, v in event.items() if k not in ("at", "kind", "label")},
                     "pack_path": ["events", i]},
        )
        tick(f"Event: {event['label']}")


def load_pack(pack: Pack | str, *, name: str = "", actor: Any = None, progress: Progress = _no_progress,
              seed: int | None = None, logins: bool = False, login_suffix: str = "") -> Exercise:
    """Create an exercise from ``pack`` named ``name`` (default: the pack title); return it.

    ``actor`` (the teacher) becomes the exercise's facilitator. With ``logins`` the pack's fixed logins
    (``offices[].login``, ``logins.facilitator``; ``login_suffix`` appended to each) are created with
    the pack's password: for the demo on a teacher's own machine, never from the web page. Raise
    ApplicationError for a bad name or an unavailable pack, PackError (file, line, field) for an
    entry that cannot be seeded.
    """
    if isinstance(pack, str):
        pack = get_pack(pack)
    name = (name or pack.title).strip()
    if exercise_name_problem(name):
        raise ApplicationError(exercise_name_problem(name))
    if Exercise.objects.filter(name=name).exists():
        raise ApplicationError(f"An exercise called {name!r} exists already; choose another name.")
    missing = pack.missing()
    if missing:
        raise ApplicationError(f"The pack '{pack.title}' cannot be loaded here: {'; '.join(missing)}.")
    data = pack.data
    total, done = pack.size(), 0

    def tick(message: str) -> None:
        nonlocal done
        done += 1
        progress(done, total, message)

    auto = data.get("autopilot", {})
    with transaction.atomic():
        exercise = Exercise.objects.create(
            name=name, description=pack.summary, clock=pack.start, regime=data["regime"],
            counterfactual=bool(data.get("counterfactual", False)),
        )
        ExerciseScenario.objects.create(
            exercise=exercise, slug=pack.slug, title=pack.title,
            seed=seed if seed is not None else int(auto.get("seed", 1)), autopilot=bool(auto.get("enabled", True)),
        )
        if actor is not None:
            Membership.objects.create(exercise=exercise, user=actor, is_facilitator=True)
        exercise_event_record(exercise=exercise, actor=actor, kind=ExerciseEventKind.PACK_LOAD,
                              summary=f"Loaded the pack '{pack.title}' ({pack.slug}).",
                              data={"pack": pack.slug, "seed": exercise.scenario.seed})
    try:
        offices: dict[str, Office] = {}
        for item in data["offices"]:
            offices[item["key"]] = Office.objects.create(
                exercise=exercise, kind=item["kind"], name=item["name"], place=item.get("place", ""))
            tick(f"Office: {item['name']}")
        if logins and "logins" in data:
            _fixed_logins(exercise, pack, offices, actor, login_suffix)
        pack_fill(exercise, pack, offices, tick)
    except Exception:
        # Cases hold protected links to offices and people: remove them first, then the rest.
        Case.objects.filter(exercise=exercise).delete()
        exercise.delete()
        raise
    return exercise


def pack_context(exercise: Exercise) -> tuple[Pack | None, SeedContext]:
    """Return the pack an exercise came from (if any) and a seeding context over its offices and people."""
    pack = None
    scenario = ExerciseScenario.objects.filter(exercise=exercise).first()
    if scenario is not None:
        try:
            pack = get_pack(scenario.slug)
        except (ApplicationError, PackError):
            pack = None
    offices: dict[str, Office] = {}
    people: dict[str, Person] = {}
    if pack is not None:
        by_name = {o.name: o for o in exercise.offices.all()}
        offices = {o["key"]: by_name[o["name"]] for o in pack.data["offices"] if o["name"] in by_name}
        people_by_name = {p.name: p for p in exercise.people.all()}
        people = {p["key"]: people_by_name[p["name"]] for p in pack.data.get("people", [])
                  if p["name"] in people_by_name}
    seed = scenario.seed if scenario else 0
    return pack, SeedContext(exercise=exercise, offices=offices, people=people,
                             rng=random.Random(f"{exercise.pk}:{seed}"))


def run_load(load_id: int) -> None:
    """Carry out a queued load job, updating its row as it goes (the progress bar polls it)."""
    from django.contrib.auth import get_user_model

    load = job_claim(load_id)  # one conditional update: a second worker handed the same load gets None
    if load is None:
        return
    actor = get_user_model().objects.filter(pk=load.requested_by_id).first()

    def progress(done: int, total: int, message: str) -> None:
        job_progress(load_id, done=done, total=total, message=message[:500])

    try:
        exercise = load_pack(load.slug, name=load.name, actor=actor, progress=progress)
    except (ApplicationError, PackError) as exc:
        job_fail(load_id, message=str(exc))
        return
    job_finish(load_id, message=f"Exercise '{exercise.name}' is ready.", exercise=exercise)


def problems_of(exc: Exception) -> list[PackProblem]:
    """Return the located problems of a PackError (empty for other errors)."""
    return list(getattr(exc, "problems", []))
