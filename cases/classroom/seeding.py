"""Seeding hooks: how a pack's case entry becomes a case, one function per procedure kind.

``SEEDERS[kind](ctx, params, index)`` files one case through that procedure's own service and
returns it. The loader then takes the entry's ``steps`` through ``case_transition(system=True)``,
so seeded cases reach later states only by the procedure's own steps. The lead registers the hooks
of the procedures merged later (authorization, permit, crosser, meeting ...) with
:func:`register_seeder`; packs that need a missing hook are listed as unavailable, not broken.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cases.errors import ApplicationError
from cases.models import Case, Exercise, Office, Person


@dataclass
class SeedContext:
    """What a seeding hook may use: the exercise, its offices and people by pack key, a seeded RNG."""

    exercise: Exercise
    offices: dict[str, Office]
    people: dict[str, Person]
    rng: random.Random = field(default_factory=lambda: random.Random(0))

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

        In a mapping, ``{n}`` in the name is replaced by the entry's running number, so that one
        entry with ``count: 60`` creates sixty distinct applicants.
        """
        if isinstance(value, str):
            if value not in self.people:
                raise ApplicationError(f"no person with key {value!r} in this pack")
            return self.people[value]
        if isinstance(value, dict) and "name" in value:
            attrs = {k: v for k, v in value.items() if k in {
                "sex", "nationality", "occupation", "employer", "residence", "birth_year", "previously_married"}}
            return Person.objects.create(exercise=self.exercise, name=number(value["name"], index), **attrs)
        raise ApplicationError("a person is named by a pack key or given as a mapping with a name")


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
SEEDERS: dict[str, Seeder] = {}


def register_seeder(kind: str) -> Callable[[Seeder], Seeder]:
    """Register the seeding hook of a procedure kind (the lead adds one per merged procedure)."""

    def decorate(func: Seeder) -> Seeder:
        SEEDERS[kind] = func
        return func

    return decorate


@register_seeder("marriage")
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


# Hooks of procedures from other branches register themselves when their services are importable.
from cases.classroom import seeding_more, seeding_returns  # noqa: E402,F401
