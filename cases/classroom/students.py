"""Student logins in bulk, their offices (Membership), and what a role card says.

Role cards are built from the procedures themselves: an office's decisions are the steps whose
``meta.office`` is its kind, across every registered procedure, each with its rule citations.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from cases.engine import all_transitions, meta_of
from cases.errors import ApplicationError
from cases.models import Exercise, ExerciseEventKind, Membership, Office
from cases.permissions import grant_student
from cases.procedures import all_procedures
from cases.rules import Rule, get_rule
from cases.rules.in_force import exercise_rule_date, in_force
from cases.services.exercise_events import exercise_actor_check, exercise_event_record
from cases.wording import person_name
from config.hashers import class_password_hash

MAX_STUDENTS = 60
# Readable passwords for a printed login sheet: no 0/O, 1/l/I.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass
class StudentLogin:
    """What a login slip prints. ``password`` is '' once it is no longer known (it is stored hashed)."""

    username: str
    password: str
    display_name: str
    office: Office
    membership_id: int | None = None


class StudentBatch(list[StudentLogin]):
    """The logins :func:`students_create` made; ``unfiled`` says which of the pack's starting work for the new
    seats the rules now in force did not allow (:func:`cases.classroom.loader.class_top_up`)."""

    unfiled: list[str]

    def __init__(self) -> None:
        super().__init__()
        self.unfiled = []


def _new_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(10))


MAX_CSV_BYTES = 256 * 1024  # sixty names fit in a few kilobytes; anything near this is not a class list
MAX_NAME = 120
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting so as a formula
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_csv(data: bytes) -> str:
    """Return the text of an uploaded CSV: UTF-8 (with or without its BOM) or UTF-16 with its BOM.

    Anything else (Latin-1, UTF-16 without a BOM, a spreadsheet or an image) is refused with a message
    saying how to save the file, instead of being read as names full of replacement characters.
    """
    if len(data) > MAX_CSV_BYTES:
        raise ApplicationError(f"The file was not read: it is larger than {MAX_CSV_BYTES // 1024} KB; a class "
                               "list is a few kilobytes (save it as CSV UTF-8).")
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8):].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")  # the BOM says which byte order
        else:
            text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApplicationError("The file was not read: it is not UTF-8 text. Save it from the spreadsheet as "
                               "\"CSV UTF-8\" (or UTF-16 with a byte-order mark) and upload it again.") from exc
    if CONTROL.search(text):
        raise ApplicationError("The file was not read: it holds control characters, so it is not a UTF-8 CSV "
                               "of names (save it as \"CSV UTF-8\").")
    return text


def parse_names(text: str) -> list[str]:
    """Return the names of a CSV (one name per row, first column; a header 'name' is skipped).

    Line endings may be CRLF, LF or a bare CR. A name is at most 120 characters and holds no control
    characters; a cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) is refused,
    not cleaned, so that the teacher sees which row to correct. Raise ApplicationError naming the row.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    names = []
    reader = csv.reader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field past the csv module's limit, or a broken quote
            raise ApplicationError(f"The names were not read: row {reader.line_num}: a name is at most "
                                   f"{MAX_NAME} characters ({exc}).") from exc
        if not row or not row[0].strip():
            continue
        raw = row[0]
        name = raw.strip()
        if raw.lstrip(" ").startswith(FORMULA_STARTS):
            raise ApplicationError(f"The names were not read: row {reader.line_num} starts with "
                                   f"{raw.lstrip(' ')[:1]!r}, which a spreadsheet would run as a spreadsheet "
                                   "formula; correct that name.")
        if CONTROL.search(name):
            raise ApplicationError(f"The names were not read: row {reader.line_num} holds a control character.")
        if len(name) > MAX_NAME:
            raise ApplicationError(f"The names were not read: row {reader.line_num}: a name is at most "
                                   f"{MAX_NAME} characters.")
        if not names and name.lower() in {"name", "names", "student"}:
            continue
        names.append(name)
    return names


