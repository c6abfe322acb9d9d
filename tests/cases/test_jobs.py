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


# --- The console's time moves and the regime comparison run as jobs, not inside the request ---

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases.classroom import tasks  # noqa: E402
from cases.models import Job, JobStatus  # noqa: E402


@pytest.fixture
def queued_only(monkeypatch):
    """A broker that takes the message and a worker that has not picked it up yet."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.run_job_task, "apply_async", lambda args, **kw: sent.append(args[0]))
    return sent


@pytest.fixture
def teacher(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_console_fast_forward_is_a_job_the_page_polls(teacher, queued_only):
    exercise = loader.load_pack("marriage-1958", name="By job")
    start = exercise.clock
    url = reverse("classroom:console", args=[exercise.pk])
    response = teacher.post(url, {"action": "year", "seen_clock": start.isoformat()})
    job = Job.objects.get(kind="time_move", exercise=exercise)
    assert response.status_code == 302 and response.url == reverse("classroom:job_progress", args=[job.pk])
    assert queued_only == [job.pk]
    assert Exercise.objects.get(pk=exercise.pk).clock == start  # nothing ran inside the request
    page = teacher.get(response.url).content.decode()
    assert 'data-status="queued">Queued' in page  # in words, not the raw "queued"
    tasks.run_job(job.pk)  # the worker
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.message.startswith("Clock now")
    assert Exercise.objects.get(pk=exercise.pk).clock.year == start.year + 1
    status = teacher.get(reverse("classroom:job_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["next"] == url
    assert status["line"] == f"Done: 100 of 100 (100%). {job.message}"
    moved = Exercise.objects.get(pk=exercise.pk).clock
    tasks.run_job(job.pk)  # delivered twice: claimed once
    assert Exercise.objects.get(pk=exercise.pk).clock == moved


@pytest.mark.django_db
def test_two_queued_moves_from_one_page_move_time_once(teacher, queued_only):
    exercise = loader.load_pack("marriage-1958", name="Twice")
    start = exercise.clock
    url = reverse("classroom:console", args=[exercise.pk])
    for _ in range(2):
        teacher.post(url, {"action": "advance", "days": "30", "seen_clock": start.isoformat()})
    first, second = Job.objects.filter(kind="time_move", exercise=exercise).order_by("id")
    tasks.run_job(first.pk)
    tasks.run_job(second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == JobStatus.DONE
    assert second.status == JobStatus.FAILED and "clock has moved" in second.message
    assert (Exercise.objects.get(pk=exercise.pk).clock - start).days == 30


@pytest.mark.django_db
def test_regime_comparison_runs_in_a_job(teacher, queued_only):
    url = reverse("admin:cases_exercise_compare")
    before = Exercise.objects.count()
    response = teacher.post(url, {"runner": "marriage", "seed": "3", "size": "8", "regime_a": "", "regime_b": ""})
    job = Job.objects.get(kind="compare")
    assert response.status_code == 302 and response.url == f"{url}?job={job.pk}"
    assert Exercise.objects.count() == before  # no run inside the request
    assert "Running the comparison" in teacher.get(response.url).content.decode()
    tasks.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    html = teacher.get(response.url).content.decode()
    assert 'id="bd-comparison"' in html and "line-graph" in html  # the queue-growth chart (pygal)
    assert Exercise.objects.count() == before + 2  # one exercise per regime, made by the worker


@pytest.mark.django_db
def test_a_finished_move_leads_back_to_the_console_with_its_result(teacher, queued_only, django_user_model):
    """The job page goes back by itself once done (as the load page opens the console), the result said there."""
    exercise = loader.load_pack("marriage-1958", name="Back to the console")
    console = reverse("classroom:console", args=[exercise.pk])
    teacher.post(console, {"action": "advance", "days": "30", "seen_clock": exercise.clock.isoformat()})
    job = Job.objects.get(kind="time_move", exercise=exercise)
    finish = reverse("classroom:job_finish", args=[job.pk])
    assert finish in teacher.get(reverse("classroom:job_progress", args=[job.pk])).content.decode()
    response = teacher.get(finish)  # not finished yet: back to its progress page
    assert response.status_code == 302 and response.url == reverse("classroom:job_progress", args=[job.pk])
    tasks.run_job(job.pk)
    job.refresh_from_db()
    response = teacher.get(finish, follow=True)
    assert response.redirect_chain[-1][0] == console
    assert job.message in [str(m) for m in response.context["messages"]]
    other = Client()
    other.force_login(django_user_model.objects.create_superuser("other", "o@example.org", "pw-other-1"))
    assert other.get(finish).status_code == 404  # someone else's job


def test_a_progress_line_says_the_status_in_words_and_only_what_is_known():
    """The load and job pages print Job.progress_line (they printed "queued: 0 / 0 — " before)."""
    assert Job(status=JobStatus.QUEUED).progress_line == "Queued."
    assert Job(status=JobStatus.RUNNING, done=3, total=10, message="Filed PER-1963-0003").progress_line == (
        "Running: 3 of 10 (30%). Filed PER-1963-0003")
    assert Job(status=JobStatus.FAILED, message="The pack could not be read.").progress_line == (
        "Failed. The pack could not be read.")
