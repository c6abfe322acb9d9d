"""Load an exercise exported by export_exercise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.errors import ApplicationError
from cases.services.transfer import exercise_import


class Command(BaseCommand):
    help = "Import an exercise from a JSON file written by export_exercise."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            exercise = exercise_import(data=path.read_text(encoding="utf-8"))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Imported exercise {exercise.name} ({exercise.cases.count()} cases).")
