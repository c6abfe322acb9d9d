"""Anachronisms in a scenario pack: a seeded case, a step or a timed event that uses a rule not yet in force.

``pack_anachronisms(pack)`` reads the pack against the dated rules of cases/rules/in_force.py: the regime it
starts under and every regime switch must be in force on their dates; every case it seeds (at the start or
in a timed event) must be filable then (the procedure's document, e.g. the 1964 Protocol for meetings, the
1970 opinions for naturalisation); every step a case entry takes must have its required rules in force; and
an announcement may not cite a rule or document dated after it (the ``permits-1963`` pack once announced
the 1964 Protocol's crossing hours on 1 October 1963). A pack, or a regime switch, marked
``counterfactual: true`` is a declared what-if and is not reported; seeded cases are checked with the
engine's own function (``case_open`` refuses what this reports), so a ``seed_cases`` event's own flag does
not excuse them. Problems carry the file, line and field, like the schema's.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cases.classroom.packs import Pack, PackProblem, parse_date
from cases.regimes import get_regime, superseded_by
from cases.rules.in_force import (
    DOCUMENTS,
    RULE_DATES,
    calendar_date,
    filing_blocker,
    not_in_force_message,
    regime_from,
)
from cases.wording import short_date

RULE_ID = re.compile(r"\b(?:MAR|AUT|PER|RET|MEET|OTH)-\d+\b")
DOC_ID = re.compile(r"\b(D1[01]|D[1-9]|E1961|R1959)\b")


def _regime_problem(code: str, on: dt.date) -> str:
    regime = get_regime(code)
    if regime_from(code) > on:
        return (f"{regime.label} ({regime.citation}) comes into force on {short_date(regime.effective)}, after "
                f"{short_date(on)}; mark the pack or the event 'counterfactual: true' if it is a what-if.")
    if by := superseded_by(regime, on):
        # The console would offer it as "counterfactual only" and refuse a switch back to it (regime_switch).
        return (f"{regime.label} ({regime.citation}) was replaced on {short_date(by.effective)} by the {by.label}, "
                f"before {short_date(on)}; start under the {by.label}, or mark the pack 'counterfactual: true'.")
    return ""


def _case_fields(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return the case fields a pack entry's seeder would set that add dated rules (in_force.FIELD_RULES).

    The authorization seeder files an application abroad when the entry names a ``destination``, a letter for
    its ``purpose`` otherwise (cases/classroom/seeding.py); every other field is the param of that name.
    """
    fields = dict(params)
    if kind == "authorization":
        fields["variant"] = "abroad" if "destination" in params else str(params.get("purpose", "settle"))
    return fields


def _step_rules(kind: str, step: Any) -> tuple[str, ...]:
    """Return the rules a case entry's step requires (declared with ``requires=``)."""
    from cases.engine import step_named
    from cases.procedures import get_procedure

    name = step if isinstance(step, str) else step.get("step", "")
    try:
        model = get_procedure(kind).model
    except (KeyError, LookupError):
        return ()
    meta = step_named(model, name)
    return meta.requires if meta is not None else ()


def _cited_problems(text: str, on: dt.date) -> list[str]:
    out = []
    for rule_id in sorted(set(RULE_ID.findall(text))):
        if rule_id in RULE_DATES and (why := not_in_force_message(rule_id, on)) and RULE_DATES[rule_id].start > on:
            out.append(why)
    for code in sorted(set(DOC_ID.findall(text))):
        doc = DOCUMENTS.get(code)
        if doc is not None and doc.effective > on:
            out.append(f"{doc.citation} is not yet in force on {short_date(on)}.")
    return out


def pack_anachronisms(pack: Pack) -> list[PackProblem]:
    """Return every seeded case, step or timed event of ``pack`` that uses a rule not yet in force on its date."""
    data = pack.data
    if data.get("counterfactual"):
        return []
    problems: list[PackProblem] = []
    start = calendar_date(pack.start)
    if why := _regime_problem(data["regime"], start):
        problems.append(pack.problem(("regime",), why))
    switches = sorted(
        (calendar_date(parse_date(e["at"])), e["regime"], bool(e.get("counterfactual")))
        for e in data.get("events", []) if e.get("kind") == "switch_regime" and e.get("regime")
    )

    def regime_on(day: dt.date) -> tuple[str, bool]:
        code, what_if = data["regime"], False
        for at, regime, counterfactual in switches:
            if at <= day:  # once a what-if, always one: regime_switch marks the
                # exercise counterfactual when the regime is early, and never clears it
                code, what_if = regime, what_if or (counterfactual and regime_from(regime) > at)
        return code, what_if

    def check_case(path: tuple[Any, ...], entry: dict[str, Any], day: dt.date) -> None:
        _regime, what_if = regime_on(day)
        if what_if:
            return
        params = entry.get("params", {}) or {}
        if params.get("regime") and (why := _regime_problem(str(params["regime"]), day)):
            problems.append(pack.problem((*path, "params", "regime"), why))
        # The engine's own check (case_open asks the same function on the exercise's date).
        if found := filing_blocker(entry["kind"], _case_fields(entry["kind"], params), day):
            problems.append(pack.problem((*path, "kind"), f"a {entry['kind']} case on {short_date(day)}: {found[1]}"))
        for i, step in enumerate(entry.get("steps", []) or []):
            for rule_id in _step_rules(entry["kind"], step):
                if why := not_in_force_message(rule_id, day):
                    problems.append(pack.problem((*path, "steps", i), why))

    for i, entry in enumerate(data.get("cases", [])):
        check_case(("cases", i), entry, start)
    for ei, event in enumerate(data.get("events", [])):
        day = calendar_date(parse_date(event["at"]))
        # A counterfactual regime switch makes the run a what-if (regime_switch marks the exercise); a
        # counterfactual flag on seeded cases does not, and the engine files them only in a what-if run.
        if event.get("counterfactual") and event.get("kind") != "seed_cases":
            continue
        if event.get("kind") == "switch_regime" and (why := _regime_problem(event["regime"], day)):
            problems.append(pack.problem(("events", ei, "regime"), why))
        if event.get("kind") == "announce":
            text = " ".join(str(event.get(k, "")) for k in ("label", "text", "source"))
            problems += [pack.problem(("events", ei, "source"), why) for why in _cited_problems(text, day)]
        for ci, entry in enumerate(event.get("cases", []) or []):
            check_case(("events", ei, "cases", ci), entry, day)
    return problems
