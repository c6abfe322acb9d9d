"""Import direction (issue 14): cases never imports permits, layers import downwards, no new import cycles.

The contracts live in pyproject.toml (``[tool.importlinter]``; ``lint-imports`` prints them); this test
runs them, and counts the import cycles among the modules of ``cases`` and ``permits`` (imports inside
functions included, ``if TYPE_CHECKING:`` imports and Django's lazy model references aside).
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent

# No import cycle is tolerated (there were 6 before issue 14); any cycle fails the test.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def import_cycles() -> list[frozenset[str]]:
    """Return the strongly connected groups of more than one module (Tarjan's algorithm)."""
    graph = grimp.build_graph("cases", "permits", exclude_type_checking_imports=True, cache_dir=None)
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(edges):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_the_import_contracts_are_kept(monkeypatch):
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_no_new_import_cycles():
    new = [sorted(c) for c in import_cycles() if c not in KNOWN_CYCLES]
    assert not new, f"new import cycles: {new}"


@pytest.mark.parametrize("module", ["cases.procedures", "cases.classroom.seeding", "cases.classroom.documents",
                                    "cases.classroom.policies.authorization", "cases.engine"])
def test_the_registry_and_the_classroom_are_in_no_cycle(module):
    assert not [c for c in import_cycles() if module in c]
