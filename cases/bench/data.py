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
