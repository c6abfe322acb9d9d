"""Bulk filing's raw rows (cases/services/filing_rows.py) are the rows Django's bulk_create path writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test.utils import isolate_apps

from cases.choices import Nationality, OfficeKind
from cases.models import AuthorizationCase, Case, CaseEvent, CrosserCase, Deadline, Person
from cases.services import bulk_open
from cases.services.bulk_open import case_bulk_open
from cases.services.filing_rows import writable_raw

pytestmark = pytest.mark.django_db

K = OfficeKind


def _crossers(desk: Any, tag: str, n: int) -> list[CrosserCase]:
    people = Person.objects.bulk_create([
        Person(exercise=desk.exercise, name=f"{tag} {i}", nationality=Nationality.CN_KOREAN) for i in range(n)
    ])
    return [CrosserCase(exercise=desk.exercise, title=f"{p.name}: crossed", person=p, variant="outbound",
                        source="notification", state="reported", wants_to_return=bool(i % 2),
                        crossing_place="Tumen" if i % 3 else "")
            for i, p in enumerate(people)]


def _letters(desk: Any, tag: str, n: int) -> list[AuthorizationCase]:
    people = Person.objects.bulk_create([
        Person(exercise=desk.exercise, name=f"{tag} {i}", nationality=Nationality.KOREAN_IN_CHINA) for i in range(n)
    ])
    return [AuthorizationCase(exercise=desk.exercise, title=f"{p.name}: letter", applicant=p, destination="dprk",
                              letter_number=f"AL-{tag}-{i}", letter_issued_at=desk.exercise.clock,
                              variant="settle", state="letter_issued")
            for i, p in enumerate(people)]


def _rows(model: type[Case], cases: list[Case]) -> list[dict[str, Any]]:
    """Every column of the cases' rows, their events and deadlines, without keys, names or creation times."""
    ids = [c.pk for c in cases]
    drop = {"id", "case_ptr_id", "person_id", "applicant_id", "reference", "title", "letter_number",
            "created_at", "wall_time", "case_id"}

    def clean(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in row.items() if k not in drop} for row in values]

    names = [f.attname for f in model._meta.concrete_fields]
    return [
        *clean(list(model.objects.filter(pk__in=ids).order_by("pk").values(*names))),
        *clean(list(CaseEvent.objects.filter(case_id__in=ids).order_by("case_id", "id").values())),
        *clean(list(Deadline.objects.filter(case_id__in=ids).order_by("case_id", "id").values())),
    ]


@pytest.mark.parametrize("kind", ["crosser", "authorization"])
def test_raw_filing_writes_the_rows_the_orm_path_writes_ret_5_aut_1(desk, monkeypatch, kind):
    """RET-5, AUT-1: the same columns and values for the cases, their filing events and first deadlines."""
    make, model, office, rules = (
        (_crossers, CrosserCase, K.BORDER_REPRESENTATIVE, ("RET-5",)) if kind == "crosser"
        else (_letters, AuthorizationCase, K.DPRK_SAFETY, ("AUT-1",)))
    assert writable_raw(Case) and writable_raw(model)
    raw = case_bulk_open(cases=make(desk, "Raw", 7), actor=None, office_kind=office, rules=rules, note="n")
    monkeypatch.setattr(bulk_open, "writable_raw", lambda _model: False)
    orm = case_bulk_open(cases=make(desk, "Orm", 7), actor=None, office_kind=office, rules=rules, note="n")
    assert _rows(model, raw) == _rows(model, orm)
    # The instances returned carry their new keys, in filing order, as saved rows.
    for cases in (raw, orm):
        assert [c.pk for c in cases] == sorted(c.pk for c in cases)
        assert all(c.case_ptr_id == c.pk and not c._state.adding for c in cases)
        stored = dict(model.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "reference"))
        assert stored == {c.pk: c.reference for c in cases}
    assert Deadline.objects.filter(case_id__in=[c.pk for c in raw]).count() == Deadline.objects.filter(
        case_id__in=[c.pk for c in orm]).count()


@isolate_apps("cases")  # a model of its own registry: the app's models stay those it ships
def test_a_model_with_an_auto_now_field_keeps_the_orm_path():
    from django.db import models

    class Stamped(models.Model):
        at = models.DateTimeField(auto_now=True)

        class Meta:
            app_label = "cases"
            managed = False

        def __str__(self) -> str:
            return str(self.pk)

    assert not writable_raw(Stamped)