def role_slots(exercise: Exercise) -> list[Office]:
    """Return the offices students fill, in order, one entry per seat (from the pack's roles).

    Exercises not loaded from a pack seat one student per office, Chinese side first.
    """
    from cases.classroom.loader import pack_context

    pack, ctx = pack_context(exercise)
    if pack is None:
        return list(exercise.offices.order_by("side", "id"))
    return [ctx.offices[key] for key in pack.role_seats() if key in ctx.offices]


def students_create(*, exercise: Exercise, actor: Any, count: int = 0, names: list[str] | None = None,
                    prefix: str = "") -> StudentBatch:
    """Create student logins (a count, or one per name) and seat them in offices, filling role slots in order.

    Students beyond the slots are spread again over the slots' offices (several clerks per office).
    Passwords are random and shown once, for the printed login sheet.
    """
    exercise_actor_check(exercise=exercise, actor=actor, doing="create its students")
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
    out = StudentBatch()
    with transaction.atomic():
        number = 1
        for i in range(total):
            while user_model.objects.filter(username=f"{stem}-{number:02d}").exists():
                number += 1
            username = f"{stem}-{number:02d}"
            number += 1
            password = _new_password()
            # Numbered after the students already seated, so a second batch does not repeat "Student 1".
            display = names[i] if names else f"Student {taken + i + 1}"
            # The whole name as the "first name": the admin greets a user by it (``get_short_name``), and a
            # name's first word is the family name as often as not ("Li Wei", "Kim Min-ji").
            user = user_model(username=username, first_name=display[:150], last_name="", is_staff=True)
            user.password = class_password_hash(password)  # generated and random: config/hashers.py
            user.save()
            grant_student(user)
            office = slots[(taken + i) % len(slots)]
            membership = Membership.objects.create(exercise=exercise, user=user, office=office)
            out.append(StudentLogin(username, password, display, office, membership.pk))
        exercise_event_record(exercise=exercise, actor=actor, kind=ExerciseEventKind.STUDENTS_CREATE,
                              summary=f"Created {len(out)} student login(s).",
                              data={"logins": [s.username for s in out]})
        # A class larger than the pack was loaded for gets the new seats' work (cases.classroom.loader).
        from cases.classroom.loader import class_top_up

        out.unfiled = class_top_up(exercise=exercise, actor=actor, students=taken + len(out)).unfiled
    return out


def student_logins(exercise: Exercise) -> list[StudentLogin]:
    """Return a slip for every student of the exercise, without passwords (only their hashes are kept)."""
    return [StudentLogin(m.user.get_username(), "", person_name(m.user), m.office, m.pk)
            for m in Membership.objects.filter(exercise=exercise, is_facilitator=False, office__isnull=False)
            .select_related("user", "office").order_by("office__side", "office_id", "user__username")]


def student_password_reset(*, exercise: Exercise, actor: Any, membership_id: int) -> StudentLogin:
    """Give one student of the exercise a new random password and return their slip (shown once).

    The login's lock after wrong tries is lifted with it: the new slip works at once.

    Only a student's place in this exercise can be reset: a facilitator's, another exercise's or a
    teacher's login is refused, so the action cannot take over anyone else's account.
    """
    exercise_actor_check(exercise=exercise, actor=actor, doing="reset its students' passwords")
    membership = (Membership.objects.filter(pk=membership_id, exercise=exercise, is_facilitator=False,
                                            office__isnull=False, user__is_superuser=False)
                  .select_related("user", "office").first())
    if membership is None:
        raise ApplicationError("That student is not part of this exercise; no password was changed.")
    user = membership.user
    password = _new_password()
    with transaction.atomic():
        user.password = class_password_hash(password)  # generated and random, as in students_create
        user.save(update_fields=["password"])
        # Forget the login's failed tries from every address: a student locked out (django-axes) logs in
        # with the new slip at once.
        axes_reset(username=user.get_username())
        exercise_event_record(exercise=exercise, actor=actor, kind=ExerciseEventKind.PASSWORD_RESET,
                              summary=f"Reset the password of {person_name(user)} "
                                      f"({user.get_username()}).",
                              data={"membership": membership.pk, "login": user.get_username()})
    return StudentLogin(user.get_username(), password, person_name(user),
                        membership.office, membership.pk)


