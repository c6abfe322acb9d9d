"""Write an exercise's event log as CSV or XES for process mining."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.analytics.export import FORMATS, stream
from cases.management.exercise_key import find_exercise


class Command(BaseCommand):
    help = "Export an exercise's event log (case id, activity, simulated time, office, case kind) as CSV or XES."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("exercise", help="Exercise name or id.")
        parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="csv")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        exercise = find_exercise(options["exercise"])
        chunks, _content_type = stream(exercise, options["format"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                for chunk in chunks:
                    fh.write(chunk)
            events = exercise.events.count()
            cases = exercise.cases.count()
            self.stderr.write(f"Wrote {events} events of {cases} cases to {options['output']}.")
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
