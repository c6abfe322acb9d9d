"""Build the Helong County 1964 permit exercise (offices, one login each, seed applications)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.demo import DEMO_PASSWORD
from permits.demo import build_helong_exercise


class Command(BaseCommand):
    help = "Create the Helong County 1964 border-permit exercise with one login per office."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="Demo: Helong County 1964")

    def handle(self, *args: Any, **options: Any) -> None:
        demo = build_helong_exercise(options["name"])
        self.stdout.write(f"Exercise: {demo.exercise} ({len(demo.cases)} permit cases)")
        for login, office in demo.logins:
            self.stdout.write(f"  {login:<14} {office}")
        self.stdout.write(f"Password for every login: {DEMO_PASSWORD}")
