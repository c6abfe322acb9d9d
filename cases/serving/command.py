"""The one way a management command serves the class: ``manage.py serve`` and ``manage.py demo``.

Both take the data folder's lock, plan the addresses (``--room`` for classroom mode), run ``prepare``
(migrations; the demo also loads its pack) and supervise the web server, Celery worker and beat until
Ctrl-C or SIGTERM.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cases.serving.options import Sayer, add_serving_arguments
from cases.serving.run import acquire, plan, serve


class ServingCommand(BaseCommand):
    """A command that serves Border Desk; subclasses say what to do before the children start."""

    def add_arguments(self, parser: Any) -> None:
        add_serving_arguments(parser)

    def prepare(self) -> None:
        """Bring the database up to date (runs with the lock held, before any child starts)."""
        call_command("migrate", interactive=False, verbosity=0)

    def handle(self, *args: Any, **options: Any) -> None:
        lock = acquire(settings.DATA_DIR)
        try:
            p = plan(addr=options["addr"], room=options["room"] is not None, room_address=options["room"] or None)
            code = serve(p=p, celery=not options["no_celery"], say=Sayer(self.stdout), lock=lock,
                         before=self.prepare)
        finally:
            lock.release()
        self.stdout.write("Stopped.")
        if code:
            raise SystemExit(code)