def named_student(user: Any) -> str:
    """Name a student in the console's messages and history: their name, and the login when it is another."""
    name, login = person_name(user), user.get_username()
    return name if name == login else f"{name} ({login})"


def membership_assign(*, exercise: Exercise, actor: Any, membership_id: int, office_id: int) -> Membership:
    """Move a student to another office of the same exercise."""
    exercise_actor_check(exercise=exercise, actor=actor, doing="assign its offices")
    try:
        membership = Membership.objects.get(pk=membership_id, exercise=exercise, is_facilitator=False)
        office = Office.objects.get(pk=office_id, exercise=exercise)
    except (Membership.DoesNotExist, Office.DoesNotExist) as exc:
        raise ApplicationError("That student or office is not part of this exercise.") from exc
    with transaction.atomic():
        was = membership.office
        membership.office = office
        membership.save(update_fields=["office"])
        exercise_event_record(exercise=exercise, actor=actor, kind=ExerciseEventKind.MEMBERSHIP_ASSIGN,
                              summary=f"{named_student(membership.user)} moved from {was} to {office}.",
                              data={"membership": membership.pk, "from": was.pk if was else None, "to": office.pk})
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


def decisions_of(office_kind: str, kinds: set[str] | None = None, on: dt.date | None = None) -> list[Decision]:
    """Return every step an office of this kind takes, across the registered procedures (or ``kinds`` only).

    With ``on`` (the date the exercise's rules are read on), only the steps possible on that date: a step whose
    ``requires`` rules are not all in force is left out (the station's own permit issue after the 1964 Protocol),
    and a step cites its dated rules only while in force (as :meth:`StepMeta.rules_for` does on a case).
    """
    out = []
    for proc in all_procedures():
        if kinds is not None and proc.kind not in kinds:
            continue
        for t in all_transitions(proc.model):
            meta = meta_of(t)
            if meta.office != office_kind:
                continue
            if on is not None and not all(in_force(r, on) for r in meta.requires):
                continue
            if any(d.label == meta.label and d.procedure == proc.label for d in out):
                continue  # a step declared from several source states appears once
            rules = meta.all_rules if on is None else meta.rules_where(lambda r: in_force(r, on))
            out.append(Decision(proc.label, meta.label, [get_rule(r) for r in rules], meta.assumption))
    return out


def office_rules_of(office_kind: str, kinds: set[str] | None = None, on: dt.date | None = None) -> list[Rule]:
    """Return the rules that bind an office of this kind with no step of its own (a procedure's ``OFFICE_RULES``:
    the commune's introduction letters, PER-4), only those in force on ``on`` when given."""
    out = []
    for proc in all_procedures():
        if kinds is not None and proc.kind not in kinds:
            continue
        for r in getattr(proc.model, "OFFICE_RULES", {}).get(office_kind, ()):
            if on is None or in_force(r, on):
                out.append(get_rule(r))
    return out


def played_kinds(exercise: Exercise) -> set[str] | None:
    """Return the procedures played in the exercise: its pack's and any kind a case of it has (None: no pack)."""
    from cases.classroom.loader import pack_context

    pack, _ctx = pack_context(exercise)
    if pack is None:
        return None
    return set(pack.procedures) | set(exercise.cases.order_by().values_list("kind", flat=True).distinct())


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
        holders.setdefault(m.office_id, []).append(person_name(m.user))
    # A card lists the steps of the procedures played in this exercise only: the pack's procedures and
    # any kind a case of the exercise has (cases that a step opens in another procedure), so that the
    # marriage pack's county bureau card does not list the permit and authorization steps.
    kinds = played_kinds(exercise)
    on = exercise_rule_date(exercise)  # the steps and rules in force on the exercise's date (a what-if: its regime's)
    cards = []
    for office in exercise.offices.order_by("side", "id"):
        role = roles.get(office.pk, {})
        decisions = decisions_of(office.kind, kinds, on)
        rules: dict[str, Rule] = {}
        for d in decisions:
            for r in d.rules:
                rules.setdefault(r.id, r)
        for r in office_rules_of(office.kind, kinds, on):
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
