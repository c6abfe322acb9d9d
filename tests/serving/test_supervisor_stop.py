"""The supervisor stops a child that will not stop, on Windows too (where ``signal`` has no SIGKILL).

``Supervisor.stop`` sends each child the polite signal, waits, then kills what is left. It named
``signal.SIGKILL`` for that last step, which Windows' ``signal`` module does not have: a worker still
busy after the wait (a long fast-forward, say) turned closing the window into an AttributeError and
left the worker running. Run here on Linux with the supervisor seeing Windows' ``os.name`` and ``signal``.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from cases.serving import supervisor as supervisor_module
from cases.serving.supervisor import ChildSpec, Supervisor


class _WindowsOs:
    """``os`` as the supervisor sees it on Windows: ``os.name`` is "nt" (the rest is this machine's)."""

    name = "nt"

    def __getattr__(self, attr: str) -> Any:
        return getattr(os, attr)


class _WindowsSignal:
    """``signal`` as on Windows: no SIGKILL (nor SIGHUP)."""

    def __getattr__(self, attr: str) -> Any:
        if attr in ("SIGKILL", "SIGHUP"):
            raise AttributeError(f"module 'signal' has no attribute {attr!r}")
        return getattr(signal, attr)


def test_a_child_that_ignores_the_polite_stop_is_killed_without_sigkill(tmp_path: Path, monkeypatch: Any) -> None:
    ready = tmp_path / "ready"
    stubborn = ("import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "pathlib.Path(sys.argv[1]).write_text('x'); time.sleep(120)")
    sup = Supervisor([ChildSpec("worker", [sys.executable, "-c", stubborn, str(ready)])], env=dict(os.environ),
                     say=lambda _message: None)
    sup.start()
    child = sup.children[0].popen
    assert child is not None
    try:
        deadline = time.monotonic() + 20
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the child never started"
        monkeypatch.setattr(supervisor_module, "os", _WindowsOs())
        monkeypatch.setattr(supervisor_module, "signal", _WindowsSignal())
        sup.stop(timeout=1.0)
        assert child.poll() is not None, "the child is still running"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
