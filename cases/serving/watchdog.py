"""A child of the supervisor exits when the supervisor is gone (even after ``kill -9`` of it)."""

from __future__ import annotations

import os
import signal
import threading
import time


def watch_parent(*, every: float = 1.0) -> None:
    """Start a daemon thread that stops this process once its parent has died.

    The supervisor passes its pid in ``BORDER_DESK_SUPERVISOR_PID``; when that process no longer exists
    (its pid is no longer our parent), this process is sent SIGTERM (a clean shutdown), then killed.
    """
    supervisor = os.environ.get("BORDER_DESK_SUPERVISOR_PID")
    if not supervisor or not supervisor.isdigit():
        return
    pid = int(supervisor)

    def alive() -> bool:
        if os.name == "posix":
            return os.getppid() == pid
        import psutil  # Windows: os.kill(pid, 0) would terminate the process, so ask psutil

        return bool(psutil.pid_exists(pid))

    def loop() -> None:
        while alive():
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(15)
        os._exit(1)

    threading.Thread(target=loop, name="supervisor-watchdog", daemon=True).start()
