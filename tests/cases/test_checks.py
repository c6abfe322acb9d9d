"""``manage.py check`` verifies every name the product refers to by string (issue 14, cases/checks.py)."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from cases import checks, procedures
from cases.classroom import packs

SHIPPED = Path(packs.SCENARIO_DIR)


def _messages(errors: list) -> str:
    return "\n".join(e.msg for e in errors)


def test_the_shipped_tree_passes_the_checks():
    call_command("check")
    assert not checks.check_registry() + checks.check_policies() + checks.check_deadlines()
    assert not checks.check_regimes() + checks.check_packs()


def test_the_checks_read_the_policies_and_packs_they_claim_to():
    """The checks are not vacuous: they find the names the shipped policies and packs use."""
    marriage = procedures.get_procedure("marriage")
    names = {(r.what, r.name) for r in checks.references_of_module(marriage.policy)}
    assert {("state", "filed"), ("step", "begin_dissuasion")} <= names
    permit = procedures.get_procedure("permit")
    assert {r.name for r in checks._deadline_actions(permit.model)} >= {"set_expired", "set_overdue"}


def _policy_module(tmp_path: Path, body: str) -> object:
    path = tmp_path / "misspelt_policy.py"
    path.write_text(body, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("misspelt_policy", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["misspelt_policy"] = module
    spec.loader.exec_module(module)
    return module


def test_a_misspelt_state_in_a_policy_fails_the_check_with_file_and_name(tmp_path, monkeypatch):
    module = _policy_module(tmp_path, (
        "from cases.classroom.policy_base import AutoStep\n\n\n"
        "def policy(case, params, rng):\n"
        "    if case.state == 'filled':\n"
        "        return AutoStep('begin_dissuasion')\n"
        "    return None\n"
    ))
    marriage = procedures.get_procedure("marriage")
    monkeypatch.setitem(procedures._PROCEDURES, "marriage", dataclasses.replace(marriage, policy=module.policy))

    text = _messages(checks.check_policies())
    assert "misspelt_policy.py:5" in text and "'filled'" in text and "state" in text
    with pytest.raises(SystemCheckError, match="filled"):
        call_command("check")


def test_a_misspelt_step_in_a_policy_fails_the_check(tmp_path, monkeypatch):
    module = _policy_module(tmp_path, (
        "from cases.classroom.policy_base import AutoStep\n\n\n"
        "def policy(case, params, rng):\n"
        "    possible = set()\n"
        "    if 'begin_disuasion' in possible:\n"
        "        return AutoStep('begin_dissuasion')\n"
        "    return None\n"
    ))
    marriage = procedures.get_procedure("marriage")
    monkeypatch.setitem(procedures._PROCEDURES, "marriage", dataclasses.replace(marriage, policy=module.policy))
    text = _messages(checks.check_policies())
    assert "misspelt_policy.py:6" in text and "'begin_disuasion'" in text


def _pack_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(SHIPPED / "marriage-1958.yaml", folder / "marriage-1958.yaml")
    target = folder / "marriage-1958.yaml"
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setattr(packs, "SCENARIO_DIR", folder)
    return target


def test_a_misspelt_step_in_a_pack_fails_the_check_with_file_line_and_name(tmp_path, monkeypatch):
    target = _pack_dir(tmp_path, monkeypatch, "steps: [forward_to_province]", "steps: [forward_to_provinse]")
    line = next(i for i, t in enumerate(target.read_text().splitlines(), 1) if "forward_to_provinse" in t)

    text = _messages(checks.check_packs())
    assert f"marriage-1958.yaml:{line}" in text and "'forward_to_provinse'" in text
    with pytest.raises(SystemCheckError, match="forward_to_provinse"):
        call_command("check")


def test_a_misspelt_office_kind_in_a_pack_fails_the_check(tmp_path, monkeypatch):
    _pack_dir(tmp_path, monkeypatch, "kind: work_unit", "kind: work_unt")
    text = _messages(checks.check_packs())
    assert "marriage-1958.yaml:" in text and "work_unt" in text


def test_an_unregistered_procedure_fails_the_check(monkeypatch):
    monkeypatch.delitem(procedures._PROCEDURES, "stray")
    text = _messages(checks.check_registry())
    assert "StrayCase" in text and "not registered" in text


def test_a_misspelt_outcome_state_fails_the_check(monkeypatch):
    marriage = procedures.get_procedure("marriage")
    outcomes = dataclasses.replace(marriage.outcomes, refused=marriage.outcomes.refused | {"refussed"})
    monkeypatch.setitem(procedures._PROCEDURES, "marriage", dataclasses.replace(marriage, outcomes=outcomes))
    assert "'refussed'" in _messages(checks.check_registry())


def test_a_misspelt_student_permission_fails_the_check(monkeypatch):
    marriage = procedures.get_procedure("marriage")
    monkeypatch.setitem(procedures._PROCEDURES, "marriage",
                        dataclasses.replace(marriage, student_permissions=("cases.view_marriagcase",)))
    assert "cases.view_marriagcase" in _messages(checks.check_registry())


def test_a_regime_section_naming_no_procedure_fails_the_check(monkeypatch):
    from cases.regimes import REGIMES

    regime = REGIMES["1958_marriage"]
    autopilot = {**regime.params["autopilot"], "marriages": {}}
    monkeypatch.setitem(regime.params, "autopilot", autopilot)
    assert "'marriages'" in _messages(checks.check_regimes())


def test_a_deadline_action_naming_no_step_fails_the_check(tmp_path, monkeypatch):
    """A model module whose DeadlineSpec names a step the model lacks (read from a copy of permit.py)."""
    import permits.models.permit as permit_module

    source = Path(permit_module.__file__).read_text(encoding="utf-8")
    assert '"set_expired"' in source
    copy = tmp_path / "permit_copy.py"
    copy.write_text(source.replace('"set_expired"', '"set_expird"', 1), encoding="utf-8")
    original = checks.source_file
    monkeypatch.setattr(checks, "source_file",
                        lambda obj: str(copy) if obj is permit_module.PermitCase else original(obj))
    text = _messages(checks.check_deadlines())
    assert "permit_copy.py:" in text and "'set_expird'" in text



def test_a_pack_event_citing_a_rule_not_yet_in_force_fails_the_check(tmp_path, monkeypatch):
    """Issue 16: the 1964 Protocol's crossing hours (PER-8, D10) announced in a 1958 pack fail manage.py check."""
    target = _pack_dir(tmp_path, monkeypatch, "events:", "events:\n  - {at: 1958-11-01, kind: announce, "
                       "label: Winter hours, text: Crossing hours change., source: \"D10 Art. 3(4) (PER-8)\"}")
    line = next(i for i, t in enumerate(target.read_text().splitlines(), 1) if "Winter hours" in t)
    text = _messages(checks.check_packs())
    assert f"marriage-1958.yaml:{line}" in text and "PER-8" in text
    with pytest.raises(SystemCheckError, match="PER-8"):
        call_command("check")
