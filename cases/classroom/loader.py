"""Build an exercise from a scenario pack: offices, people, seeded cases, timed events.

Loading commits in small steps (each case through its own service transaction) so that the progress
row the page polls is visible while it runs; if any step fails the half-built exercise is deleted
and the error names the pack file, the line and the field of the entry that failed.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from cases.classroom.emptying import exercise_empty
from cases.classroom.packs import (
    Pack,
    PackError,
    PackProblem,
    PackSize,
    PathT,
    entry_count,
    exercise_name_problem,
    get_pack,
    parse_date,
)
from cases.classroom.seeding import Built, SeedContext, Seeder, builder_for, number, seeder_for
from cases.engine import step_named
from cases.errors import ApplicationError
from cases.models import (
    Case,
    Exercise,
    ExerciseEvent,
    ExerciseEventKind,
    ExerciseScenario,
    Membership,
    Office,
    Person,
    TimedEvent,
)
from cases.services.bulk import case_bulk_transition
from cases.services.bulk_open import case_bulk_open
from cases.services.exercise_events import exercise_actor_check, exercise_event_record
from cases.services.jobs import job_claim, job_fail, job_finish, job_progress
from cases.wording import clip

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    """Ignore progress (command-line and test loads that do not report it)."""


def _step_label(kind: str, name: str) -> str:
    """Return the label a step of procedure ``kind`` is shown by (its name in the pack, if it has none)."""
    from cases.procedures import get_procedure

    meta = step_named(get_procedure(kind).model, name)
    return meta.label if meta is not None else name


def seed_entry(ctx: SeedContext, pack: Pack | None, path: PathT, entry: dict[str, Any],
               tick: Callable[[str], None] | None = None, *, count: int | None = None, start: int = 0) -> list[Case]:
    """File the case(s) of one pack entry through its seeding hook, then take its ``steps``.

    ``count`` defaults to what the entry files for the class in ``ctx.seats`` (``per_seat``); ``start``
    numbers a top-up after the cases an earlier load filed. A ``per_seat`` case that, after its steps,
    does not await the office it is meant for fails the load with its file and line: the student seated
    there would find nothing in the inbox.
    """
    kind = entry["kind"]
    where = f"{pack.path.name}:{pack.line(path)}" if pack else "injected event"
    seeder = seeder_for(kind)
    if seeder is None:
        raise ApplicationError(f"{where}: no seeding hook for case kind {kind!r} (is its procedure merged?)")
    per_seat = entry.get("per_seat")
    meant_for = ctx.offices.get(str(per_seat["office"])) if per_seat else None
    indexes = range(start, start + (entry_count(entry, ctx.seats) if count is None else count))
    filed: list[tuple[int, Case]] = []
    try:
        filed = _file_in_bulk(ctx, seeder, entry, indexes) if len(indexes) > 1 else []
        for index in indexes if not filed else ():
            filed.append((index, seeder(ctx, number(dict(entry.get("params", {})), index), index)))
        for _index, case in filed:
            if tick:
                tick(f"Filed {case.reference}")
        # Each step is taken by all the entry's cases at once (the bulk step service, with the checks of
        # one step at a time): a class of forty files a few hundred cases in a few seconds.
        for step in entry.get("steps", []):
            name, data, note = (step, {}, "") if isinstance(step, str) else (
                step["step"], step.get("data", {}), step.get("note", ""))
            result = case_bulk_transition(
                kind=kind, cases=[c for _i, c in filed], transition=name, actor=None, note=note, system=True,
                data_by_case={c.pk: number(data, i) for i, c in filed})
            if result.refused:
                pk, why = next(iter(result.refused.items()))
                reference = next(c.reference for _i, c in filed if c.pk == pk)
                raise ApplicationError(f"{reference}: the step '{_step_label(kind, name)}': {why}")
        out = _reloaded(kind, [c for _i, c in filed]) if entry.get("steps") else [c for _i, c in filed]
        for case in out:
            if meant_for is not None and case.next_office_id != meant_for.pk:
                waiting = case.next_office.name if case.next_office_id else "no office (it is closed)"
                raise ApplicationError(f"this entry seeds work for {meant_for.name} (per_seat), but its case "
                                       f"{case.reference} awaits {waiting} once its steps are taken")
    except ApplicationError as exc:
        if pack is None:
            raise
        raise PackError([pack.problem(path + ("params",), exc.message)]) from exc
    return out


def _file_in_bulk(ctx: SeedContext, seeder: Seeder, entry: dict[str, Any], indexes: range) -> list[tuple[int, Case]]:
    """File an entry's cases with one bulk filing when its hook has a builder; [] when it has none.

    Each case is built and checked as its service would (``builder_for``); then they are filed at once
    (:func:`cases.services.bulk_open.case_bulk_open`), in order, as the office the service names.
    """
    builder = builder_for(seeder)
    if builder is None:
        return []
    built: list[tuple[int, Built]] = []
    for i in indexes:
        made = builder(ctx, number(dict(entry.get("params", {})), i), i)
        if made is None:  # these params go through the hook's own service (decided before any row is made)
            if built:
                raise ApplicationError("an entry's cases are filed all in bulk or all one at a time")
            return []
        built.append((i, made))
    out: list[tuple[int, Case]] = []
    group: list[tuple[int, Built]] = []
    ends: list[tuple[int, Built | None]] = [*built, (-1, None)]
    for i, b in ends:
        if group and (b is None or (b.office_kind, b.rules, b.note) != (group[0][1].office_kind, group[0][1].rules,
                                                                         group[0][1].note)):
            first = group[0][1]
            case_bulk_open(cases=[g.case for _j, g in group], actor=None, office_kind=first.office_kind,
                           rules=first.rules, note=first.note)
            out += [(j, g.case) for j, g in group]
            group = []
        if b is not None:
            group.append((i, b))
    return out


def _reloaded(kind: str, cases: list[Case]) -> list[Case]:
    """Return the cases as they are now (a bulk step changes the instances it was given only in part)."""
    from cases.procedures import get_procedure

    by_pk = get_procedure(kind).model.objects.select_related("next_office").in_bulk([c.pk for c in cases])
    return [by_pk[c.pk] for c in cases]


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


def pack_fill(exercise: Exercise, pack: Pack, offices: dict[str, Office], tick: Callable[[str], None], *,
              students: int | None = None) -> None:
    """Create the pack's people, seed its cases and schedule its timed events in ``exercise``.

    The part of a load after the offices: :func:`load_pack` calls it for a new exercise, and the reset
    of an exercise (:mod:`cases.classroom.reset`) for an emptied one, so both start alike. The work is
    sized to ``students`` (default: the class the exercise was last seeded for, else the pack's smallest).
    """
    if students is None:
        students = planned_students(exercise) or pack.class_min
    data = pack.data
    people: dict[str, Person] = {}
    for item in data.get("people", []):
        attrs = {k: v for k, v in item.items() if k != "key"}
        people[item["key"]] = Person.objects.create(exercise=exercise, **attrs)
        tick(f"Person: {item['name']}")
    ctx = SeedContext(exercise=exercise, offices=offices, people=people,
                      rng=random.Random(f"{pack.slug}:{exercise.scenario.seed}"),
                      seats=pack.seats_for(students), taken={p.name for p in people.values()})
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
              seed: int | None = None, logins: bool = False, login_suffix: str = "",
              students: int | None = None) -> Exercise:
    """Create an exercise from ``pack`` named ``name`` (default: the pack title); return it.

    ``students`` is the class size (default: the smallest the pack suits): ``per_seat`` entries file
    their cases for each student the class seats in their office, so every seat has work at the start.

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
    students = pack.class_min if students is None else students
    if why := pack.class_size_problem(students):
        raise ApplicationError(why)
    data = pack.data
    total, done = pack.size(students), 0

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
                              summary=f"Loaded the pack '{pack.title}' ({pack.slug}) for {students} students.",
                              data={"pack": pack.slug, "seed": exercise.scenario.seed, "students": students})
    try:
        offices: dict[str, Office] = {}
        for item in data["offices"]:
            offices[item["key"]] = Office.objects.create(
                exercise=exercise, kind=item["kind"], name=item["name"], place=item.get("place", ""))
            tick(f"Office: {item['name']}")
        if logins and "logins" in data:
            _fixed_logins(exercise, pack, offices, actor, login_suffix)
        pack_fill(exercise, pack, offices, tick, students=students)
    except Exception:
        # Take away what the half-done load made, in an order the keys between the rows allow.
        exercise_empty(exercise, keep=())
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
    people_by_name: dict[str, Person] = {}
    if pack is not None:
        by_name = {o.name: o for o in exercise.offices.all()}
        offices = {o["key"]: by_name[o["name"]] for o in pack.data["offices"] if o["name"] in by_name}
        people_by_name = {p.name: p for p in exercise.people.all()}
        people = {p["key"]: people_by_name[p["name"]] for p in pack.data.get("people", [])
                  if p["name"] in people_by_name}
    seed = scenario.seed if scenario else 0
    taken = set(people_by_name) if pack is not None else set()
    # Seeded from the pack and the people so far (not the row's id), so that the same load and the same
    # moves give the same names and draws in any database.
    slug = pack.slug if pack is not None else str(exercise.pk)
    return pack, SeedContext(exercise=exercise, offices=offices, people=people,
                             rng=random.Random(f"{slug}:{seed}:{len(taken)}"),
                             seats=pack.seats_for(planned_students(exercise)) if pack else Counter(), taken=taken)


