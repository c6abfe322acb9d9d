"""Create the demo exercise (or find it) and print its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.demo import DEMO_PASSWORD, build_demo_exercise


class Command(BaseCommand):
    help = "Create the demo exercise with one login per office (idempotent) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        result = build_demo_exercise()
        verb = "Created" if result.created else "Found existing"
        self.stdout.write(f"{verb} exercise: {result.exercise.name} (simulated {result.exercise.clock:%d %b %Y})")
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        for username, role in result.logins:
            self.stdout.write(f"  {username:<14} {role}")
