"""Create an exercise from a scenario pack: ``load_scenario <slug> [--name ...] [--teacher login]``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.classroom.loader import load_pack
from cases.classroom.packs import PackError
from cases.errors import ApplicationError
from cases.wording import short_date


class Command(BaseCommand):
    help = "Create an exercise from a scenario pack (see list_scenarios)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", default="", help="Exercise name (default: the pack's title).")
        parser.add_argument("--teacher", default="", help="Login of the teacher who runs it (facilitator).")
        parser.add_argument("--seed", type=int, default=None, help="Autopilot seed (default: the pack's).")
        parser.add_argument("--students", type=int, default=None,
                            help="Students in the class (default: the smallest class the pack suits); the pack's "
                                 "work is sized to it.")
        parser.add_argument("--logins", action="store_true",
                            help="Also create the pack's fixed logins with its password (a machine of your own only).")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["teacher"]:
            actor = get_user_model().objects.filter(username=options["teacher"]).first()
            if actor is None:
                raise CommandError(f"No user called {options['teacher']!r}.")

        def progress(done: int, total: int, message: str) -> None:
            if options["verbosity"] > 1 or done == total:
                self.stdout.write(f"[{done}/{total}] {message}")

        try:
            exercise = load_pack(options["slug"], name=options["name"], actor=actor, progress=progress,
                                 seed=options["seed"], logins=options["logins"], students=options["students"])
        except (ApplicationError, PackError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Exercise '{exercise.name}' created: {exercise.cases.count()} case(s), "
            f"{exercise.offices.count()} office(s), clock {short_date(exercise.clock)}."))