def planned_students(exercise: Exercise) -> int:
    """Return the class size the exercise's work was seeded for (the load's, or the latest top-up's; 0 if none)."""
    sizes = ExerciseEvent.objects.filter(exercise=exercise, kind=ExerciseEventKind.PACK_LOAD).values_list(
        "data", flat=True)
    return max((int(d.get("students", 0)) for d in sizes if isinstance(d, dict)), default=0)


def exercise_pack_size(exercise: Exercise) -> tuple[Pack | None, PackSize | None]:
    """Return the exercise's pack and its size for the class it was seeded for (None, None without a pack)."""
    slug = ExerciseScenario.objects.filter(exercise=exercise).values_list("slug", flat=True).first()
    try:
        pack = get_pack(slug) if slug else None
    except (ApplicationError, PackError):
        pack = None
    if pack is None:
        return None, None
    return pack, pack.sizing(planned_students(exercise) or pack.class_min)


@dataclass
class TopUp:
    """What a top-up filed, and the pack entries it could not file under the rules now in force (why)."""

    filed: list[Case] = field(default_factory=list)
    unfiled: list[str] = field(default_factory=list)


def class_top_up(*, exercise: Exercise, actor: Any, students: int) -> TopUp:
    """Seed the work a class grown to ``students`` needs at the start: the ``per_seat`` cases of the new seats.

    Called when students are created beyond the class size the pack was loaded (or last topped up)
    for; files through the same seeding as the load and records one exercise event. Nothing is filed
    for a class that has not grown, an exercise not loaded from a pack, or a paused one (the next
    top-up catches up, since it compares with the size last seeded). The pack's entries describe the
    work waiting at its start: one the rules now in force no longer allow (the pack's regime switch
    has fired, say) is left out, and said so in ``unfiled``; the others are filed, and the students seated.
    """
    exercise_actor_check(exercise=exercise, actor=actor, doing="top up its work")
    pack, ctx = pack_context(exercise)
    planned = planned_students(exercise)
    done_up = TopUp()
    if pack is None or students <= planned or Exercise.objects.filter(pk=exercise.pk, paused=True).exists():
        return done_up
    before, after = pack.seats_for(planned), pack.seats_for(students)
    with transaction.atomic():
        for i, entry in enumerate(pack.data.get("cases", [])):
            if "per_seat" not in entry:
                continue
            done, wanted = entry_count(entry, before), entry_count(entry, after)
            try:
                with transaction.atomic():  # an entry refused now leaves nothing of itself behind
                    done_up.filed += seed_entry(ctx, pack, ("cases", i), entry, count=wanted - done, start=done)
            except PackError as exc:
                done_up.unfiled.append(f"{entry.get('label') or entry['kind']} ("
                                       f"{'; '.join(p.message for p in exc.problems)})")
        left_out = f"; not filed under the rules now in force: {'; '.join(done_up.unfiled)}" if done_up.unfiled else ""
        exercise_event_record(exercise=exercise, actor=actor, kind=ExerciseEventKind.PACK_LOAD,
                              summary=f"Topped up the work of '{pack.title}' from {planned} to {students} "
                                      f"students: {len(done_up.filed)} case(s) filed{left_out}.",
                              data={"pack": pack.slug, "students": students, "top_up": len(done_up.filed),
                                    "unfiled": done_up.unfiled})
    return done_up


def run_load(load_id: int) -> None:
    """Carry out a queued load job, updating its row as it goes (the progress bar polls it)."""
    from django.contrib.auth import get_user_model

    load = job_claim(load_id)  # one conditional update: a second worker handed the same load gets None
    if load is None:
        return
    actor = get_user_model().objects.filter(pk=load.requested_by_id).first()

    def progress(done: int, total: int, message: str) -> None:
        job_progress(load_id, done=done, total=total, message=clip(message, 500))

    try:
        students = load.params.get("students") if isinstance(load.params, dict) else None
        exercise = load_pack(load.slug, name=load.name, actor=actor, progress=progress,
                             students=int(students) if students is not None else None)
    except (ApplicationError, PackError) as exc:
        job_fail(load_id, message=str(exc))
        return
    job_finish(load_id, message=f"Exercise '{exercise.name}' is ready.", exercise=exercise)


def problems_of(exc: Exception) -> list[PackProblem]:
    """Return the located problems of a PackError (empty for other errors)."""
    return list(getattr(exc, "problems", []))
