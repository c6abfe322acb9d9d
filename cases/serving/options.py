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


class Sayer:
    """Write the start's messages to ``stdout``, flushing each (the supervisor's must show while it waits).

    A character the window cannot show (a Windows console in a legacy code page, or output sent to a
    file there) is written as "?" instead of stopping the start with an encoding error; ``can_show``
    tells a caller beforehand, to say something else instead (the QR code drawn in block characters).
    """

    def __init__(self, stdout: Any) -> None:
        self.stdout = stdout
        self.encoding = getattr(stdout, "encoding", None)

    def __call__(self, message: str) -> None:
        try:
            self.stdout.write(message)
        except UnicodeEncodeError:
            encoding = self.encoding or "ascii"
            self.stdout.write(message.encode(encoding, "replace").decode(encoding))
        self.stdout.flush()

    def can_show(self, text: str) -> bool:
        """Return whether the window's encoding holds every character of ``text``."""
        if not self.encoding:
            return True
        try:
            text.encode(self.encoding)
        except (UnicodeEncodeError, LookupError):
            return False
        return True
