"""Procedural rules of PROCEDURES.md: ID, a paraphrase and the source citation.

Each procedure keeps its rules in a module of this package (``mar.py``, ``per.py`` ...), which calls
:func:`register`. The admin shows the paraphrase and citation beside every step a rule governs.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One procedural rule: ``id`` as in PROCEDURES.md, our paraphrase, and where it comes from."""

    id: str
    summary: str
    source: str

    @property
    def citation(self) -> str:
        return f"{self.id} ({self.source})"


_RULES: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    """Add rules to the registry; an ID may be registered once."""
    for rule in rules:
        if rule.id in _RULES and _RULES[rule.id] != rule:
            raise ValueError(f"Rule {rule.id} registered twice with different text")
        _RULES[rule.id] = rule


def get_rule(rule_id: str) -> Rule:
    """Return the rule with this ID, or a placeholder that says it is unknown."""
    _load()
    return _RULES.get(rule_id, Rule(rule_id, "(rule not in the catalogue)", "unknown source"))


def all_rules() -> dict[str, Rule]:
    """Return every registered rule by ID."""
    _load()
    return dict(_RULES)


def cite(rule_ids: tuple[str, ...] | list[str]) -> str:
    """Render rule IDs with their sources, e.g. ``MAR-1 (D2 §1, 18 Oct 1958)``."""
    return "; ".join(get_rule(r).citation for r in rule_ids)


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _loaded = True
