"""System checks (``manage.py check``): every name the product refers to by string must exist.

Registered from ``cases/apps.py``, as viewflow checks its flows. A typo in a state, a step (transition
name), an office kind, a deadline action or a regime section fails ``manage.py check`` with the file,
the line where it can be found, and the name:

* the registry: every Case subclass is registered; outcome states, student permissions and documents
  (their templates, and state or step names in their functions) name what exists (E001-E004);
* the steps: each step's acting office is an office kind (E005);
* autopilot policies: the states a policy compares a case's state with, and the steps it takes, are
  the procedure's (E006);
* deadlines: the ``action`` of each ``DeadlineSpec`` a model sets is one of its steps (E007);
* regimes: the autopilot sections name registered procedures and the processing times office kinds (E008);
* scenario packs (``cases/scenarios/*.yaml``): each file parses and validates; its procedures are
  registered with a seeder; every step a case entry takes, and the data it passes, exist; nothing in
  it uses a rule before that rule's document is in force, unless marked counterfactual (E009).

Policy, document and deadline code is read with :mod:`ast`: strings compared with a case's ``state``
(``state == "filed"``, ``s in ("a", "b")``), steps named by ``AutoStep("step")``, ``"step" in possible``
(and the names a loop tries so), ``("step", {data})`` pairs and the arguments of helpers declared
``def pick(*names)``. References made through the model (``MarriageCase.State.FILED``)
fail at import instead, which is better still.
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Reference:
    """A name found in code: a state or a step, with where it is."""

    what: str  # "state" or "step"
    name: str
    file: str
    line: int


def source_file(obj: Any) -> str | None:
    """Return the file that defines ``obj`` (the checks read it; tests point it at a copy)."""
    return inspect.getsourcefile(obj)


def _relative(path: str | Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _is_state(node: ast.AST) -> bool:
    """A case's state as code reads it: ``state``, ``s``, ``case.state``, ``self.state`` ..."""
    text = ast.unparse(node)
    return text in ("state", "s") or text.endswith(".state")


def _is_possible(node: ast.AST) -> bool:
    return ast.unparse(node).split(".")[-1] in ("possible", "options_names")


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def references_in(tree: ast.AST, file: str, line_offset: int = 0) -> list[Reference]:
    """Return the states and steps named by string in ``tree`` (see the module docstring)."""
    out: list[Reference] = []
    loop_vars: set[str] = set()

    def add(what: str, names: Iterable[str], node: ast.AST) -> None:
        for name in names:
            out.append(Reference(what, name, file, getattr(node, "lineno", 0) + line_offset))

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for op, (left, right) in zip(node.ops, itertools.pairwise(operands), strict=False):
                if isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn):
                    if _is_state(left):
                        add("state", _strings(right), node)
                    elif _is_state(right) and isinstance(op, ast.Eq | ast.NotEq):
                        add("state", _strings(left), node)
                if isinstance(op, ast.In | ast.NotIn) and _is_possible(right):
                    add("step", _strings(left), node)
                    if isinstance(left, ast.Name):
                        loop_vars.add(left.id)
        elif isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "AutoStep":
            if any(k.arg == "perform" for k in node.keywords):
                continue  # a decision that is not a step of the machine (recorded through a service)
            if node.args:
                add("step", _strings(node.args[0]), node)
            for k in node.keywords:
                if k.arg == "transition":
                    add("step", _strings(k.value), node)
        elif (isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[1], ast.Dict)
              and isinstance(node.elts[0], ast.Constant) and isinstance(node.elts[0].value, str)):
            add("step", [node.elts[0].value], node)  # ("step", {data}): a step with its input
    # Helpers that take step names (``def pick(*names)``), and loops over names tried ``in possible``.
    pickers = {f.name for f in ast.walk(tree)
               if isinstance(f, ast.FunctionDef) and f.args.vararg is not None and f.args.vararg.arg == "names"}
    for node in ast.walk(tree):
        if isinstance(node, ast.For | ast.comprehension) and isinstance(node.target, ast.Name) \
                and node.target.id in loop_vars:
            add("step", _strings(node.iter), node.iter)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in pickers:
            for arg in node.args:
                add("step", _strings(arg), node)
    return out


@functools.lru_cache(maxsize=256)
def _module_tree(path: str) -> ast.AST | None:
    try:
        return ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    except (OSError, SyntaxError, ValueError):
        return None


def references_of_module(func: Callable[..., Any]) -> list[Reference]:
    """Return the references in the whole module that defines ``func`` (its helpers decide too)."""
    path = source_file(func)
    if path is None:
        return []
    tree = _module_tree(path)
    return references_in(tree, _relative(path)) if tree is not None else []


