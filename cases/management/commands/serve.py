"""Serve this installation's exercises (web, Celery worker and beat) without loading the demo.

``manage.py serve`` for this computer only, ``manage.py serve --room`` to open the class to the room.
The same server, supervisor and classroom mode as ``manage.py demo``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cases.serving.options import add_serving_arguments, sayer
from cases.serving.run import acquire, plan, serve


class Command(BaseCommand):
    help = "Serve Border Desk (web, Celery worker and beat); --room opens it to the classroom's network."

    def add_arguments(self, parser: Any) -> None:
        add_serving_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        lock = acquire(settings.DATA_DIR)
        try:
            p = plan(addr=options["addr"], room=options["room"] is not None, room_address=options["room"] or None)
            code = serve(p=p, celery=not options["no_celery"], say=sayer(self.stdout), lock=lock,
                         before=lambda: call_command("migrate", interactive=False, verbosity=0))
        finally:
            lock.release()
        self.stdout.write("Stopped.")
        if code:
            raise SystemExit(code)
