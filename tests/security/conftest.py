"""The fuzz tests' summary: how many requests were sent, and how many were 5xx (always 0 when they pass)."""

from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.security.fuzz_support import REQUESTS

    if REQUESTS.requests:
        parts = ", ".join(f"{name} {n}" for name, n in sorted(REQUESTS.by_test.items()))
        terminalreporter.write_line(
            f"admin fuzz: {REQUESTS.requests} requests ({parts}); {REQUESTS.refused} refused; "
            f"{REQUESTS.server_errors} x 5xx"
        )
