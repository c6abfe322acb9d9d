"""Long work runs in a task with a progress row, claimed with one conditional update."""

from __future__ import annotations

import pytest

from cases.classroom import loader
from cases.models import Exercise, ScenarioLoad


@pytest.mark.django_db
def test_two_workers_handed_one_load_run_it_once(monkeypatch):
    """A second worker starting between the first one's look at the row and its claim finds it taken."""
    load = ScenarioLoad.objects.create(slug="marriage-1958", name="Once", total=1)
    calls: list[str] = []
    real_load = loader.load_pack
    monkeypatch.setattr(loader, "load_pack", lambda *a, **k: calls.append("load") or real_load(*a, **k))
    real_get = ScenarioLoad.objects.get
    other_worker = {"ran": False}

    def get(*args: object, **kwargs: object) -> ScenarioLoad:
        row = real_get(*args, **kwargs)
        if not other_worker["ran"]:
            other_worker["ran"] = True
            loader.run_load(load.pk)  # the same message, delivered twice, picked up by another worker now
        return row

    monkeypatch.setattr(ScenarioLoad.objects, "get", get)
    loader.run_load(load.pk)
    assert other_worker["ran"]
    assert calls == ["load"]
    row = real_get(pk=load.pk)
    assert row.status == "done"
    assert Exercise.objects.filter(name="Once").count() == 1
