"""Keep web, worker and beat running together, and stop them together.

* Each child runs in a process group of its own, so the supervisor decides who stops when: Ctrl-C in
  the terminal and SIGTERM from a service manager (or a teacher's ``kill``) both stop every child.
* A child that dies (a crashed or killed worker) is started again, alone: the others keep serving.
  One that keeps dying (``max_restarts`` within ``window`` seconds) stops everything with a message,
  rather than looping forever.
* Children also watch the supervisor (``watchdog.py``): if it is killed outright, they exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType


@dataclass
class ChildSpec:
    name: str
    args: list[str]
    # Run before every (re)start, e.g. making a dead worker's unacknowledged messages visible again.
    before_start: Callable[[], None] | None = None


@dataclass
class _Child:
    spec: ChildSpec
    popen: subprocess.Popen[bytes] | None = None
    starts: deque[float] = field(default_factory=deque)


class Supervisor:
    def __init__(self, specs: list[ChildSpec], *, env: dict[str, str], say: Callable[[str], None],
                 max_restarts: int = 5, window: float = 60.0, cwd: str | None = None) -> None:
        self.children = [_Child(spec) for spec in specs]
        self.env = {**env, "BORDER_DESK_SUPERVISOR_PID": str(os.getpid())}
        self.say = say
        self.max_restarts = max_restarts
        self.window = window
        self.cwd = cwd
        self.stopping = False
        self.reason = ""

    # --- children ---------------------------------------------------------------------------------

    def _spawn(self, child: _Child) -> None:
        if child.spec.before_start is not None:
            child.spec.before_start()
        kwargs: dict[str, object] = {}
        if os.name == "posix":
            kwargs["start_new_session"] = True
        else:  # Windows: a group of its own, so the console's Ctrl-C reaches the supervisor only
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
        child.popen = subprocess.Popen(child.spec.args, env=self.env, cwd=self.cwd, **kwargs)  # type: ignore[call-overload]
        child.starts.append(time.monotonic())

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)

    def pids(self) -> dict[str, int]:
        return {c.spec.name: c.popen.pid for c in self.children if c.popen is not None}

    def _stop_child(self, child: _Child, *, force: bool) -> None:
        """Ask a child to stop (SIGTERM to its group), or with ``force`` kill it (SIGKILL).

        On Windows, which has neither signal (``signal.SIGKILL`` does not exist there), the process is
        terminated (``Popen.terminate``/``kill``, both TerminateProcess).
        """
        if child.popen is None or child.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            if os.name == "posix":
                os.killpg(child.popen.pid, signal.SIGKILL if force else signal.SIGTERM)
            elif force:
                child.popen.kill()
            else:
                child.popen.terminate()

    def _clear_group(self, child: _Child) -> None:
        """Kill whatever is left in a dead child's process group (processes it forked)."""
        if os.name == "posix" and child.popen is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
                os.killpg(child.popen.pid, signal.SIGKILL)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM every child (and its group), wait up to ``timeout`` s, then kill what is left."""
        for child in reversed(self.children):
            self._stop_child(child, force=False)
        deadline = time.monotonic() + timeout
        for child in self.children:
            if child.popen is None:
                continue
            try:
                child.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._stop_child(child, force=True)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.popen.wait(timeout=5)
            # The group may still hold processes the child forked.
            self._clear_group(child)

    # --- the loop ---------------------------------------------------------------------------------

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.stopping:
            return
        self.stopping = True
        self.reason = signal.Signals(signum).name

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, self._on_signal)  # the terminal window was closed
        if hasattr(signal, "SIGBREAK"):
            signal.signal(signal.SIGBREAK, self._on_signal)  # Windows: Ctrl-Break, console closed

    def check(self) -> bool:
        """Restart any child that has exited; return False when one dies too often (give up)."""
        now = time.monotonic()
        for child in self.children:
            if child.popen is None or child.popen.poll() is None or self.stopping:
                continue
            code = child.popen.returncode
            self._clear_group(child)
            while child.starts and now - child.starts[0] > self.window:
                child.starts.popleft()
            if len(child.starts) >= self.max_restarts:
                self.reason = (f"the {child.spec.name} stopped {len(child.starts)} times within "
                               f"{self.window:.0f} s (last exit code {code}); see its messages above")
                return False
            self.say(f"The {child.spec.name} stopped (exit code {code}); starting it again. "
                     "The other processes keep serving.")
            self._spawn(child)
        return True

    def run(self, *, every: float = 0.5) -> int:
        """Supervise until a signal (exit 0) or a child that keeps dying (exit 1); always stop all."""
        try:
            while not self.stopping:
                if not self.check():
                    self.say(f"Stopping Border Desk: {self.reason}.")
                    return 1
                time.sleep(every)
            self.say(f"Stopping Border Desk ({self.reason}) ...")
            return 0
        finally:
            self.stop()


def python() -> str:
    return sys.executable
