"""Write an exercise and everything in it as JSON."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.management.exercise_key import find_exercise
from cases.models import ExerciseEventKind
from cases.services.exercise_events import exercise_event_record
from cases.services.transfer import exercise_export


class Command(BaseCommand):
    help = "Export an exercise (by name or id) as a JSON file that import_exercise reads back."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("exercise", help="Exercise name or id.")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--with-passwords", action="store_true",
                            help="Include the logins' password hashes (left out by default).")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["exercise"]
        exercise = find_exercise(key)
        data = exercise_export(exercise=exercise, with_passwords=options["with_passwords"])
        exercise_event_record(exercise=exercise, actor=None, kind=ExerciseEventKind.EXPORT,
                              summary=f"Exported by export_exercise to {options['output'] or 'standard output'}.",
                              data={"output": options["output"] or "", "bytes": len(data)})
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(data)
            self.stdout.write(f"Wrote {exercise.name} to {options['output']}.")
        else:
            self.stdout.write(data)
