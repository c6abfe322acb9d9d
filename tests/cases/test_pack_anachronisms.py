"""pack_anachronisms: a seeded case, a step or a timed event using a rule not yet in force on its date (issue 16).

Every shipped pack passes; a pack that announces the 1964 Protocol's hours in 1963 (as permits-1963 once did),
seeds a 1964 meeting or a 1970 naturalisation in 1959, or switches to a regime before its date is caught, with
file, line and field; ``counterfactual: true`` on the pack or the event declares a what-if and is not reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cases.classroom.anachronisms import pack_anachronisms
from cases.classroom.packs import all_packs, parse_pack

BASE = """
slug: test-dates
title: Dates test
summary: A pack for the anachronism check.
start: {start}
regime: {regime}
procedures: [permit, meeting, naturalisation, authorization]
context:
  - {{text: Some background., source: D9}}
offices:
  - {{key: station, kind: border_station, name: Test Station, place: Helong}}
roles:
  - {{office: station, title: Station, brief: Take applications.}}
"""


def pack(tmp_path: Path, extra: str = "", start: str = "1959-03-02", regime: str = "1958_marriage"):
    text = BASE.format(start=start, regime=regime) + extra
    path = tmp_path / "test-dates.yaml"
    path.write_text(text, encoding="utf-8")
    return parse_pack(path, text)


@pytest.mark.parametrize("shipped", all_packs(), ids=lambda p: p.slug)
def test_no_shipped_pack_holds_an_anachronism(shipped):
    assert [str(p) for p in pack_anachronisms(shipped)] == []


def test_the_permits_1963_pack_announces_the_protocol_only_on_its_day():
    """PER-8: the D10 hours are announced on 9 June 1964, not on 1 October 1963."""
    permits = next(p for p in all_packs() if p.slug == "permits-1963")
    announcements = [e for e in permits.data["events"] if e["kind"] == "announce" and "PER-8" in e["source"]]
    assert announcements and all(str(e["at"]) >= "1964-06-09" for e in announcements)


def test_an_announcement_of_a_later_rule_is_caught_with_its_line(tmp_path):
    found = pack_anachronisms(pack(tmp_path, """events:
  - {at: 1963-10-01, kind: announce, label: Winter hours, text: "Open 09:00-16:00.", source: "D10 Art. 3(4) (PER-8)"}
""", start="1963-09-10", regime="1963_august"))
    assert found and all(p.field == "events[0].source" for p in found)
    assert any("PER-8 is not yet in force" in p.message for p in found) and found[0].line > 1


def test_a_seeded_meeting_before_the_protocol_and_a_regime_before_its_date_are_caught(tmp_path):
    found = pack_anachronisms(pack(tmp_path, """cases:
  - {kind: meeting, params: {}}
events:
  - {at: 1959-06-01, kind: switch_regime, label: Early, regime: 1962_correction}
  - {at: 1959-07-01, kind: seed_cases, label: More, cases: [{kind: naturalisation}]}
"""))
    messages = " | ".join(str(p) for p in found)
    assert "MEET-1 is not yet in force" in messages
    assert "24 March 1962 correction" in messages and "counterfactual" in messages
    assert "OTH-1 is not yet in force" in messages


def test_the_pack_regime_and_a_pre_1955_permit_are_caught(tmp_path):
    found = pack_anachronisms(pack(tmp_path, """cases:
  - {kind: permit, params: {category: resident}}
""", start="1955-03-01", regime="1964_protocol"))
    fields = {p.field for p in found}
    assert "regime" in fields and "cases[0].kind" in fields


def test_counterfactual_marks_a_what_if(tmp_path):
    extra = """events:
  - {at: 1959-06-01, kind: switch_regime, label: What if, regime: 1962_correction, counterfactual: true}
  - {at: 1959-07-01, kind: seed_cases, label: After, cases: [{kind: meeting}]}
"""
    assert pack_anachronisms(pack(tmp_path, extra)) == []  # the meeting falls under the what-if too
    assert pack_anachronisms(pack(tmp_path, "counterfactual: true\ncases:\n  - {kind: meeting}\n")) == []


def test_an_application_abroad_before_1970_is_caught_as_the_engine_refuses_it(tmp_path):
    """AUT-10: the seeder files an application abroad when an entry names a ``destination``; the check read
    only a ``purpose: abroad`` param (which no seeder uses), so a 1959 application to Hong Kong passed it and
    then was refused at load. It asks the engine's own function now (in_force.filing_blocker)."""
    entry = "cases:\n  - {kind: authorization, params: {applicant: Pae, destination: hong_kong}}\n"
    found = pack_anachronisms(pack(tmp_path, entry))
    assert [p.field for p in found] == ["cases[0].kind"] and "AUT-10 is not yet in force" in found[0].message
    assert pack_anachronisms(pack(tmp_path, entry, start="1970-08-19", regime="1970_state_council")) == []


def test_a_counterfactual_flag_on_seeded_cases_alone_does_not_excuse_them(tmp_path):
    """Only a counterfactual pack or regime switch makes the run a what-if (Exercise.counterfactual); case_open
    refuses a 1964 meeting seeded in 1959 otherwise, so the check reports it (it used to skip the event)."""
    found = pack_anachronisms(pack(tmp_path, """events:
  - {at: 1959-07-01, kind: seed_cases, label: Early, counterfactual: true, cases: [{kind: meeting}]}
"""))
    assert [p.field for p in found] == ["events[0].cases[0].kind"]


def test_a_historical_switch_marked_counterfactual_does_not_make_a_what_if(tmp_path):
    """regime_switch marks the exercise counterfactual only when the regime is early: a switch on its own date,
    flagged or not, leaves a 1964 meeting in 1963 an anachronism."""
    found = pack_anachronisms(pack(tmp_path, """events:
  - {at: 1963-08-08, kind: switch_regime, label: On time, regime: 1963_august, counterfactual: true}
  - {at: 1963-09-01, kind: seed_cases, label: Early, cases: [{kind: meeting}]}
""", start="1963-01-10", regime="1962_correction"))
    assert [p.field for p in found] == ["events[1].cases[0].kind"]


def test_a_pack_starting_under_a_regime_already_replaced_is_caught(tmp_path):
    """authorization-1961 started on 1 Nov 1960 under the 1957 line, which the October 1958 notification had
    replaced: the console offered its own regime as "counterfactual only" and refused a switch back to it."""
    found = pack_anachronisms(pack(tmp_path, start="1960-11-01", regime="1957_lenient"))
    assert [p.field for p in found] == ["regime"]
    assert "replaced on 18 Oct 1958" in found[0].message
    assert pack_anachronisms(pack(tmp_path, start="1960-11-01", regime="1958_marriage")) == []
    assert pack_anachronisms(pack(tmp_path, "counterfactual: true\n", start="1960-11-01", regime="1957_lenient")) == []
