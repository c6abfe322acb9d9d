"""Figure 5: the Jilin 1961 scale through a simulated year by the autopilot, vs the bulk-insert floor.

The run: an exercise under the 1961 line with no students, so the autopilot plays every office. At
the start of each month a twelfth of the year's border crossers (28,028 found in Jilin in 1961, D6)
and of Yanbian's authorization letters (2,667 in 1961, D6) are filed with the bulk filing service,
then the autopilot plays the month. The floor: a raw multi-row insert of the rows the run ends with
(people, cases, their own rows, events, deadlines) into the same tables and indexes.
The crossers are filed in D6's mix (:func:`cases.classroom.policies.crosser.jilin_1961_report_mix`:
found across the border, across and asking to come back, and the remainder D6 leaves unaccounted,
assumed stopped at the border); their outcomes are the crosser policy's, calibrated to D6.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections import Counter
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from cases.bench.figures import Figure
from cases.bench.floors import raw_insert
from cases.choices import Nationality, OfficeKind, Sex
from cases.models import (
    AuthorizationCase,
    Case,
    CaseEvent,
    CrosserCase,
    Deadline,
    Exercise,
    ExerciseScenario,
    Office,
    Person,
)
from cases.services.bulk_open import case_bulk_open

CROSSERS_1961 = 28_028  # D6: found crossing the border in Jilin, 1961
LETTERS_1961 = 2_667  # D6: authorization letters received in Yanbian, 1961
JILIN_SEED = 1961


def jilin_exercise(template: Exercise, name: str) -> Exercise:
    """Return a fresh exercise on 1 January 1961 under the 1961 line, with ``template``'s offices and no students."""
    start = timezone.make_aware(dt.datetime(1961, 1, 1, 9, 0))
    exercise = Exercise.objects.create(name=name, clock=start, regime="1961_strict")
    # A fixed seed for the autopilot's decisions (without one it would take the exercise's id, which
    # depends on what the database held before): the same year on every run.
    ExerciseScenario.objects.create(exercise=exercise, slug="jilin-1961-bench", title="Jilin 1961 (bench)",
                                    seed=JILIN_SEED)
    Office.objects.bulk_create([
        Office(exercise=exercise, kind=o.kind, name=o.name, place=o.place, side=o.side)
        for o in template.offices.order_by("id")
    ])
    return exercise


def _people(exercise: Exercise, month: int, crossers: int, letters: int) -> tuple[list[Person], list[Person]]:
    # Fictional names; Korean residents of China are the ones the sources describe crossing.
    people = [
        Person(exercise=exercise, name=f"Crosser {month:02d}-{i:05d}", sex=Sex.MALE if i % 2 else Sex.FEMALE,
               nationality=Nationality.CN_KOREAN if i % 3 else Nationality.KOREAN_IN_CHINA)
        for i in range(crossers)
    ] + [
        Person(exercise=exercise, name=f"Letter holder {month:02d}-{i:05d}", sex=Sex.FEMALE if i % 2 else Sex.MALE,
               nationality=Nationality.KOREAN_IN_CHINA)
        for i in range(letters)
    ]
    Person.objects.bulk_create(people, batch_size=2000)
    return people[:crossers], people[crossers:]


def file_month(exercise: Exercise, month: int, crossers: int, letters: int, rng: random.Random) -> None:
    """File one month's crossers and letters through the bulk filing service (as the system)."""
    exercise.refresh_from_db()
    crosser_people, holders = _people(exercise, month, crossers, letters)
    from cases.classroom.policies.crosser import jilin_1961_report_mix

    mix = jilin_1961_report_mix()
    total = sum(mix.values())
    reported, intercepted = [], []
    for person in crosser_people:
        draw = rng.random() * total
        if draw < mix["intercepted"]:
            intercepted.append(CrosserCase(
                exercise=exercise, title=f"{person.name}: stopped at the border", person=person,
                variant="intercepted", source="interception", state="reported"))
        else:
            reported.append(CrosserCase(
                exercise=exercise, title=f"{person.name}: crossed into the DPRK", person=person,
                variant="outbound", source="notification", state="reported",
                wants_to_return=draw < mix["intercepted"] + mix["outbound_wants_return"]))
    # Each group is filed under the rule of its date (CrosserCase.filing_rules: in 1961 RET-10 and RET-1).
    for group, office in ((intercepted, OfficeKind.BORDER_STATION), (reported, OfficeKind.BORDER_REPRESENTATIVE)):
        if group:
            case_bulk_open(cases=group, actor=None, office_kind=office, rules=group[0].filing_rules(),
                           note="Jilin 1961 scale")
    letter_cases = [
        AuthorizationCase(exercise=exercise, title=f"{p.name}: letter to move to the DPRK", applicant=p,
                          destination="dprk", letter_number=f"AL-61-{month:02d}-{i:05d}",
                          letter_issued_at=exercise.clock, variant="settle", state="letter_issued")
        for i, p in enumerate(holders)
    ]
    case_bulk_open(cases=letter_cases, actor=None, office_kind=OfficeKind.DPRK_SAFETY, rules=("AUT-1",),
                   note="Jilin 1961 scale")


