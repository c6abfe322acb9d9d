"""Student logins in bulk, their offices (Membership), and what a role card says.

Role cards are built from the procedures themselves: an office's decisions are the steps whose
``meta.office`` is its kind, across every registered procedure, each with its rule citations.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify

from cases.engine import all_transitions, meta_of
from cases.errors import ApplicationError
from cases.models import Exercise, Membership, Office
from cases.procedures import all_procedures
from cases.rules import Rule, get_rule
from config.hashers import class_password_hash

MAX_STUDENTS = 60
# Readable passwords for a printed login sheet: no 0/O, 1/l/I.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass
class StudentLogin:
    username: str
    password: str
    display_name: str
    office: Office


def parse_names(text: str) -> list[str]:
    """Return the names of a CSV (one name per row, first column; a header 'name' is skipped)."""
    names = []
    for row in csv.reader(io.StringIO(text)):
        if not row or not row[0].strip():
            continue
        name = row[0].strip()
        if not names and name.lower() in {"name", "names", "student"}:
            continue
        names.append(name[:120])
    return names


def classroom_student_group() -> Group:
    """Return the students' group with the view (and file) permissions of every procedure's pages.

    The demo builders grant these one procedure at a time; a pack loaded on a fresh install (``migrate``
    then ``load_scenario``, without the demo) must not leave its students facing "permission denied"
    on the permit, authorization, returns or meeting cases of their inbox.
    """
    from cases.demo_authorization import STUDENT_CODENAMES as AUTHORIZATION_CODENAMES
    from cases.demo_meeting import STUDENT_CODENAMES as MEETING_CODENAMES
    from cases.demo_returns import RETURNS_MODELS
    from permits.demo import permit_student_group

    group = permit_student_group()  # the marriage and base permissions, and the permits app's
    returns = [f"{action}_{model}" for model in RETURNS_MODELS for action in ("view", "add")]
    group.permissions.add(*Permission.objects.filter(
        content_type__app_label="cases", codename__in=[*AUTHORIZATION_CODENAMES, *MEETING_CODENAMES, *returns]))
    return group


def role_slots(exercise: Exercise) -> list[Office]:
    """Return the offices students fill, in order, one entry per seat (from the pack's roles).

    Exercises not loaded from a pack seat one student per office, Chinese side first.
    """
    from cases.classroom.loader import pack_context

    pack, ctx = pack_context(exercise)
    if pack is None:
        return list(exercise.offices.order_by("side", "id"))
    slots: list[Office] = []
    for role in pack.data["roles"]:
        office = ctx.offices.get(role["office"])
        if office is not None:
            slots += [office] * int(role.get("seats", 1))
    return slots


def students_create(*, exercise: Exercise, actor: Any, count: int = 0, names: list[str] | None = None,
                    prefix: str = "") -> list[StudentLogin]:
    """Create student logins (a count, or one per name) and seat them in offices, filling role slots in order.

    Students beyond the slots are spread again over the slots' offices (several clerks per office).
    Passwords are random and shown once, for the printed login sheet.
    """
    names = [n for n in (names or []) if n.strip()]
    if names and count:
        raise ApplicationError("Give either a number of students or a list of names, not both.")
    total = len(names) or count
    if isinstance(total, bool) or not isinstance(total, int) or total < 1:
        raise ApplicationError("Create at least one student.")
    if total > MAX_STUDENTS:
        raise ApplicationError(f"At most {MAX_STUDENTS} students at a time.")
    slots = role_slots(exercise)
    if not slots:
        raise ApplicationError("This exercise has no offices to seat students in.")
    stem = slugify(prefix or exercise.name)[:20].strip("-") or "student"
    user_model = get_user_model()
    taken = Membership.objects.filter(exercise=exercise, office__isnull=False).count()
    out: list[StudentLogin] = []
    with transaction.atomic():
        group = classroom_student_group()
        number = 1
        for i in range(total):
            while user_model.objects.filter(username=f"{stem}-{number:02d}").exists():
                number += 1
            username = f"{stem}-{number:02d}"
            number += 1
            password = "".join(secrets.choice(ALPHABET) for _ in range(10))
            # Numbered after the students already seated, so a second batch does not repeat "Student 1".
            display = names[i] if names else f"Student {taken + i + 1}"
            first, _, last = display.partition(" ")
            user = user_model(username=username, first_name=first[:150], last_name=last[:150], is_staff=True)
            user.password = class_password_hash(password)  # generated and random: config/hashers.py
            user.save()
            user.groups.add(group)
            office = slots[(taken + i) % len(slots)]
            Membership.objects.create(exercise=exercise, user=user, office=office)
            out.append(StudentLogin(username, password, display, office))
    return out


def membership_assign(*, exercise: Exercise, actor: Any, membership_id: int, office_id: int) -> Membership:
    """Move a student to another office of the same exercise."""
    try:
        membership = Membership.objects.get(pk=membership_id, exercise=exercise, is_facilitator=False)
        office = Office.objects.get(pk=office_id, exercise=exercise)
    except (Membership.DoesNotExist, Office.DoesNotExist) as exc:
        raise ApplicationError("That student or office is not part of this exercise.") from exc
    membership.office = office
    membership.save(update_fields=["office"])
    return membership


@dataclass
class Decision:
    """One step an office takes, as a role card lists it."""

    procedure: str
    label: str
    rules: list[Rule]
    assumption: str = ""


@dataclass
class RoleCard:
    office: Office
    title: str
    brief: str
    holders: list[str]
    decisions: list[Decision] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)


def decisions_of(office_kind: str, kinds: set[str] | None = None) -> list[Decision]:
    """Return every step an office of this kind takes, across the registered procedures (or ``kinds`` only)."""
    out = []
    for proc in all_procedures():
        if kinds is not None and proc.kind not in kinds:
            continue
        for t in all_transitions(proc.model):
            meta = meta_of(t)
            if meta.office != office_kind:
                continue
            if any(d.label == meta.label and d.procedure == proc.label for d in out):
                continue  # a step declared from several source states appears once
            out.append(Decision(proc.label, meta.label, [get_rule(r) for r in meta.rules], meta.assumption))
    return out


def role_cards(exercise: Exercise) -> list[RoleCard]:
    """Return a role card per office of the exercise: who, what they decide, which rules, who holds it."""
    from cases.classroom.loader import pack_context

    pack, ctx = pack_context(exercise)
    roles = {}
    if pack is not None:
        by_key = {r["office"]: r for r in pack.data["roles"]}
        roles = {ctx.offices[k].pk: r for k, r in by_key.items() if k in ctx.offices}
    holders: dict[int, list[str]] = {}
    for m in Membership.objects.filter(exercise=exercise, office__isnull=False).select_related("user"):
        holders.setdefault(m.office_id, []).append(m.user.get_full_name() or m.user.username)
    # A card lists the steps of the procedures played in this exercise only: the pack's procedures and
    # any kind a case of the exercise has (cases that a step opens in another procedure), so that the
    # marriage pack's county bureau card does not list the permit and authorization steps.
    kinds: set[str] | None = None
    if pack is not None:
        kinds = set(pack.procedures) | set(exercise.cases.order_by().values_list("kind", flat=True).distinct())
    cards = []
    for office in exercise.offices.order_by("side", "id"):
        role = roles.get(office.pk, {})
        decisions = decisions_of(office.kind, kinds)
        rules: dict[str, Rule] = {}
        for d in decisions:
            for r in d.rules:
                rules.setdefault(r.id, r)
        cards.append(RoleCard(
            office=office,
            title=role.get("title", office.get_kind_display()),
            brief=role.get("brief", ""),
            holders=holders.get(office.pk, []),
            decisions=decisions,
            rules=sorted(rules.values(), key=lambda r: _rule_key(r.id)),
        ))
    return cards


def _rule_key(rule_id: str) -> tuple[str, int]:
    prefix, _, number = rule_id.partition("-")
    return prefix, int(number) if re.fullmatch(r"\d+", number) else 0
