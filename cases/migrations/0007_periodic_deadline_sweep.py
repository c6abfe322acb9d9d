"""Schedule the periodic deadline sweep and the clock pace with django-celery-beat (idempotent)."""

from django.db import migrations

TASKS = [
    # (name, task, every seconds)
    ("Border Desk: sweep due deadlines", "cases.tasks.sweep_all", 30),
    ("Border Desk: move paced clocks", "cases.tasks.pace_clocks", 10),
]


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, seconds in TASKS:
        interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True}
        )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _, _ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_clock_pace_escalation_and_clock_moves"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
