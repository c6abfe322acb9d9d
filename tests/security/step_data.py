"""Make valid input for any step from its model fields, for generic tests over every procedure."""

from __future__ import annotations

from typing import Any

from django.db import models

from cases.engine import StepMeta
from cases.models import Case


def step_values(case: Case, meta: StepMeta) -> dict[str, Any]:
    """Return Python values a service accepts for the step's declared fields (and a reason)."""
    values: dict[str, Any] = {}
    for name in meta.fields:
        field = type(case)._meta.get_field(name)
        values[name] = _value(case, field)
    if meta.reason_required:
        values["reason"] = "Recorded in a generic test"
    return values


def step_post(case: Case, meta: StepMeta, name: str) -> dict[str, str]:
    """Return the admin POST body (prefixed form fields) for the same input."""
    out: dict[str, str] = {}
    for key, value in step_values(case, meta).items():
        if isinstance(value, bool):
            if value:
                out[f"{name}-{key}"] = "on"
        elif isinstance(value, models.Model):
            out[f"{name}-{key}"] = str(value.pk)
        else:
            out[f"{name}-{key}"] = str(value)
    return out


def _value(case: Case, field: models.Field) -> Any:
    clock = case.exercise.clock
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.BooleanField | models.NullBooleanField):
        return True
    if isinstance(field, models.DateTimeField):
        return clock
    if isinstance(field, models.DateField):
        return clock.date()
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return 1
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.all()
        if any(f.name == "exercise" for f in field.related_model._meta.fields):
            related = related.filter(exercise_id=case.exercise_id)
        return related.order_by("pk").first()
    return "T-1"
