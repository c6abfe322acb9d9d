"""Run the whole demo: migrate, load the demo exercise, start web + Celery worker + beat.

Ctrl-C stops all three. Embedded defaults: SQLite and kombu's filesystem broker under var/.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the demo exercise, and run the web server, a Celery worker and beat."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address for the web server.")
        parser.add_argument("--no-celery", action="store_true", help="Run only the web server.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        python = sys.executable
        procs: list[subprocess.Popen[bytes]] = []
        if not options["no_celery"]:
            # One worker with embedded beat is enough for a classroom; scale-out uses separate beat.
            procs.append(
                subprocess.Popen(
                    [python, "-m", "celery", "-A", "config", "worker", "--beat", "--loglevel=WARNING",
                     "--concurrency=2", "--schedule", str(_data_dir() / "celerybeat-schedule")],
                    env=env,
                )
            )
        procs.append(
            subprocess.Popen([python, "manage.py", "runserver", "--noreload", options["addr"]], env=env)
        )
        self.stdout.write(self.style.SUCCESS(f"\nBorder Desk is running: http://{options['addr']}/admin/"))
        self.stdout.write("Log in as one of the users above. Press Ctrl-C to stop web, worker and beat.\n")
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
            self.stderr.write("A process stopped; shutting the others down.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping ...")
        finally:
            _stop(procs)
        self.stdout.write("Stopped.")


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Ask every process to stop, wait up to 15 s, then kill; a second Ctrl-C kills at once."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    try:
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
    except KeyboardInterrupt:
        for p in procs:
            if p.poll() is None:
                p.kill()


def _data_dir() -> Any:
    from django.conf import settings

    return settings.DATA_DIR
