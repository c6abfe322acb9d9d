"""Export a whole exercise as JSON and import it back as a new exercise, with nothing lost and nothing else touched.

The file is JSON in the shape of a Django fixture (Django's python serializer): the logins who hold
offices or acted, by username (names and e-mail only; password hashes only when asked for); then every
row of the exercise in dependency order, with the primary keys it had.

An import (issue 18, item 8) validates the whole file against a schema first, then applies it all or
nothing in one transaction. It always creates a *new* exercise: every row gets a new id and every
reference inside the file is translated, so a file can never reach a row outside it (another
exercise's cases or offices). Only rows of exercise models are accepted (never groups, permissions or
shared geography); logins already here are kept exactly as they are; new logins get no rights from the
file (``is_staff``, ``is_superuser``, groups and permissions in it are ignored): those seated in the
exercise become students through :func:`cases.permissions.grant_student`, and nobody becomes a superuser.
"""


from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.db import models, transaction
from jsonschema import Draft202012Validator

from cases.errors import ApplicationError
from cases.models import CaseEvent, Deadline, Exercise, Membership
from cases.permissions import grant_student
from cases.wording import clip

MAX_BYTES = 200 * 1024 * 1024
USER_FIELDS = ("username", "first_name", "last_name", "email")
# Written by older versions; read but never applied (an import grants no rights).
IGNORED_USER_FIELDS = ("is_staff", "is_superuser", "is_active", "groups", "user_permissions", "last_login",
                       "date_joined")


def export_apps() -> list[str]:
    """Return the apps whose models hold exercise rows: the cases app and every registered procedure's."""
    from cases.procedures import all_procedures

    labels = dict.fromkeys(["cases"])
    labels.update(dict.fromkeys(p.model._meta.app_label for p in all_procedures()))
    return list(labels)


def _path_to_exercise(model: type[models.Model], depth: int = 0) -> str | None:
    """Return the lookup from ``model`` to its exercise (``exercise``, ``case__exercise`` ...) or None."""
    if model is Exercise:
        return "id"
    names = {f.name for f in model._meta.get_fields()}
    if "exercise" in names and isinstance(model._meta.get_field("exercise"), models.ForeignKey):
        return "exercise"
    if depth >= 2:
        return None
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is not model and not field.null:
            sub = _path_to_exercise(field.related_model, depth + 1)
            if sub is not None:
                return f"{field.name}__{sub}" if sub != "id" else f"{field.name}_id"
    return None


def _exercise_models() -> list[tuple[type[models.Model], str]]:
    """Return the concrete models that belong to an exercise, parents before children."""
    out = []
    for app in export_apps():
        for model in apps.get_app_config(app).get_models():
            if model._meta.proxy:
                continue
            path = _path_to_exercise(model)
            if path is not None:
                out.append((model, path))
    return _dependency_order(out)


def _dependency_order(items: list[tuple[type[models.Model], str]]) -> list[tuple[type[models.Model], str]]:
    pending = dict(items)
    ordered: list[tuple[type[models.Model], str]] = []
    while pending:
        progressed = False
        for model, path in list(pending.items()):
            deps = {
                f.related_model
                for f in model._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f.related_model in pending and f.related_model is not model
            }
            if not deps:
                ordered.append((model, path))
                del pending[model]
                progressed = True
        if not progressed:  # a cycle through nullable keys: constraint checks are deferred on load anyway
            ordered.extend(pending.items())
            break
    return ordered


def exercise_export(*, exercise: Exercise, with_passwords: bool = False) -> str:
    """Return the exercise and everything in it as JSON; logins carry their password hash only if asked."""
    user_ids = set(Membership.objects.filter(exercise=exercise).values_list("user_id", flat=True))
    for model, path in _exercise_models():
        for f in model._meta.local_concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model is get_user_model():
                user_ids |= set(model._default_manager.filter(**{path: exercise.pk}, **{f"{f.name}__isnull": False})
                                .values_list(f.attname, flat=True))
    users = get_user_model().objects.filter(pk__in=user_ids).order_by("username")
    chunks: list[Iterable[Any]] = [users]
    for model, path in _exercise_models():
        qs = model._default_manager.filter(**{path: exercise.pk}).order_by("pk")
        chunks.append(qs)
    objects: list[Any] = []
    for chunk in chunks:
        objects.extend(serializers.serialize("python", chunk, use_natural_foreign_keys=True))
    for obj in objects:
        if obj["model"] == "auth.user":
            obj.pop("pk", None)  # users travel by username (their natural key)
            kept = USER_FIELDS + (("password",) if with_passwords else ())
            obj["fields"] = {k: v for k, v in obj["fields"].items() if k in kept}
    return json.dumps(objects, indent=1, sort_keys=True, ensure_ascii=False, default=_encode)


