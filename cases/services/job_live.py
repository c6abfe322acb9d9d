"""Progress of a job whose work is one long transaction (a time move): written where the polling page sees it.

A time move runs in one transaction, so progress written to the job row through the worker's own
connection would appear only when it is over. PostgreSQL takes it through a second connection of
the worker's own (autocommit; the move holds no lock on the job row). SQLite lets one writer at a
time into the file and the move is that writer, so there progress goes to a small file beside the
database (the embedded stack runs on one machine) that the status page reads while the job runs.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from cases.models import Job
from cases.wording import clip

# Write at most this often (seconds of wall time): the page polls once a second.
EVERY = 1.0
Report = Callable[[int, int, str], None]


def _file(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / f"{job_id}.json"


def _write_file(job_id: int, done: int, total: int, message: str) -> None:
    path = _file(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    part.write_text(json.dumps({"done": done, "total": total, "message": clip(message, 500)}))
    os.replace(part, path)  # the reader sees the old figures or the new ones, never half a file


@contextmanager
def live_progress(job_id: int) -> Iterator[Report]:
    """Yield ``report(done, total, message)`` for a running job; it shows while the caller's transaction is open."""
    side: Any = None
    last = [0.0]

    def report(done: int, total: int, message: str) -> None:
        nonlocal side
        now = time.monotonic()
        if now - last[0] < EVERY and done < total:
            return
        last[0] = now
        if connection.vendor == "sqlite":
            _write_file(job_id, done, total, message)
            return
        if side is None:
            side = connections.create_connection(DEFAULT_DB_ALIAS)  # autocommit, outside the caller's transaction
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET done = %s, total = %s, message = %s, updated_at = %s WHERE id = %s",
                [done, total, message[:2000], timezone.now(), job_id],
            )

    try:
        yield report
    finally:
        if side is not None:
            side.close()
        _file(job_id).unlink(missing_ok=True)


def job_live(job: Job) -> tuple[int, int, str]:
    """Return (done, total, message) of a job as far as it has got, live progress included."""
    if job.status == "running" and connection.vendor == "sqlite":
        try:
            data = json.loads(_file(job.pk).read_text())
            return int(data["done"]), int(data["total"]), str(data["message"])
        except (OSError, ValueError, KeyError):
            pass
    return job.done, job.total, job.message
