"""Seeding hooks: how a pack's case entry becomes a case, one function per procedure of the cases app.

A seeder ``(ctx, params, index)`` files one case through its procedure's own service and returns it;
each procedure names its seeder in its registration (``seeder=`` of
:func:`cases.procedures.register_procedure`; the permit procedure's lives in ``permits.classroom``).
The loader then takes the entry's ``steps`` through ``case_transition(system=True)``, so seeded cases
reach later states only by the procedure's own steps. Packs that need a procedure without a seeder
are listed as unavailable, not broken.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cases.classroom.names import pick_name
from cases.errors import ApplicationError
from cases.models import Case, Exercise, Office, Person

PERSON_FIELDS = frozenset({"sex", "nationality", "occupation", "employer", "residence", "birth_year",
                           "previously_married"})


@dataclass
class SeedContext:
    """What a seeding hook may use: the exercise, its offices and people by pack key, a seeded RNG."""

    exercise: Exercise
    offices: dict[str, Office]
    people: dict[str, Person]
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    # Students per office key for the class the exercise was loaded (or topped up) for: ``per_seat``
    # entries file this many times their ``cases`` (cases.classroom.packs.entry_count).
    seats: Counter[str] = field(default_factory=Counter)
    # Names already used in the exercise, so that a picked fictional name is never given twice.
    taken: set[str] = field(default_factory=set)

    def office(self, key: Any, *, kind: str | None = None) -> Office:
        """Return the office a param names (by pack key), or the exercise's office of ``kind``."""
        if key is None and kind is not None:
            found = next((o for o in self.offices.values() if o.kind == kind), None)
            if found is not None:
                return found
        if key not in self.offices:
            raise ApplicationError(f"no office with key {key!r} in this pack")
        return self.offices[key]

    def person(self, value: Any, index: int) -> Person:
        """Return the person a param names: a pack key, or a mapping that creates one.

        A mapping without ``name`` gets a fictional name of the region and period, picked with the
        seeded RNG (:mod:`cases.classroom.names`: Chinese for Han Chinese, Korean for Koreans), never one
        the exercise already has, so that one entry with ``count: 60`` creates sixty distinct people and a
        load repeats exactly. In a mapping with a ``name``, ``{n}`` is replaced by the running number.
        """
        if isinstance(value, str):
            if value not in self.people:
                raise ApplicationError(f"no person with key {value!r} in this pack")
            return self.people[value]
        if isinstance(value, dict) and "name" in value:
            attrs = {k: v for k, v in value.items() if k in PERSON_FIELDS}
            return Person.objects.create(exercise=self.exercise, name=number(value["name"], index), **attrs)
        if isinstance(value, dict):
            attrs = {k: v for k, v in value.items() if k in PERSON_FIELDS}
            name = pick_name(self.rng, sex=str(attrs.get("sex", "")), nationality=str(attrs.get("nationality", "")),
                             taken=self.taken)
            return Person.objects.create(exercise=self.exercise, name=name, **attrs)
        raise ApplicationError("a person is named by a pack key or given as a mapping of their details")


def number(value: Any, index: int) -> Any:
    """Replace ``{n}`` with the entry's running number (1, 2, ...) in every string of a param value."""
    if isinstance(value, str):
        return value.replace("{n}", str(index + 1))
    if isinstance(value, dict):
        return {k: number(v, index) for k, v in value.items()}
    if isinstance(value, list):
        return [number(v, index) for v in value]
    return value


Seeder = Callable[[SeedContext, dict[str, Any], int], Case]


@dataclass(frozen=True)
class Built:
    """A checked, unsaved case a builder made, and how it is filed: the office kind and the rules."""

    case: Case
    office_kind: str
    rules: tuple[str, ...]
    note: str


# A builder (ctx, params, index) -> Built, or None when these params need the seeder's own service: the
# loader files an entry of many cases built so with one bulk filing (cases.services.bulk_open).
Builder = Callable[[SeedContext, dict[str, Any], int], Built | None]


def seeder_for(kind: str) -> Seeder | None:
    """Return the seeding hook the procedure ``kind`` registered, or None."""
    from cases.procedures import find_procedure

    proc = find_procedure(kind)
    return proc.seeder if proc is not None else None