def run_year(exercise: Exercise, *, crossers: int, letters: int) -> dict[str, Any]:
    """File the year month by month and let the autopilot play it; return what it did."""
    from cases.classroom.timekeeping import time_move

    rng = random.Random(1961)
    steps = 0
    stuck = 0
    for month in range(12):
        share = (month + 1) * crossers // 12 - month * crossers // 12
        letter_share = (month + 1) * letters // 12 - month * letters // 12
        file_month(exercise, month + 1, share, letter_share, rng)
        exercise.refresh_from_db()
        local = timezone.localtime(exercise.clock)
        until = local.replace(year=local.year + (month == 11), month=1 if month == 11 else local.month + 1, day=1)
        report = time_move(exercise=exercise, actor=None, to=until)
        steps += report.steps
        stuck += len(report.stuck)
    return {"steps": steps, "stuck": stuck}


# The tables a run ends with, in insert order (parents first).
def _final_rows(exercise: Exercise) -> list[tuple[type, list[dict[str, Any]]]]:
    def values(model: type, qs: Any) -> list[dict[str, Any]]:
        names = [f.attname for f in model._meta.local_concrete_fields if not f.primary_key]
        return list(qs.order_by("pk").values(*names))

    return [
        (Person, values(Person, Person.objects.filter(exercise=exercise))),
        (Case, values(Case, Case.objects.filter(exercise=exercise))),
        (CrosserCase, values(CrosserCase, CrosserCase.objects.filter(exercise=exercise))),
        (AuthorizationCase, values(AuthorizationCase, AuthorizationCase.objects.filter(exercise=exercise))),
        (CaseEvent, values(CaseEvent, CaseEvent.objects.filter(exercise=exercise))),
        (Deadline, values(Deadline, Deadline.objects.filter(exercise=exercise))),
    ]


def floor_insert(exercise: Exercise, template: Exercise) -> tuple[float, int]:
    """Time a raw insert of the run's final rows into a twin exercise (rolled back); return (s, rows).

    The rows are made ready first (the twin's ids given, the links moved to them); the time is the raw
    multi-row INSERTs alone (:func:`cases.bench.floors.raw_insert`), into the same tables and indexes.
    """
    tables = _final_rows(exercise)
    rows = sum(len(r) for _m, r in tables)
    with transaction.atomic():
        twin = jilin_exercise(template, f"{exercise.name} (floor)")
        person_base = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
        case_base = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
        old_people = list(Person.objects.filter(exercise=exercise).order_by("pk").values_list("id", flat=True))
        old_cases = list(Case.objects.filter(exercise=exercise).order_by("pk").values_list("id", flat=True))
        person_map = {old: person_base + i + 1 for i, old in enumerate(old_people)}
        case_map = {old: case_base + i + 1 for i, old in enumerate(old_cases)}
        ready: list[tuple[type, list[dict[str, Any]]]] = []
        for model, table in tables:
            out = []
            own_ids = (list(model.objects.filter(exercise=exercise).order_by("pk").values_list("pk", flat=True))
                       if model in (CrosserCase, AuthorizationCase) else [])
            for i, row in enumerate(table):
                row = dict(row, exercise_id=twin.pk) if "exercise_id" in row else dict(row)
                for key in ("person_id", "applicant_id"):
                    if row.get(key) is not None:
                        row[key] = person_map.get(row[key], row[key])
                if model is Person:
                    row = {"id": person_map[old_people[i]], **row}
                elif model is Case:
                    row = {"id": case_map[old_cases[i]], **row}
                elif model in (CrosserCase, AuthorizationCase):
                    row = {"case_ptr_id": case_map[own_ids[i]], **row}
                elif "case_id" in row:
                    row["case_id"] = case_map[row["case_id"]]
                out.append(row)
            ready.append((model, out))
        start = time.perf_counter()
        for model, out in ready:
            raw_insert(model, out)
        took = time.perf_counter() - start
        transaction.set_rollback(True)
    return took, rows


# The floor is timed this many times (each rolled back) and its median taken: one insert of the year's
# rows takes seconds, and one timing alone moves with whatever else the machine does meanwhile.
FLOOR_RUNS = 3


def _settle() -> None:
    """On PostgreSQL, vacuum and analyze before a floor is timed (outside its time).

    The year leaves the tables with many dead row versions (every step rewrites its case) and a rolled-back
    floor leaves more; autovacuum would clean them up while the next floor runs, on the same cores,
    and a floor slowed by it flatters the run it is compared with.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction (a test's): there the statistics alone are refreshed.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def jilin_figure(*, template: Exercise, scale: float = 1.0) -> Figure:
    """Figure 5: load and run the Jilin 1961 year at ``scale`` vs the bulk-insert floor of its final rows."""
    crossers, letters = round(CROSSERS_1961 * scale), round(LETTERS_1961 * scale)
    exercise = jilin_exercise(template, f"Jilin 1961 x{scale:g}")
    start = time.perf_counter()
    did = run_year(exercise, crossers=crossers, letters=letters)
    took = time.perf_counter() - start
    floors = []
    for _ in range(FLOOR_RUNS):
        _settle()
        floor, rows = floor_insert(exercise, template)
        floors.append(floor)
    floor = statistics.median(floors)
    outcomes = Counter(CrosserCase.objects.filter(exercise=exercise).values_list("state", flat=True))
    top = ", ".join(f"{state} {n}" for state, n in outcomes.most_common(4))
    return Figure(
        "jilin_1961_year", took / floor, 5,
        f"{crossers} crossers + {letters} letters, {did['steps']} autopilot steps, {did['stuck']} stuck, "
        f"{rows} rows; run {took:.1f}s vs floor {floor:.1f}s (median of {FLOOR_RUNS}: "
        f"{', '.join(f'{f:.1f}' for f in floors)}); crossers: {top}",
    )
