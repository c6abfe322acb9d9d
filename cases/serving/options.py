"""The command-line options shared by ``manage.py demo`` and ``manage.py serve``."""

from __future__ import annotations

from typing import Any


def add_serving_arguments(parser: Any) -> None:
    parser.add_argument("--addr", default="127.0.0.1:8000",
                        help="HOST:PORT to serve on (default 127.0.0.1:8000: this computer only).")
    parser.add_argument("--room", nargs="?", const="", default=None, metavar="ADDRESS",
                        help="Classroom mode: serve on this computer's network address (or the ADDRESS "
                             "given) so students' devices can join; prints the join URL and a QR code.")
    parser.add_argument("--no-celery", action="store_true", help="Run only the web server.")


def sayer(stdout: Any) -> Any:
    """A ``say`` that flushes each line (the supervisor's messages must show while it waits)."""

    def say(message: str) -> None:
        stdout.write(message)
        stdout.flush()

    return say
