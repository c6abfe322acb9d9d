"""Scenario steps the integration tests run inside Django processes on the real stack (through
``Stack.call``). Every state change goes through the services; results come back as JSON."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from cases.choices import Nationality, Occupation, Sex
from cases.models import (
    Deadline,
    DeadlineKind,
    Exercise,
    MarriageCase,
    Office,
    Person,
)
from cases.services.marriage import marriage_file
from tests.desks import full_desk


def fast_beat(seconds: int) -> list[str]:
    """Run the periodic sweep and the pace every ``seconds`` seconds (the defaults are slow for a test)."""
    interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
    names = []
    for task in PeriodicTask.objects.filter(task__in=["cases.tasks.sweep_all", "cases.tasks.pace_clocks"]):
        task.interval = interval
        task.save()  # django-celery-beat notices the change through PeriodicTasks.last_update
        names.append(task.name)
    return names


def demo(name: str, suffix: str) -> int:
    """Build the tests' exercise (every desk, one login per office, password 'borderdesk'); return its id."""
    return full_desk(name, suffix).pk


def register_deadline(exercise_id: int, man: str, due: str, action: str) -> int:
    """Register a deadline on ``man``'s marriage case, due on the simulated date ``due`` (YYYY-MM-DD)."""
    case = MarriageCase.objects.get(exercise_id=exercise_id, man__name=man)
    when = timezone.make_aware(dt.datetime.fromisoformat(due))
    return Deadline.objects.create(
        case=case, exercise_id=exercise_id, kind=DeadlineKind.EXPIRY, due_at=when, action=action,
        set_at=Exercise.objects.get(pk=exercise_id).clock,
    ).pk


def many_reminders(exercise_id: int, cases: int, total: int, days_ahead: int) -> int:
    """File ``cases`` marriage cases and spread ``total`` reminder deadlines over them, due within
    ``days_ahead`` simulated days; return how many deadlines were made."""
    exercise = Exercise.objects.get(pk=exercise_id)
    unit = Office.objects.get(exercise=exercise, kind="work_unit")
    filed = []
    for i in range(cases):
        man = Person.objects.create(exercise=exercise, name=f"Man {i}", sex=Sex.MALE, nationality=Nationality.HAN,
                                    occupation=Occupation.PEASANT)
        woman = Person.objects.create(exercise=exercise, name=f"Woman {i}", sex=Sex.FEMALE,
                                      nationality=Nationality.DPRK)
        filed.append(marriage_file(exercise=exercise, man=man, woman=woman, work_unit=unit, actor=None))
    rows = [
        Deadline(
            case=filed[i % cases], exercise=exercise, kind=DeadlineKind.REMINDER, action="remind",
            due_at=exercise.clock + dt.timedelta(days=1 + (i * days_ahead) // total, minutes=i),
            set_at=exercise.clock, note=f"reminder {i}",
        )
        for i in range(total)
    ]
    Deadline.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def clock(exercise_id: int) -> str:
    return timezone.localtime(Exercise.objects.get(pk=exercise_id).clock).isoformat()


def clock_write_days(exercise_id: int, days: int) -> str:
    """Move the clock with the low-level write only, leaving every due deadline to the workers' queued sweep.

    (``advance_clock`` moves time through the one time service, which sweeps in-process as it goes;
    these tests are about the workers' sweeps, so they move the clock underneath it.)
    """
    from cases.services.clock import clock_write

    move = clock_write(exercise=Exercise.objects.get(pk=exercise_id), actor=None, days=days)
    return move.to_time.isoformat()


def queue_sweeps(exercise_id: int, n: int) -> int:
    """Queue ``n`` sweeps of the exercise at once (several workers then race for its deadlines)."""
    from cases.tasks import sweep_exercise

    for _ in range(n):
        sweep_exercise.delay(exercise_id)
    return n
