"""Scenario packs: YAML files in ``cases/scenarios/``, parsed and validated with line numbers.

A pack is data: start date, regime, offices, role slots, people, seeded cases and timed events.
Validation has two layers, both reporting ``file:line: field: message``:

1. the JSON Schema of :mod:`cases.classroom.schema` (jsonschema), whose error paths are mapped back
   to the line of the YAML node they name;
2. cross-references the schema cannot express (office keys named by roles, unique keys, a seeding
   hook for every case kind), checked here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jsonschema import Draft202012Validator

from cases.classroom.debrief_questions import question_problems
from cases.classroom.schema import PACK_SCHEMA

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
BEIJING = ZoneInfo("Asia/Shanghai")
MAX_PACK_BYTES = 512 * 1024  # the shipped packs are under 10 KB; the cap is checked before any parsing
MAX_DEPTH = 32  # nesting of mappings and lists; the shipped packs go six deep
MAX_ALIASES = 0  # packs use no YAML anchors/aliases; refusing them rules out "billion laughs" expansion
MAX_NAME = 120  # an exercise's name (Exercise.name)

PathT = tuple[str | int, ...]


class PackLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as strings, so that the schema (not YAML) decides what a date is."""


PackLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class PackProblem:
    """One thing wrong with a pack, where it is."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field or '(top level)'}: {self.message}"


class PackError(Exception):
    """A pack that cannot be loaded; ``problems`` lists every error found, with file and line."""

    def __init__(self, problems: list[PackProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _field_name(path: PathT) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(root: yaml.Node | None, path: PathT) -> int:
    """Return the 1-based line of the YAML node at ``path`` (or of its nearest existing parent)."""
    node = root
    line = 1 if root is None else root.start_mark.line + 1
    for part in path:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    nxt = value_node
                    line = key_node.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
            line = nxt.start_mark.line + 1
        if nxt is None:
            break
        node = nxt
    return line


def parse_date(value: str) -> dt.datetime:
    """Return a pack date (``1958-09-01`` or ``1958-09-01 09:00``) as an aware Beijing datetime."""
    if len(value) == 10:
        return dt.datetime.fromisoformat(value + " 09:00").replace(tzinfo=BEIJING)
    return dt.datetime.fromisoformat(value.replace(" ", "T")).replace(tzinfo=BEIJING)


CLASS_MIN = 5  # the class sizes a pack suits unless it says otherwise (``class_sizes``)
CLASS_MAX = 40


def entry_count(entry: dict[str, Any], seats: Counter[str]) -> int:
    """Return how many cases a pack entry files for a class seated as ``seats`` (office key -> students).

    ``count`` alone is fixed; ``per_seat`` adds its ``cases`` for each student seated in its office
    (``count`` then defaults to 0).
    """
    per_seat = entry.get("per_seat")
    if per_seat is None:
        return int(entry.get("count", 1))
    return int(entry.get("count", 0)) + int(per_seat["cases"]) * seats.get(str(per_seat["office"]), 0)


@dataclass(frozen=True)
class PackSize:
    """What a pack holds for one class size: cases at the start, cases arriving later, simulated days."""

    students: int
    seeded: int
    arrivals: int
    days: int
    class_min: int
    class_max: int


@dataclass
class Pack:
    """A validated scenario pack."""

    path: Path
    data: dict[str, Any]
    root: yaml.Node | None = field(repr=False, default=None)

    @property
    def slug(self) -> str:
        return str(self.data["slug"])

    @property
    def title(self) -> str:
        return str(self.data["title"])

    @property
    def summary(self) -> str:
        return str(self.data["summary"])

    @property
    def start(self) -> dt.datetime:
        return parse_date(self.data["start"])

    @property
    def procedures(self) -> list[str]:
        return list(self.data["procedures"])

    @property
    def fixed_logins(self) -> list[tuple[str, str]]:
        """Return the pack's fixed logins as (username, office key); the facilitator's key is ''."""
        out = []
        facilitator = self.data.get("logins", {}).get("facilitator")
        if facilitator:
            out.append((str(facilitator["username"]), ""))
        out += [(str(o["login"]), str(o["key"])) for o in self.data["offices"] if o.get("login")]
        return out

    def line(self, path: PathT) -> int:
        return _line_of(self.root, path)

    def problem(self, path: PathT, message: str) -> PackProblem:
        return PackProblem(self.path.name, self.line(path), _field_name(path), message)

    def case_entries(self) -> list[tuple[PathT, dict[str, Any]]]:
        """Return every case entry of the pack (initial and in events) with its path."""
        out: list[tuple[PathT, dict[str, Any]]] = [
            (("cases", i), c) for i, c in enumerate(self.data.get("cases", []))
        ]
        for ei, event in enumerate(self.data.get("events", [])):
            out += [(("events", ei, "cases", i), c) for i, c in enumerate(event.get("cases", []))]
        return out

    def size(self, students: int | None = None) -> int:
        """Return how many units of work loading takes (the progress bar's total) for a class of ``students``."""
        seats = self.seats_for(self.class_min if students is None else students)
        cases = sum(entry_count(c, seats) for path, c in self.case_entries() if path[0] == "cases")
        return (
            len(self.data["offices"]) + len(self.data.get("people", [])) + cases + len(self.data.get("events", []))
        )

    @property
    def class_min(self) -> int:
        return int(self.data.get("class_sizes", {}).get("min", CLASS_MIN))

    @property
    def class_max(self) -> int:
        return int(self.data.get("class_sizes", {}).get("max", CLASS_MAX))

    def role_seats(self) -> list[str]:
        """Return the office key of every student seat, in the order students fill them.

        One seat of each role first, in the pack's order of roles, then each role's second seat, and so
        on: a small class holds as many different offices as it has students (three students play
        three offices, not three clerks of one), and the busiest office's extra seats fill once every
        role has its student (the teacher's guide, "Sizing the class").
        """
        counts = [(str(r["office"]), int(r.get("seats", 1))) for r in self.data["roles"]]
        return [office for round_ in range(max((n for _o, n in counts), default=0))
                for office, n in counts if n > round_]

    def seats_for(self, students: int) -> Counter[str]:
        """Return how many of ``students`` sit in each office: seats filled in order, then round again.

        The same order as :func:`cases.classroom.students.students_create` seats them (:meth:`role_seats`).
        """
        slots = self.role_seats()
        return Counter(slots[i % len(slots)] for i in range(students)) if slots else Counter()

    def class_size_problem(self, value: Any) -> str:
        """Return why ``value`` cannot be this pack's class size ('' when it can)."""
        text = str(value).strip()
        low, high = self.class_min, self.class_max
        # A smaller group (a seminar of three, a teacher trying the pack) still gets work at every seat; the
        # pack is built for ``low`` to ``high``, and more than ``high`` would outrun its people.
        if not re.fullmatch(r"\d{1,3}", text) or not 1 <= int(text) <= high:
            return (f"Give the number of students in this class as a whole number from 1 to {high} "
                    f"('{self.title}' is built for {low} to {high}); {text[:20]!r} is not one.")
        return ""

    def sizing(self, students: int) -> PackSize:
        """Return what the pack holds for a class of ``students``: cases at the start, arrivals, length."""
        seats = self.seats_for(students)
        seeded = sum(entry_count(c, seats) for path, c in self.case_entries() if path[0] == "cases")
        arrivals = sum(entry_count(c, seats) for path, c in self.case_entries() if path[0] == "events")
        return PackSize(students=students, seeded=seeded, arrivals=arrivals, days=self.days,
                        class_min=self.class_min, class_max=self.class_max)

    @property
    def days(self) -> int:
        """Return the pack's simulated length in days (declared, else up to its last timed event)."""
        if "days" in self.data:
            return int(self.data["days"])
        last = max((parse_date(e["at"]) for e in self.data.get("events", [])), default=self.start)
        return max(1, (last - self.start).days)

    @property
    def sizes(self) -> list[PackSize]:
        """Return the pack's size for the smallest, a middling and the largest class it suits (for pages)."""
        low, high = self.class_min, self.class_max
        return [self.sizing(n) for n in sorted({low, max(low, min(high, 20)), high})]

    def missing(self) -> list[str]:
        """Return what this installation lacks to load the pack: procedures or their seeding hooks."""
        from cases.classroom.seeding import seeder_for
        from cases.procedures import all_procedures

        kinds = {p.kind for p in all_procedures()}
        out = [f"procedure '{k}' is not installed" for k in self.procedures if k not in kinds]
        needed = {c["kind"] for _p, c in self.case_entries()}
        out += [f"no seeding hook for case kind '{k}'" for k in sorted(needed) if seeder_for(k) is None]
        return out

    @property
    def available(self) -> bool:
        return not self.missing()


def scenario_dir() -> Path:
    """Return the directory packs are read from: ``settings.SCENARIO_DIR`` when set, else ``cases/scenarios``."""
    from django.conf import settings

    return Path(getattr(settings, "SCENARIO_DIR", None) or SCENARIO_DIR)


def exercise_name_problem(name: str) -> str:
    """Return why ``name`` cannot name an exercise ('' when it can): 1 to 120 characters, no control characters."""
    if not name.strip() or len(name) > MAX_NAME:
        return f"Give the exercise a name of 1 to {MAX_NAME} characters."
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "An exercise's name cannot hold control characters (such as NUL or a line break)."
    return ""


def _read_text(path: Path) -> str:
    """Read a pack file: at most MAX_PACK_BYTES, UTF-8 (a BOM is allowed); raise PackError otherwise."""
    with path.open("rb") as handle:
        data = handle.read(MAX_PACK_BYTES + 1)
    if len(data) > MAX_PACK_BYTES:
        raise PackError([PackProblem(path.name, 1, "", f"the file is larger than {MAX_PACK_BYTES // 1024} KB; "
                                                        "a pack is a few kilobytes of YAML")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PackError([PackProblem(path.name, line, "", "not UTF-8 text (save the file as UTF-8)")]) from exc


def _check_shape(name: str, text: str) -> None:
    """Walk the YAML events (no recursion, no construction) and refuse deep nesting and aliases."""
    depth = 0
    for event in yaml.parse(text, Loader=PackLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise PackError([PackProblem(name, line, "", f"nested more than {MAX_DEPTH} levels deep")])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent) and MAX_ALIASES == 0:
            line = event.start_mark.line + 1 if event.start_mark else 1
            raise PackError([PackProblem(name, line, "", "YAML aliases (*name) are not allowed in a pack")])


def parse_pack(path: Path, text: str | None = None) -> Pack:
    """Read, schema-check and cross-check one pack; raise PackError listing every problem with its line.

    The file is bounded before it is parsed (size, UTF-8, nesting depth, no aliases), so a bad or
    hostile file costs a few milliseconds and says what is wrong, never a RecursionError.
    """
    name = path.name
    if text is None:
        text = _read_text(path)
    elif len(text.encode("utf-8", errors="replace")) > MAX_PACK_BYTES:
        raise PackError([PackProblem(name, 1, "", f"the pack is larger than {MAX_PACK_BYTES // 1024} KB")])
    try:
        _check_shape(name, text)
        root = yaml.compose(text, Loader=PackLoader)
        data = yaml.load(text, Loader=PackLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise PackError([PackProblem(name, line, "", f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from exc
    if not isinstance(data, dict):
        raise PackError([PackProblem(name, 1, "", "a pack is a mapping of fields (slug, title, start, ...)")])
    pack = Pack(path=path, data=data, root=root)
    validator = Draft202012Validator(PACK_SCHEMA)
    problems = [
        pack.problem(tuple(err.absolute_path), _schema_message(err))
        for err in sorted(validator.iter_errors(data),
                          key=lambda e: (_line_of(root, tuple(e.absolute_path)), e.message))
    ]
    if problems:
        raise PackError(problems)
    problems = _date_problems(pack, data, ())
    if problems:
        raise PackError(problems)
    problems = _cross_check(pack)
    if problems:
        raise PackError(problems)
    return pack


def _date_problems(pack: Pack, node: Any, path: PathT) -> list[PackProblem]:
    """Return a problem for every date-shaped string that is no date of the calendar (``1958-02-30``)."""
    from cases.classroom.schema import DATE

    out: list[PackProblem] = []
    stack: list[tuple[Any, PathT]] = [(node, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            stack += [(v, (*where, k)) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(v, (*where, i)) for i, v in enumerate(value)]
        elif isinstance(value, str) and re.match(DATE, value):
            try:
                parse_date(value)
            except ValueError as exc:
                out.append(pack.problem(where, f"{value!r} is not a date of the calendar ({exc})"))
    return sorted(out, key=lambda p: (p.line, p.field))


def _schema_message(err: Any) -> str:
    if err.validator == "enum":
        allowed = ", ".join(str(v) for v in err.validator_value)
        return f"{err.instance!r} is not one of: {allowed}"
    if err.validator == "pattern" and "195" in str(err.validator_value):
        return f"{err.instance!r} is not a date between 1955 and 1970 written YYYY-MM-DD (optionally HH:MM)"
    if err.validator == "additionalProperties":
        return err.message.replace("Additional properties are not allowed", "unknown field(s)")
    return str(err.message)


def _cross_check(pack: Pack) -> list[PackProblem]:
    """Check what the schema cannot: unique keys, references, dates after the start."""
    data = pack.data
    problems: list[PackProblem] = []

    def unique(section: str) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(data.get(section, [])):
            if item["key"] in seen:
                problems.append(pack.problem((section, i, "key"), f"duplicate key {item['key']!r}"))
            seen.add(item["key"])
        return seen

    offices = unique("offices")
    unique("people")
    logins: set[str] = set()
    facilitator = data.get("logins", {}).get("facilitator", {}).get("username")
    if facilitator:
        logins.add(facilitator)
    for i, office in enumerate(data["offices"]):
        login = office.get("login")
        if login is None:
            continue
        if "logins" not in data:
            problems.append(pack.problem(("offices", i, "login"), "a fixed login needs 'logins: {password: ...}'"))
        if login in logins:
            problems.append(pack.problem(("offices", i, "login"), f"login {login!r} is used twice"))
        logins.add(login)
    sizes = data.get("class_sizes")
    if sizes and sizes["min"] > sizes["max"]:
        problems.append(pack.problem(("class_sizes",), "'min' is larger than 'max'"))
    if not any(int(r.get("seats", 1)) for r in data["roles"]):
        problems.append(pack.problem(("roles",), "no role has a seat for a student"))
    for path, entry in pack.case_entries():
        per_seat = entry.get("per_seat")
        if per_seat and per_seat["office"] not in offices:
            problems.append(pack.problem(path + ("per_seat", "office"),
                                         f"no office with key {per_seat['office']!r} in this pack"))
    if "days" in data:
        for i, event in enumerate(data.get("events", [])):
            if (parse_date(event["at"]) - pack.start).days > int(data["days"]):
                problems.append(pack.problem(("events", i, "at"), f"{event['at']} falls after the pack's "
                                             f"{data['days']} simulated days"))
    for i, role in enumerate(data["roles"]):
        if role["office"] not in offices:
            problems.append(pack.problem(("roles", i, "office"), f"no office with key {role['office']!r} in this pack"))
    for i, event in enumerate(data.get("events", [])):
        if parse_date(event["at"]) < pack.start:
            message = f"{event['at']} is before the pack's start {data['start']}"
            problems.append(pack.problem(("events", i, "at"), message))
    for i, question in enumerate(data.get("debrief", [])):
        problems += [pack.problem(("debrief", i, "text"), why) for why in question_problems(question["text"])]
    for path, entry in pack.case_entries():
        if entry["kind"] not in pack.procedures:
            problems.append(
                pack.problem(path + ("kind",), f"case kind {entry['kind']!r} is not listed under 'procedures'")
            )
    return problems


def pack_files() -> list[Path]:
    """Return the pack files of the scenario directory."""
    return sorted(scenario_dir().glob("*.yaml"))


@functools.lru_cache(maxsize=64)
def _parse_file(path: Path, mtime_ns: int, size: int) -> Pack:
    """Parse a pack file once per version of it (the key changes when the file does)."""
    return parse_pack(path)


@dataclass(frozen=True)
class BrokenPack:
    """A pack file that does not load, with what is wrong with it."""

    path: Path
    problems: list[PackProblem]


def pack_listing() -> tuple[list[Pack], list[BrokenPack]]:
    """Return the packs that validate and the files that do not (each with its problems).

    One bad file never hides the others: it is listed as broken, and the rest load as before.
    Parsed packs are kept while their files stay the same: a fast-forward fires a pack's timed events
    many times, and each one needs the pack again. Packs are read, never changed, once parsed.
    """
    packs: list[Pack] = []
    broken: list[BrokenPack] = []
    for path in pack_files():
        try:
            stat = path.stat()
            packs.append(_parse_file(path, stat.st_mtime_ns, stat.st_size))
        except PackError as exc:
            broken.append(BrokenPack(path, exc.problems))
        except (OSError, ValueError, TypeError, KeyError, RecursionError) as exc:  # a file the checks missed
            broken.append(BrokenPack(path, [PackProblem(path.name, 1, "", f"cannot be read: {exc}")]))
    return packs, broken


def all_packs() -> list[Pack]:
    """Return every pack that validates (broken files are left out: see ``pack_listing``)."""
    return pack_listing()[0]


def get_pack(slug: str) -> Pack:
    """Return the shipped pack with this slug."""
    packs = {p.slug: p for p in all_packs()}
    if slug not in packs:
        from cases.errors import ApplicationError

        raise ApplicationError(f"No scenario pack {slug!r}; known: {', '.join(sorted(packs))}.")
    return packs[slug]
