"""Load an exercise exported by export_exercise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.errors import ApplicationError
from cases.models import ExerciseEventKind
from cases.services.exercise_events import exercise_event_record
from cases.services.transfer import exercise_import


class Command(BaseCommand):
    help = ("Import an exercise from a JSON file written by export_exercise, as a new exercise (new ids; nothing "
            "else in the database changes; logins get no rights from the file).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The JSON file.")
        parser.add_argument("--name", help="Import under this name (default: the name in the file).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path} as UTF-8 text: {exc}") from exc
        try:
            exercise = exercise_import(data=text, name=options["name"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        exercise_event_record(exercise=exercise, actor=None, kind=ExerciseEventKind.IMPORT,
                              summary=f"Imported by manage.py import_exercise from {path.name}.",
                              data={"file": str(path)})
        self.stdout.write(f"Imported exercise {exercise.name} ({exercise.cases.count()} cases).")
