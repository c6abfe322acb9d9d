"""The exercise a management command names: by its name, or by its id."""

from __future__ import annotations

from django.core.management.base import CommandError

from cases.input import db_id
from cases.models import Exercise


def find_exercise(key: str) -> Exercise:
    """Return the exercise named ``key``, or else numbered ``key``; raise CommandError (listing some) otherwise.

    A number is read as :func:`cases.input.db_id` reads an id: '²' or a 30-digit number names no exercise
    (``str.isdigit`` would let both through to the database, which fails on them).
    """
    exercise = Exercise.objects.filter(name=key).first()
    pk = db_id(key)
    if exercise is None and pk is not None:
        exercise = Exercise.objects.filter(pk=pk).first()
    if exercise is None:
        names = ", ".join(Exercise.objects.order_by("name").values_list("name", flat=True)[:10]) or "none"
        raise CommandError(f"No exercise named or numbered {key!r}. Exercises: {names}.")
    return exercise
