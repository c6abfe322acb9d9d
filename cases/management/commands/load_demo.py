"""Load the demo scenario pack (cases/scenarios/demo.yaml) with its fixed logins, or find it; print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.classroom.loader import load_pack
from cases.classroom.packs import PackError, get_pack
from cases.errors import ApplicationError
from cases.models import Exercise, TimedEventStatus
from cases.wording import short_date

DEMO_SLUG = "demo"


def exercise_logins(exercise: Exercise) -> list[tuple[str, str]]:
    """Return (username, what they play) for every member of ``exercise``, the facilitator first."""
    return [
        (m.user.username, str(m.office) if m.office else "the teacher (facilitator)")
        for m in exercise.memberships.select_related("user", "office").order_by("-is_facilitator", "id")
    ]


class Command(BaseCommand):
    help = "Load the demo scenario pack with one login per office (once; later runs find it) and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="", help="Exercise name (default: the pack's title).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pack = get_pack(DEMO_SLUG)
            name = options["name"] or pack.title
            exercise = Exercise.objects.filter(name=name).first()
            created = exercise is None
            if exercise is None:
                exercise = load_pack(pack, name=name, logins=True)
        except (ApplicationError, PackError) as exc:
            raise CommandError(str(exc)) from exc
        verb = "Created" if created else "Found existing"
        self.stdout.write(f"{verb} exercise: {exercise.name} (simulated {short_date(exercise.clock)})")
        self.stdout.write(f"Logins (password for all: {pack.data['logins']['password']}):")
        for username, role in exercise_logins(exercise):
            self.stdout.write(f"  {username:<14} {role}")
        pending = exercise.timed_events.filter(status=TimedEventStatus.PENDING).values_list("at", flat=True)
        dates = sorted({at.date() for at in pending})
        if dates:
            self.stdout.write("Later desks open when the clock passes: " + ", ".join(short_date(d) for d in dates))
