"""Fixtures of the integration tests: one PostgreSQL + Redis stack per session, migrated once."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.integration.stack import Stack, require_binaries

_names = itertools.count(1)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_binaries()
    stack = Stack(tmp_path_factory.mktemp("stack"))
    try:
        stack.start()
        stack.call("fast_beat", 1)
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def live(stack: Stack) -> Iterator[Stack]:
    """The stack, with every process a test starts stopped after it (the servers stay up)."""
    if stack.redis.proc is None:
        stack.redis.start()
    yield stack
    stack.stop_processes()


@pytest.fixture
def exercise(live: Stack) -> tuple[int, str]:
    """A fresh test-desk exercise (tests/desks.py) in the stack's database: (id, login suffix)."""
    n = next(_names)
    suffix = f"-it{n}"
    return live.call("demo", f"Integration {n}", suffix), suffix
