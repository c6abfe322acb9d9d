"""Logging filters of the settings' LOGGING: what the teacher's terminal shows while a class runs."""

from __future__ import annotations

import logging


class RefusalsInOneLine(logging.Filter):
    """Write a refused request (a 4xx response: 403, 404, 400) as its one line, without a traceback.

    Django logs each refusal with the exception that made it (``PermissionDenied``, ``Http404``), so every
    page a student may not open wrote a full traceback to the teacher's terminal, which reads as a crash.
    The line ("Forbidden (Permission denied): /admin/…") stays; server errors (5xx) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
