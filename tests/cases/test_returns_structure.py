"""The shape of the returns state machines: for each variant, every state reached can be left or is final."""

from __future__ import annotations

import pytest

from cases.engine import all_transitions, meta_of
from cases.procedures import get_procedure
from cases.rules import all_rules

VARIANTS = {
    "crosser": ["inbound", "outbound", "intercepted"],
    "embassy": ["passport", "renunciation", "property"],
    "reception": [""],
    "corpse": [""],
    "naturalisation": [""],
    "detention": [""],
    "stray": [""],
}
INITIAL = {"crosser": "reported", "embassy": "applied", "reception": "arrived", "corpse": "found",
           "naturalisation": "applied", "detention": "reported", "stray": "found"}


def _edges(kind: str, variant: str) -> list[tuple[str, str]]:
    out = []
    for t in all_transitions(get_procedure(kind).model):
        variants = meta_of(t).variants
        if variants and variant not in variants:
            continue
        out.append((t.source, t.target))
    return out


@pytest.mark.parametrize(("kind", "variant"), [(k, v) for k, vs in VARIANTS.items() for v in vs])
def test_every_reachable_state_leads_on_or_closes_the_case(kind, variant):
    edges = _edges(kind, variant)
    reached, todo = {INITIAL[kind]}, [INITIAL[kind]]
    while todo:
        state = todo.pop()
        for source, target in edges:
            if source == state and target not in reached:
                reached.add(target)
                todo.append(target)
    terminal = get_procedure(kind).terminal
    for state in reached - terminal:
        assert any(source == state for source, _ in edges), (kind, variant, state)
    assert reached & terminal, (kind, variant)


@pytest.mark.parametrize("kind", list(VARIANTS))
def test_every_step_cites_catalogued_rules_of_its_procedure(kind):
    """Each step of RET-1..RET-14 and OTH-1..OTH-3 procedures cites rules that exist in the catalogue."""
    known = all_rules()
    for t in all_transitions(get_procedure(kind).model):
        rules = meta_of(t).rules
        assert rules, (kind, t.name)
        for rule in rules:
            assert rule in known and rule.split("-")[0] in ("RET", "OTH"), (kind, t.name, rule)
