"""The console's fast-forward job shows how far it has got while its one transaction is still open."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases.classroom import loader, planner, tasks
from cases.models import Exercise, Job, JobStatus
from cases.services import job_live


@pytest.fixture
def teacher(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


# Committed rows: on PostgreSQL the progress is written through a second connection, which sees only those.
@pytest.mark.django_db(transaction=True)
def test_a_fast_forward_job_shows_its_progress_while_it_runs(teacher, monkeypatch, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(job_live, "EVERY", 0.0)
    monkeypatch.setattr(tasks.run_job_task, "apply_async", lambda args, **kw: None)  # queued, not yet run
    exercise = loader.load_pack("marriage-1958", name="Progress")
    start = exercise.clock
    teacher.post(reverse("classroom:console", args=[exercise.pk]), {"action": "year", "seen_clock": start.isoformat()})
    job = Job.objects.get(kind="time_move", exercise=exercise)
    status_url = reverse("classroom:job_status", args=[job.pk])
    seen: list[dict[str, object]] = []
    real_act = planner.Pilot.act

    def act(self: planner.Pilot, batch: list) -> None:  # the page polls while the worker is in the middle
        real_act(self, batch)
        seen.append(teacher.get(status_url).json())

    monkeypatch.setattr(planner.Pilot, "act", act)
    tasks.run_job(job.pk)
    assert seen, "the autopilot took no step"
    assert all(s["status"] == "running" for s in seen)
    percents = [s["percent"] for s in seen]
    assert percents == sorted(percents) and 0 < percents[-1] < 100
    assert str(seen[-1]["message"]).startswith("Simulated clock at")
    page = teacher.get(reverse("classroom:job_progress", args=[job.pk])).content.decode()
    assert 'role="progressbar"' in page and 'aria-valuenow="100"' in page
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.percent == 100
    assert Exercise.objects.get(pk=exercise.pk).clock.year == start.year + 1
    assert not list(tmp_path.glob("jobs/*.json"))  # the live figures go once the job has ended
