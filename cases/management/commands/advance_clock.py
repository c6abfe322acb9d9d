"""Move an exercise's simulated clock forward: ``advance_clock <exercise> --days N | --to YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.classroom.timekeeping import time_move
from cases.errors import ApplicationError
from cases.management.exercise_key import find_exercise
from cases.models import ClockMoveSource
from cases.services.clock import clock_set_pace


class Command(BaseCommand):
    help = ("Move an exercise's time forward by days or to a date (never backwards), firing its timed events, "
            "deadlines and autopilot on the way; or set its pace.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("exercise", help="The exercise's name or id.")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--days", type=int, help="Move forward by this many simulated days.")
        group.add_argument("--to", help="Move forward to this simulated date (YYYY-MM-DD).")
        group.add_argument("--pace", type=int, help="Simulated days per real minute driven by beat (0 stops).")

    def handle(self, *args: Any, **options: Any) -> None:
        exercise = find_exercise(options["exercise"])
        try:
            if options["pace"] is not None:
                clock_set_pace(exercise=exercise, actor=None, days_per_minute=options["pace"])
                self.stdout.write(f"{exercise}: pace set to {options['pace']} simulated day(s) per minute.")
                return
            to = None
            if options["to"] is not None:
                try:
                    to = dt.date.fromisoformat(options["to"])
                except ValueError as exc:
                    raise CommandError(f"--to must be a date as YYYY-MM-DD, not {options['to']!r}.") from exc
            report = time_move(
                exercise=exercise, actor=None, days=options["days"], to=to, source=ClockMoveSource.COMMAND
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        assert report.clock_from is not None and report.clock_to is not None
        self.stdout.write(
            f"{exercise}: clock moved from {timezone.localtime(report.clock_from):%Y-%m-%d %H:%M} "
            f"to {timezone.localtime(report.clock_to):%Y-%m-%d %H:%M}; timed events and deadlines due on the "
            f"way fired in order; the autopilot took {report.steps} step(s)."
        )