def references_of_function(func: Callable[..., Any]) -> list[Reference]:
    """Return the references in the source of one function (or lambda, with the lines around it)."""
    try:
        lines, start = inspect.getsourcelines(func)
        path = inspect.getsourcefile(func) or "?"
    except (OSError, TypeError):
        return []
    source = textwrap.dedent("".join(lines))
    for text in (source, f"({source.strip().rstrip(',')})", f"f({source.strip()})"):
        try:
            return references_in(ast.parse(text), _relative(path), start - 1)
        except SyntaxError:
            continue
    return []


def _known(model: Any) -> dict[str, set[str]]:
    from cases.engine import all_transitions

    return {"state": set(model.State.values), "step": {t.name for t in all_transitions(model)}}


def _unknown(references: Iterable[Reference], model: Any, kind: str, where: str, check_id: str,
             extra_steps: Iterable[str] = ()) -> list[CheckMessage]:
    known = _known(model)
    known["step"] |= set(extra_steps)
    errors = []
    for ref in references:
        if ref.name not in known[ref.what]:
            errors.append(Error(
                f"{ref.file}:{ref.line}: {where} names the {ref.what} {ref.name!r}, which the procedure "
                f"{kind!r} ({model.__name__}) does not have.",
                hint=f"Known {ref.what}s: {', '.join(sorted(known[ref.what]))}.", obj=ref.file, id=check_id))
    return errors


def _case_models() -> list[Any]:
    from cases.models import Case

    found: list[Any] = []

    def walk(cls: Any) -> None:
        for sub in cls.__subclasses__():
            if sub.PROCEDURE_KIND and not sub._meta.abstract and not sub._meta.proxy:
                found.append(sub)
            walk(sub)

    walk(Case)
    return found


def _model_file(model: Any) -> str:
    return _relative(inspect.getsourcefile(model) or model.__module__)


@register(Tags.models)
def check_registry(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E001-E005: the registry covers every procedure and names only what exists."""
    from django.apps import apps
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    from cases.choices import OfficeKind
    from cases.engine import all_transitions, meta_of
    from cases.procedures import all_procedures

    errors: list[CheckMessage] = []
    registered = {p.kind: p for p in all_procedures()}
    for model in _case_models():
        if registered.get(model.PROCEDURE_KIND) is None or registered[model.PROCEDURE_KIND].model is not model:
            errors.append(Error(
                f"{_model_file(model)}: {model.__name__} (procedure {model.PROCEDURE_KIND!r}) is not registered.",
                hint="Call cases.procedures.register_procedure() for it from its app's AppConfig.ready().",
                obj=model, id="cases.E001"))
    for proc in registered.values():
        where = proc.registered_in or proc.model.__module__
        if proc.outcomes is not None:
            for state in sorted(proc.outcomes.states() - set(proc.model.State.values)):
                errors.append(Error(f"{where}: the outcomes of {proc.kind!r} name the state {state!r}, which "
                                    f"{proc.model.__name__} does not have.", obj=where, id="cases.E002"))
        for name in proc.student_permissions:
            app_label, _, codename = name.partition(".")
            try:
                config = apps.get_app_config(app_label)
            except LookupError:
                config = None
            codenames = set()
            for m in config.get_models() if config else []:
                codenames |= {f"{a}_{m._meta.model_name}" for a in m._meta.default_permissions}
                codenames |= {c for c, _label in m._meta.permissions}
            if codename not in codenames:
                errors.append(Error(f"{where}: the student permissions of {proc.kind!r} name {name!r}, which "
                                    "no model declares.", obj=where, id="cases.E003"))
        slugs: set[str] = set()
        for spec in proc.documents:
            if spec.slug in slugs:
                errors.append(Error(f"{where}: {proc.kind!r} registers the document {spec.slug!r} twice.",
                                    obj=where, id="cases.E004"))
            slugs.add(spec.slug)
            try:
                get_template(spec.template)
            except TemplateDoesNotExist:
                errors.append(Error(f"{where}: the document {spec.slug!r} of {proc.kind!r} uses the template "
                                    f"{spec.template!r}, which does not exist.", obj=where, id="cases.E004"))
            refs = references_of_function(spec.context) + references_of_function(spec.available)
            errors += _unknown(refs, proc.model, proc.kind, f"the document {spec.slug!r}", "cases.E004")
        offices = set(OfficeKind.values)
        for t in all_transitions(proc.model):
            office = meta_of(t).office
            if office not in offices:
                line = getattr(getattr(t.method, "__code__", None), "co_firstlineno", 0)
                errors.append(Error(f"{_model_file(proc.model)}:{line}: the step {t.name!r} of {proc.kind!r} is "
                                    f"taken by the office kind {office!r}, which does not exist.",
                                    hint=f"Office kinds: {', '.join(sorted(offices))}.", obj=proc.model,
                                    id="cases.E005"))
    return errors


@register(Tags.models)
def check_policies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E006: autopilot policies name only their procedure's states and steps."""
    from cases.procedures import all_procedures

    errors: list[CheckMessage] = []
    for proc in all_procedures():
        if proc.policy is not None:
            errors += _unknown(references_of_module(proc.policy), proc.model, proc.kind, "the autopilot policy",
                               "cases.E006")
    return errors


def _deadline_actions(model: Any) -> list[Reference]:
    """Return the ``action`` of every DeadlineSpec the model's module builds (constants, or a module dict's values)."""
    path = source_file(model)
    tree = _module_tree(path) if path else None
    if tree is None or path is None:
        return []
    module = inspect.getmodule(model)
    file = _relative(path)
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "DeadlineSpec"):
            continue
        arg = next((k.value for k in node.keywords if k.arg == "action"), node.args[2] if len(node.args) > 2 else None)
        if arg is None:
            continue
        names = _strings(arg)
        if isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name):
            table = getattr(module, arg.value.id, None)
            if isinstance(table, dict):
                names = [str(v) for v in table.values()]
        out += [Reference("step", name, file, node.lineno) for name in names]
    return out


