"""One running Border Desk per data folder: an operating-system lock on a file in the folder.

The lock is the kernel's (``flock`` on Linux/macOS, ``msvcrt.locking`` on Windows), so it is released
when the owner dies however it dies, and a stale file left by ``kill -9`` never blocks the next start.
Who holds it (pid, URL, start time) is written beside it for the refusal message.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import IO, Any

LOCK_NAME = "border-desk.lock"
OWNER_NAME = "border-desk.owner.json"


class AlreadyRunning(Exception):
    """Another Border Desk holds this data folder."""

    def __init__(self, folder: Path, owner: dict[str, Any]) -> None:
        self.folder = folder
        self.owner = owner
        pid = owner.get("pid", "?")
        url = owner.get("url") or "an unknown address"
        super().__init__(
            f"Border Desk is already running from the data folder {folder} (process {pid}, serving {url}). "
            "Two servers on one folder would run two schedulers on one database. Stop the other one first "
            "(Ctrl-C in its window), or give this one a folder of its own with BORDER_DESK_DATA_DIR."
        )


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class DataFolderLock:
    """Hold the data folder for this process: ``acquire()`` or raise :class:`AlreadyRunning`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.owner_path = self.folder / OWNER_NAME
        self._handle: IO[bytes] | None = None

    def owner(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.owner_path.read_text()))
        except (OSError, ValueError):
            return {}

    def acquire(self, url: str = "") -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open for the life of the process
        if not _try_lock(handle):
            handle.close()
            raise AlreadyRunning(self.folder, self.owner())
        self._handle = handle
        self.describe(url)

    def describe(self, url: str) -> None:
        """Record who holds the lock (written atomically: a reader sees the old or the new record)."""
        record = {"pid": os.getpid(), "url": url, "since": time.strftime("%Y-%m-%d %H:%M:%S")}
        tmp = self.owner_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record))
        os.replace(tmp, self.owner_path)

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self.owner_path.unlink()
            self._handle.close()  # closing the file drops the kernel lock
            self._handle = None

    def __enter__(self) -> DataFolderLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
