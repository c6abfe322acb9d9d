"""Fast creation of many marriage cases for benchmarks (raw bulk inserts, not the services)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, models

from cases.choices import Nationality, OfficeKind, Sex
from cases.classroom.loader import load_pack
from cases.models import Case, CaseEvent, Exercise, MarriageCase, Person


def bench_exercise(name: str) -> Exercise:
    """Return a fresh exercise from the demo pack (offices and logins) to load benchmark cases into."""
    return load_pack("demo", name=name, logins=True, login_suffix=f"-{name.lower().replace(' ', '-')}")


def insert_marriage_cases(exercise: Exercise, count: int, *, state: str = "filed", start: int = 0) -> list[int]:
    """Insert ``count`` marriage cases in ``state`` with a filing event each; return their ids."""
    work_unit = exercise.offices.get(kind=OfficeKind.WORK_UNIT)
    man = Person.objects.create(exercise=exercise, name=f"Bench man {start}", sex=Sex.MALE,
                                nationality=Nationality.HAN, occupation="unit_staff")
    woman = Person.objects.create(exercise=exercise, name=f"Bench woman {start}", sex=Sex.FEMALE,
                                  nationality=Nationality.DPRK)
    now = exercise.clock
    parents = [
        Case(exercise=exercise, kind="marriage", reference=f"BEN-{start + i:07d}", title=f"Bench case {start + i}",
             state=state, regime=exercise.regime, variant="1958", filed_at=now - dt.timedelta(minutes=i % 500),
             state_since=now - dt.timedelta(minutes=i % 500), next_office=work_unit, next_rules="MAR-2,MAR-3,MAR-1")
        for i in range(count)
    ]
    Case.objects.bulk_create(parents, batch_size=2000)
    ids = [p.pk for p in parents]  # bulk_create returns the keys on SQLite and PostgreSQL
    assert all(ids), "this database did not return the new keys"
    child_fields = [f for f in MarriageCase._meta.local_concrete_fields if not isinstance(f, models.OneToOneField)]
    values = {"man_id": man.pk, "woman_id": woman.pk, "work_unit_id": work_unit.pk}
    columns = ["case_ptr_id"] + [f.column for f in child_fields]
    rows = []
    for pk in ids:
        row = [pk]
        for f in child_fields:
            row.append(values.get(f.attname, f.get_default()))
        rows.append(row)
    table = connection.ops.quote_name(MarriageCase._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 2000):
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows[i:i + 2000])
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_id=pk, exercise=exercise, kind="filed", label="Filed", target_state=state,
                   office=work_unit, sim_time=now, rules="MAR-4") for pk in ids],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give a live database
    return ids


# Paths a marriage case can have taken (D2's 1958 procedure), each with the office that acts in each
# state: spread over states, offices and closings, so that the pages see a class's mix, not one queue.
SPREAD_PATHS: tuple[tuple[str, ...], ...] = (
    ("filed",),
    ("filed", "dissuasion"),
    ("filed", "examination"),
    ("filed", "examination", "leader_review"),
    ("filed", "province_review"),
    ("filed", "province_review", "centre_review"),
    ("filed", "examination", "leader_review", "china_approved"),
    ("filed", "examination", "leader_review", "china_approved", "copy_to_embassy"),
    ("filed", "examination", "leader_review", "china_approved", "copy_to_embassy", "woman_applying"),
    ("filed", "dissuasion", "withdrawn"),
    ("filed", "refused"),
    ("filed", "examination", "refused"),
)
SPREAD_OFFICES = {
    "filed": OfficeKind.WORK_UNIT, "dissuasion": OfficeKind.WORK_UNIT, "examination": OfficeKind.WORK_UNIT,
    "leader_review": OfficeKind.WORK_UNIT, "china_approved": OfficeKind.WORK_UNIT,
    "province_review": OfficeKind.PROVINCIAL_COMMITTEE, "centre_review": OfficeKind.CENTRAL_COMMITTEE,
    "copy_to_embassy": OfficeKind.MFA, "woman_applying": OfficeKind.DPRK_SPA,
}
SPREAD_CLOSED = {"withdrawn", "refused"}
SPREAD_RULES = {"filed": "MAR-2,MAR-3,MAR-1", "dissuasion": "MAR-3", "examination": "MAR-3",
                "leader_review": "MAR-3", "province_review": "MAR-0", "centre_review": "MAR-0",
                "china_approved": "MAR-5", "copy_to_embassy": "MAR-5", "woman_applying": "MAR-6"}


def insert_spread_cases(exercise: Exercise, count: int, *, start: int = 0, people: int = 50) -> list[int]:
    """Insert ``count`` marriage cases spread over paths, offices and ``people`` couples, with their events.

    Case ``i`` is filed ``i % 365`` days before the clock and takes one step every few days along
    ``SPREAD_PATHS[i % len(SPREAD_PATHS)]``; each step is an event by the office of the state it left.
    Raw inserts (the bench's data, not the services'); returns the case ids.
    """
    from cases.bench.floors import raw_insert

    offices = {o.kind: o for o in exercise.offices.all()}
    men = Person.objects.bulk_create([
        Person(exercise=exercise, name=f"Spread man {start}-{k}", sex=Sex.MALE, nationality=Nationality.HAN,
               occupation="unit_staff") for k in range(people)])
    women = Person.objects.bulk_create([
        Person(exercise=exercise, name=f"Spread woman {start}-{k}", sex=Sex.FEMALE, nationality=Nationality.DPRK)
        for k in range(people)])
    now = exercise.clock
    parents, paths = [], []
    for i in range(count):
        path = SPREAD_PATHS[i % len(SPREAD_PATHS)]
        filed = now - dt.timedelta(days=i % 365 + 1, minutes=i % 997)
        gap = dt.timedelta(days=1 + i % 5)
        last = path[-1]
        closed = last in SPREAD_CLOSED
        parents.append(Case(
            exercise=exercise, kind="marriage", reference=f"SPR-{start + i:07d}", title=f"Spread case {start + i}",
            state=last, regime=exercise.regime, variant="1958", filed_at=filed,
            state_since=filed + gap * (len(path) - 1), closed_at=filed + gap * (len(path) - 1) if closed else None,
            next_office=None if closed else offices[SPREAD_OFFICES[last]],
            next_rules="" if closed else SPREAD_RULES[last]))
        paths.append((path, filed, gap))
    Case.objects.bulk_create(parents, batch_size=2000)
    ids = [p.pk for p in parents]
    assert all(ids), "this database did not return the new keys"
    child_fields = [f for f in MarriageCase._meta.local_concrete_fields if not isinstance(f, models.OneToOneField)]
    fixed = {"work_unit_id": offices[OfficeKind.WORK_UNIT].pk}
    children, events = [], []
    for n, pk in enumerate(ids):
        row = {"case_ptr_id": pk, **{f.attname: f.get_default() for f in child_fields}, **fixed,
               "man_id": men[n % people].pk, "woman_id": women[n % people].pk}
        children.append(row)
        path, filed, gap = paths[n]
        for step, state in enumerate(path):
            acting = offices[SPREAD_OFFICES[path[step - 1]]] if step else offices[OfficeKind.WORK_UNIT]
            events.append({
                "case_id": pk, "exercise_id": exercise.pk, "kind": "filed" if not step else "transition",
                "label": "Filed" if not step else f"To {state}", "transition": "" if not step else f"to_{state}",
                "source_state": path[step - 1] if step else "", "target_state": state, "office_id": acting.pk,
                "sim_time": filed + gap * step, "rules": "MAR-4" if not step else SPREAD_RULES.get(path[step - 1], ""),
            })
    raw_insert(MarriageCase, children)
    event_fields = [f for f in CaseEvent._meta.local_concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in event_fields}
    raw_insert(CaseEvent, [{**defaults, **e} for e in events])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return ids