@register(Tags.models)
def check_deadlines(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E007: every deadline a model sets fires one of its own steps (or a deadline handler: remind, escalate)."""
    from cases.procedures import all_procedures
    from cases.services.deadlines import HANDLERS

    errors: list[CheckMessage] = []
    for proc in all_procedures():
        errors += _unknown(_deadline_actions(proc.model), proc.model, proc.kind, "a deadline's action", "cases.E007",
                           extra_steps=HANDLERS)
    return errors


@register(Tags.models)
def check_regimes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E008: the regimes' autopilot sections name registered procedures, their processing times office kinds."""
    from cases.choices import OfficeKind
    from cases.procedures import all_procedures
    from cases.regimes import REGIMES

    kinds = {p.kind for p in all_procedures()}
    offices = set(OfficeKind.values) | {"default"}
    file = "cases/regimes/__init__.py"
    errors: list[CheckMessage] = []
    for code, regime in REGIMES.items():
        autopilot = regime.params.get("autopilot") or {}
        for section in sorted(set(autopilot) - {"days"} - kinds):
            errors.append(Error(f"{file}: the regime {code!r} has an autopilot section {section!r}, which is not "
                                "a registered procedure.", hint=f"Procedures: {', '.join(sorted(kinds))}.",
                                obj=file, id="cases.E008"))
        for office in sorted(set(autopilot.get("days", {})) - offices):
            errors.append(Error(f"{file}: the regime {code!r} gives processing days to {office!r}, which is not an "
                                "office kind.", obj=file, id="cases.E008"))
    return errors


def pack_problems(paths: Iterable[Path]) -> list[str]:
    """Return every problem of the pack files, each as ``file:line: message``."""
    from cases.classroom.anachronisms import pack_anachronisms
    from cases.classroom.packs import PackError, parse_pack
    from cases.engine import all_transitions, meta_of
    from cases.procedures import find_procedure

    out: list[str] = []
    for path in paths:
        try:
            pack = parse_pack(path)
        except PackError as exc:
            out += [str(p) for p in exc.problems]
            continue
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            out.append(f"{path.name}:1: cannot be read: {exc}")
            continue
        for i, kind in enumerate(pack.procedures):
            proc = find_procedure(kind)
            if proc is None:
                out.append(str(pack.problem(("procedures", i), f"{kind!r} is not a registered procedure")))
            elif proc.seeder is None:
                out.append(str(pack.problem(("procedures", i), f"the procedure {kind!r} has no pack seeder")))
        for entry_path, entry in pack.case_entries():
            proc = find_procedure(entry["kind"])
            if proc is None:
                message = f"{entry['kind']!r} is not a registered procedure"
                out.append(str(pack.problem(entry_path + ("kind",), message)))
                continue
            steps = {t.name: t for t in all_transitions(proc.model)}
            for j, item in enumerate(entry.get("steps", [])):
                name, data = (item, {}) if isinstance(item, str) else (item["step"], item.get("data", {}))
                where = entry_path + ("steps", j)
                if name not in steps:
                    out.append(str(pack.problem(where, f"{name!r} is not a step of {proc.kind!r}; steps: "
                                                        f"{', '.join(sorted(steps))}")))
                    continue
                allowed = set(meta_of(steps[name]).fields) | {"reason"}
                for key in sorted(set(data) - allowed):
                    out.append(str(pack.problem(where + ("data",), f"the step {name!r} takes no input {key!r}")))
        # Nothing out of its time: a seeded case, step or timed event using a rule not yet in force on its
        # date fails the check, unless the pack or the event is marked counterfactual (issue 16).
        out += [str(p) for p in pack_anachronisms(pack)]
    return out


@register(Tags.models)
def check_packs(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E009: every scenario pack validates, and names registered procedures and their steps."""
    from cases.classroom import packs

    folder = _relative(packs.SCENARIO_DIR)
    return [Error(f"{folder}/{problem}", obj=folder, id="cases.E009") for problem in pack_problems(packs.pack_files())]
