"""Export a whole exercise as JSON and import it back, with nothing lost.

The file is JSON in the shape of a Django fixture (Django's python serializer; `loaddata` reads it): the users who
hold offices or acted, by username; then every row of the exercise in dependency order, with its
primary keys, so the event log comes back identical.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.db import connection, models, transaction

from cases.errors import ApplicationError
from cases.models import CaseEvent, Exercise, Membership

EXPORT_APPS = ("cases", "permits")


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
    for app in EXPORT_APPS:
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


def exercise_export(*, exercise: Exercise) -> str:
    """Return the exercise and everything in it as a JSON fixture."""
    user_ids = set(Membership.objects.filter(exercise=exercise).values_list("user_id", flat=True))
    user_ids |= set(
        CaseEvent.objects.filter(exercise=exercise, actor__isnull=False).values_list("actor_id", flat=True)
    )
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
            obj["fields"].pop("user_permissions", None)
            obj["fields"]["last_login"] = None
    return json.dumps(objects, indent=1, sort_keys=True, ensure_ascii=False, default=_encode)


def _encode(value: Any) -> str:
    """Encode what Django's python serializer leaves as objects; keep microseconds (its JSON cuts them)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"Cannot export a {type(value).__name__}")


def exercise_import(*, data: str) -> Exercise:
    """Load an exported exercise into this database; refuse clearly if it would overwrite anything."""
    from cases.permissions import student_group

    try:
        rows = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ApplicationError(
            f"This is not a Border Desk export (invalid JSON: {exc.msg}, line {exc.lineno})."
        ) from exc
    if not isinstance(rows, list) or not any(isinstance(r, dict) and r.get("model") == "cases.exercise" for r in rows):
        raise ApplicationError("This file holds no exercise: export one with `manage.py export_exercise`.")
    exercise_rows = [r for r in rows if r.get("model") == "cases.exercise"]
    for row in exercise_rows:
        name = row.get("fields", {}).get("name")
        if Exercise.objects.filter(name=name).exists() or Exercise.objects.filter(pk=row.get("pk")).exists():
            raise ApplicationError(f"An exercise named {name!r} (or with its id) already exists here; delete it first.")
    student_group()
    user_model = get_user_model()
    try:
        with transaction.atomic():
            with connection.constraint_checks_disabled():
                for obj in serializers.deserialize("python", rows, handle_forward_references=True):
                    if isinstance(obj.object, user_model):
                        existing = user_model.objects.filter(username=obj.object.username).first()
                        if existing is not None:
                            continue  # keep the local account (and its password) as it is
                    obj.save()
            connection.check_constraints()
    except ApplicationError:
        raise
    except Exception as exc:
        raise ApplicationError(f"The export could not be loaded, nothing was changed: {exc}") from exc
    return Exercise.objects.get(pk=exercise_rows[0]["pk"])
