"""Empty an exercise of its rows (all, or all but some models), in an order the keys between them allow.

Reset, delete and a failed pack load use it (:mod:`cases.classroom.reset`, :mod:`cases.classroom.loader`).
"""

from __future__ import annotations

from django.db import models

from cases.models import Case, Exercise, Person


def exercise_empty(exercise: Exercise, *, keep: tuple[type[models.Model], ...]) -> None:
    """Delete every row of the exercise except the models in ``keep``.

    First the rows that may not outlive a case they name (a crossing names the permit it was made on,
    ``RESTRICT``), then the cases (they hold protected links to offices and people), then the other rows,
    people last (permit-side rows such as crossings hold protected links to them). The rows are found
    from the model graph, so the permit app's rows (which ``cases`` may not import) go too.
    """
    others = [
        (rel.related_model, rel.field.name) for rel in Exercise._meta.related_objects
        if rel.one_to_many and rel.related_model not in keep and rel.related_model not in (Case, Person)
        and not issubclass(rel.related_model, Case)
    ]
    holding = [(model, name) for model, name in others if _holds_cases(model)]
    for model, name in holding:
        model._default_manager.filter(**{name: exercise}).delete()
    Case.objects.filter(exercise=exercise).delete()
    for model, name in others:
        if (model, name) not in holding:
            model._default_manager.filter(**{name: exercise}).delete()
    if Person not in keep:
        Person.objects.filter(exercise=exercise).delete()


def _holds_cases(model: type[models.Model]) -> bool:
    """Return whether rows of ``model`` keep a case from being deleted (a RESTRICT or PROTECT key to a case)."""
    return any(
        f.many_to_one and issubclass(f.related_model, Case)
        and f.remote_field.on_delete in (models.RESTRICT, models.PROTECT)
        for f in model._meta.get_fields()
    )