def _encode(value: Any) -> str:
    """Encode what Django's python serializer leaves as objects; keep microseconds (its JSON cuts them)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"Cannot export a {type(value).__name__}")


def _schema() -> dict[str, Any]:
    """Return the JSON Schema of an export file: rows of exercise models and logins, nothing else."""
    labels = sorted(m._meta.label_lower for m, _path in _exercise_models())
    text = {"type": "string", "maxLength": 254}
    user_fields = {name: text for name in USER_FIELDS}
    user_fields["username"] = {"type": "string", "minLength": 1, "maxLength": 150, "pattern": r"^[\w.@+-]+$"}
    user_fields["password"] = {"type": "string", "maxLength": 128}
    user_fields |= {name: {} for name in IGNORED_USER_FIELDS}
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["model", "fields"],
            "additionalProperties": False,
            "properties": {
                "model": {"enum": ["auth.user", *labels]},
                "pk": {"type": "integer", "minimum": 1, "maximum": 2**62},
                "fields": {"type": "object"},
            },
            "if": {"properties": {"model": {"const": "auth.user"}}},
            "then": {"properties": {"fields": {"type": "object", "required": ["username"],
                                               "additionalProperties": False, "properties": user_fields}}},
            "else": {"required": ["pk"]},
        },
    }


def _problem(error: Any) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    row = error.absolute_path[0] if error.absolute_path else None
    prefix = f"row {row + 1}" if isinstance(row, int) else "the file"
    if error.validator == "enum" and where.endswith(".model"):
        return f"{prefix}: {error.instance!r} is not something an exercise export holds"
    if error.validator == "additionalProperties":
        return f"{prefix}: {error.message.replace('Additional properties are not allowed', 'unknown field(s)')}"
    return f"{prefix} ({where.lstrip('.') or 'top'}): {clip(error.message, 200)}"


def _parse(data: str) -> list[dict[str, Any]]:
    """Return the rows of an export file, or raise ApplicationError saying clearly what is wrong with it."""
    if len(data) > MAX_BYTES:
        raise ApplicationError(f"This file is larger than {MAX_BYTES // (1024 * 1024)} MB; it is not an export.")
    try:
        rows = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ApplicationError(
            f"This is not a Border Desk export (invalid JSON: {exc.msg}, line {exc.lineno})."
        ) from exc
    except (RecursionError, ValueError) as exc:
        raise ApplicationError("This is not a Border Desk export (its JSON is nested too deeply).") from exc
    if not isinstance(rows, list):
        raise ApplicationError("This is not a Border Desk export: it should be a list of rows.")
    try:
        errors = sorted(Draft202012Validator(_schema()).iter_errors(rows), key=lambda e: list(map(str, e.path)))
    except RecursionError as exc:
        raise ApplicationError("This is not a Border Desk export (its JSON is nested too deeply).") from exc
    if errors:
        shown = "; ".join(_problem(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise ApplicationError(f"This is not a Border Desk export: {shown}{more}. Nothing was changed.")
    exercises = [r for r in rows if r["model"] == "cases.exercise"]
    if not exercises:
        raise ApplicationError("This file holds no exercise: export one with `manage.py export_exercise`.")
    if len(exercises) > 1:
        raise ApplicationError("This file holds more than one exercise; export and import them one at a time.")
    seen: set[tuple[str, int]] = set()
    for i, row in enumerate(rows):
        key = (row["model"], row.get("pk", 0))
        if "pk" in row and key in seen:
            raise ApplicationError(f"row {i + 1}: {row['model']} {row['pk']} appears twice. Nothing was changed.")
        seen.add(key)
        if row["model"] != "auth.user":
            model = apps.get_model(row["model"])
            known = {f.name for f in model._meta.local_fields if not f.primary_key}
            unknown = sorted(set(row["fields"]) - known)
            if unknown:
                raise ApplicationError(f"row {i + 1}: {row['model']} has no field(s) {', '.join(unknown)}. "
                                       "Nothing was changed.")
    return rows


@dataclass
class _Remap:
    """Old ids of the file -> new ids here, per model (a child case shares its parent's id)."""

    ids: dict[type[models.Model], dict[Any, Any]] = dc_field(default_factory=dict)
    deferred: list[tuple[models.Model, models.ForeignKey, Any]] = dc_field(default_factory=list)

    def get(self, model: type[models.Model], old: Any) -> Any:
        return self.ids.get(model, {}).get(old)

    def put(self, model: type[models.Model], old: Any, new: Any) -> None:
        for cls in (model, *model._meta.get_parent_list()):
            self.ids.setdefault(cls, {})[old] = new


def _users(rows: list[dict[str, Any]], member_names: set[str]) -> None:
    """Create the logins the file names that this database lacks: no rights but a student's, if seated."""
    user_model = get_user_model()
    for row in rows:
        fields = row["fields"]
        username = fields["username"]
        if user_model.objects.filter(username=username).exists():
            continue  # a local login stays exactly as it is (password, rights, groups)
        user = user_model(username=username, **{k: fields.get(k, "") for k in USER_FIELDS if k != "username"})
        if fields.get("password"):
            user.password = fields["password"]
        else:
            user.set_unusable_password()
        user.is_staff = user.is_superuser = False
        user.save()
        if username in member_names:
            grant_student(user)


def _remap_row(obj: Any, index: int, remap: _Remap, exercise_models: set[type[models.Model]]) -> None:
    """Translate every reference of one deserialized row to the new ids; refuse one that leaves the file."""
    instance = obj.object
    model = type(instance)
    parents = model._meta.get_parent_list()
    for f in model._meta.local_concrete_fields:
        if not isinstance(f, models.ForeignKey):
            continue
        old = getattr(instance, f.attname)
        if old is None:
            continue
        related = f.related_model
        if related is get_user_model():
            continue  # resolved by username to a login created or kept above
        if related not in exercise_models:
            if not related._default_manager.filter(pk=old).exists():
                raise ApplicationError(f"row {index + 1}: {f.name} names a {related._meta.verbose_name} "
                                       "this installation does not have.")
            continue  # shared reference data (the border geography): referred to, never written
        new = remap.get(related, old)
        if new is None:
            if f.null and not (f.remote_field.parent_link or related in parents):
                setattr(instance, f.attname, None)
                remap.deferred.append((instance, f, old))
                continue
            raise ApplicationError(f"row {index + 1}: {model._meta.label_lower} refers to "
                                   f"{related._meta.label_lower} {old}, which is not in this file.")
        setattr(instance, f.attname, new)


def _fired_deadline(remap: _Remap, old: Any) -> int:
    """Return the new id of the deadline an event records as the one that fired it (imported before it)."""
    new = remap.get(Deadline, old)
    if new is None:
        raise ApplicationError(f"An event records deadline {old!r} as the one that fired it, which is not in this "
                               "file.")
    return new


def exercise_import(*, data: str, name: str | None = None) -> Exercise:
    """Load an exported exercise as a new exercise (optionally renamed); all or nothing, nothing else touched."""
    rows = _parse(data)
    exercise_row = next(r for r in rows if r["model"] == "cases.exercise")
    new_name = (name if name is not None else str(exercise_row["fields"].get("name", ""))).strip()
    if not new_name or len(new_name) > 120 or "\x00" in new_name:
        raise ApplicationError("The exercise needs a name of 1 to 120 characters.")
    if Exercise.objects.filter(name=new_name).exists():
        raise ApplicationError(f"An exercise named {new_name!r} already exists here; delete it first, or import "
                               "this one under another name (--name).")
    exercise_row["fields"]["name"] = new_name
    user_rows = [r for r in rows if r["model"] == "auth.user"]
    other_rows = [r for r in rows if r["model"] != "auth.user"]
    exercise_models = {m for m, _path in _exercise_models()}
    order: dict[str, float] = {m._meta.label_lower: i for i, (m, _path) in enumerate(_exercise_models())}
    # An event names the deadline that fired it in its data (no key, so no order from the keys): the
    # deadlines go first, so that the event is written once, naming the new deadline (events are
    # append-only).
    event, deadline = CaseEvent._meta.label_lower, Deadline._meta.label_lower
    order[event] = max(order[event], order[deadline] + 0.5)
    other_rows.sort(key=lambda r: order[r["model"]])  # parents before children, whatever the file's order
    # Memberships name their login by its natural key, ["username"].
    seated = [r["fields"].get("user") for r in other_rows if r["model"] == "cases.membership"]
    member_names = {u[0] for u in seated if isinstance(u, list) and len(u) == 1 and isinstance(u[0], str)}
    remap = _Remap()
    try:
        with transaction.atomic():
            _users(user_rows, member_names)
            for index, obj in enumerate(serializers.deserialize("python", other_rows)):
                instance = obj.object
                model = type(instance)
                old_pk = instance.pk
                _remap_row(obj, index, remap, exercise_models)
                parent_link = next(iter(model._meta.parents.values()), None)
                if parent_link is not None:  # a procedure's row: it shares the id of its base case row
                    new_pk = remap.get(parent_link.related_model, old_pk)
                    if new_pk is None:
                        raise ApplicationError(f"row {index + 1}: {model._meta.label_lower} {old_pk} has no "
                                               "base case row in this file.")
                    setattr(instance, parent_link.attname, new_pk)
                else:
                    instance.pk = None
                if model is CaseEvent and isinstance(instance.data, dict) and "deadline" in instance.data:
                    instance.data = {**instance.data, "deadline": _fired_deadline(remap, instance.data["deadline"])}
                for m2m_name in obj.m2m_data:
                    raise ApplicationError(f"row {index + 1}: {m2m_name} cannot be imported.")
                models.Model.save_base(instance, raw=True, force_insert=True)
                remap.put(model, old_pk, instance.pk)
            for instance, f, old in remap.deferred:
                new = remap.get(f.related_model, old)
                if new is None:
                    raise ApplicationError(f"{type(instance)._meta.label_lower} refers to "
                                           f"{f.related_model._meta.label_lower} {old}, which is not in this file.")
                type(instance)._default_manager.filter(pk=instance.pk).update(**{f.attname: new})
            exercise = Exercise.objects.get(pk=remap.get(Exercise, exercise_row["pk"]))
    except ApplicationError as exc:
        if "Nothing was changed" in exc.message:
            raise
        raise ApplicationError(f"{exc.message.rstrip('.')}. Nothing was changed.") from exc
    except Exception as exc:
        raise ApplicationError(f"The export could not be loaded, nothing was changed: {exc}") from exc
    return exercise