def seed_marriage(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """File a marriage application through ``marriage_file`` (MAR-0 variant or D2 per the params)."""
    from cases.services.marriage import marriage_file

    known = {"man", "woman", "work_unit", "variant", "note", "copies", "woman_crossed_illegally",
             "woman_has_work_in_dprk", "man_can_find_work_in_dprk"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ApplicationError(f"unknown marriage param(s): {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
    for needed in ("man", "woman"):
        if needed not in params:
            raise ApplicationError(f"a marriage case needs '{needed}'")
    return marriage_file(
        exercise=ctx.exercise,
        man=ctx.person(params["man"], index),
        woman=ctx.person(params["woman"], index),
        work_unit=ctx.office(params.get("work_unit"), kind="work_unit"),
        actor=None,
        variant=params.get("variant", ""),
        copies=int(params.get("copies", 2)),
        woman_crossed_illegally=bool(params.get("woman_crossed_illegally", False)),
        woman_has_work_in_dprk=bool(params.get("woman_has_work_in_dprk", False)),
        man_can_find_work_in_dprk=bool(params.get("man_can_find_work_in_dprk", False)),
        note=str(params.get("note", "")),
    )


def seed_authorization(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """Record a DPRK "authorization letter" to a person in China (AUT-1), or, with ``destination``,
    an application to go elsewhere abroad (AUT-10)."""
    from cases.services.authorization import authorization_issue_letter

    if "applicant" not in params:
        raise ApplicationError("an authorization case needs 'applicant'")
    if "destination" in params:
        from cases.services.authorization import authorization_apply_abroad

        return authorization_apply_abroad(
            exercise=ctx.exercise, applicant=ctx.person(params["applicant"], index),
            destination=str(params["destination"]), actor=None,
            reason_for_travel=str(params.get("reason_for_travel", "")), note=str(params.get("note", "")),
        )
    return authorization_issue_letter(
        exercise=ctx.exercise, applicant=ctx.person(params["applicant"], index),
        letter_number=str(params.get("letter_number", f"KP-{index + 1}")), actor=None,
        purpose=str(params.get("purpose", "settle")),
        inviting_relative=str(params.get("inviting_relative", "")),
        reason_for_travel=str(params.get("reason_for_travel", "")),
        kpa_officer_family=bool(params.get("kpa_officer_family", False)),
        relative_of_dprk_cadre=bool(params.get("relative_of_dprk_cadre", False)),
        note=str(params.get("note", "")),
    )


def build_authorization(ctx: SeedContext, params: dict[str, Any], index: int) -> Built | None:
    """Build (unsaved) the case ``seed_authorization`` would file for a letter (AUT-1); None for AUT-10."""
    from cases.choices import OfficeKind
    from cases.services.authorization import authorization_letter_build

    if "applicant" not in params:
        raise ApplicationError("an authorization case needs 'applicant'")
    if "destination" in params:
        return None
    case, rules = authorization_letter_build(
        exercise=ctx.exercise, applicant=ctx.person(params["applicant"], index),
        letter_number=str(params.get("letter_number", f"KP-{index + 1}")),
        purpose=str(params.get("purpose", "settle")),
        inviting_relative=str(params.get("inviting_relative", "")),
        reason_for_travel=str(params.get("reason_for_travel", "")),
        kpa_officer_family=bool(params.get("kpa_officer_family", False)),
        relative_of_dprk_cadre=bool(params.get("relative_of_dprk_cadre", False)),
    )
    return Built(case, OfficeKind.DPRK_SAFETY, rules, str(params.get("note", "")))


def build_crosser(ctx: SeedContext, params: dict[str, Any], index: int) -> Built | None:
    """Build (unsaved) the case ``seed_crosser`` would file (RET-5 from D10, before it RET-1 or RET-2)."""
    from cases.services.crosser import crosser_build

    if "person" not in params:
        raise ApplicationError("a crosser case needs 'person'")
    case, office = crosser_build(**_crosser_args(ctx, params, index))
    return Built(case, office, case.filing_rules(), str(params.get("note", "")))


def builder_for(seeder: Seeder) -> Builder | None:
    """Return the bulk builder of a seeding hook, if it has one."""
    return BUILDERS.get(seeder)


def seed_crosser(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """Open an illegal-crosser case from an interception or a notification (RET-5)."""
    from cases.services.crosser import crosser_report

    if "person" not in params:
        raise ApplicationError("a crosser case needs 'person'")
    return crosser_report(**_crosser_args(ctx, params, index), actor=None, note=str(params.get("note", "")))


def _crosser_args(ctx: SeedContext, params: dict[str, Any], index: int) -> dict[str, Any]:
    return {
        "exercise": ctx.exercise, "person": ctx.person(params["person"], index),
        "direction": str(params.get("direction", "inbound")), "source": str(params.get("source", "interception")),
        "crossing_place": str(params.get("crossing_place", "")),
        "source_reference": str(params.get("source_reference", "")),
        "crossed_at": (ctx.exercise.clock - dt.timedelta(days=int(params["crossed_days_ago"]))
                       if "crossed_days_ago" in params else None),
        "returned_from_dprk": bool(params.get("returned_from_dprk", False)),
        "settled_by_dprk": bool(params.get("settled_by_dprk", False)),
        "wants_to_return": bool(params.get("wants_to_return", False)),
    }


def seed_meeting(ctx: SeedContext, params: dict[str, Any], index: int) -> Case:
    """Ask the other side for a meeting, ``scheduled_in_days`` after the clock (MEET-1, MEET-2)."""
    from cases.models import Representative
    from cases.services.meeting import meeting_request, representative_appoint

    for needed in ("place", "subject"):
        if needed not in params:
            raise ApplicationError(f"a meeting case needs '{needed}'")
    # The pack names the representatives who meet; appoint those the exercise does not have yet.
    for rep in params.get("representatives", []):
        if not Representative.objects.filter(exercise=ctx.exercise, name=rep.get("name", "")).exists():
            representative_appoint(exercise=ctx.exercise, side=str(rep.get("side", "")),
                                   rank=str(rep.get("rank", "")), name=str(rep.get("name", "")),
                                   area=str(rep.get("area", "")))
    return meeting_request(
        exercise=ctx.exercise, actor=None, kind=str(params.get("kind", "meeting")),
        requesting_side=str(params.get("requesting_side", "CN")),
        scheduled_for=ctx.exercise.clock + dt.timedelta(days=int(params.get("scheduled_in_days", 15))),
        place=str(params["place"]), subject=str(params["subject"]),
        emergency=bool(params.get("emergency", False)),
        emergency_agreed=bool(params.get("emergency_agreed", False)),
        note=str(params.get("note", "")),
    )


BUILDERS: dict[Seeder, Builder] = {seed_authorization: build_authorization, seed_crosser: build_crosser}
