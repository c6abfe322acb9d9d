"""A role's brief names only rules that office applies: the steps it takes, or the cases it files."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from cases.classroom.packs import all_packs
from cases.engine import all_transitions, meta_of
from cases.procedures import all_procedures

RULE = re.compile(r"\b(?:MAR|AUT|PER|RET|MEET|OTH)-\d+\b")
# Rules an office applies by filing a case rather than by a step of its own.
FILES_UNDER = {
    # PER-5: a commune without a station takes permit applications through its special personnel
    # (permits/services/permit.py, the filing office).
    ("commune", "PER-5"),
    # MEET-2: a side's representatives ask for a meeting with the notice its rank needs (cases/services/meeting.py).
    ("border_representative", "MEET-2"),
    ("dprk_safety", "MEET-2"),
}


def _rules_by_office_kind() -> dict[str, set[str]]:
    cited: dict[str, set[str]] = defaultdict(set)
    for procedure in all_procedures():
        for transition in all_transitions(procedure.model):
            meta = meta_of(transition)
            cited[meta.office].update(meta.rules)
    for kind, rule in FILES_UNDER:
        cited[kind].add(rule)
    return cited


@pytest.mark.parametrize("pack", all_packs(), ids=lambda p: p.slug)
def test_every_rule_a_role_brief_names_is_one_that_office_applies(pack):
    """The demo told the civil affairs student registration was MAR-8 (it is MAR-7), the MFA that it
    consults the DPRK (MAR-6: D2 has it forward the form's copy, MAR-5) and DPRK internal affairs that it
    issues authorization letters, which no step of the exercise lets it do."""
    cited = _rules_by_office_kind()
    kinds = {o["key"]: o["kind"] for o in pack.data["offices"]}
    wrong = []
    for role in pack.data["roles"]:
        kind = kinds[role["office"]]
        named = set(RULE.findall(role.get("brief", "")))
        wrong += [f"{role['office']}: {rule} ({role['brief']})" for rule in sorted(named - cited[kind])]
    assert wrong == []
