"""Packs sized to the class (issue 17): every student has work at the start, for a class of 3, 5, 10 or 40
(built for 5 to 40; a smaller group is accepted).

Each pack is loaded as the Classroom page loads it (a load Job carried out by the worker's
``run_job``), its students are created and seated by ``students_create``, and every student's inbox
(``inbox_page`` over the office they hold) must hold at least one case at once: the packs are designed
for work at the start, not arrivals, so no clock step is taken first.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from cases.classroom.loader import load_pack, planned_students
from cases.classroom.packs import all_packs, get_pack
from cases.classroom.students import students_create
from cases.classroom.tasks import run_job
from cases.errors import ApplicationError
from cases.models import Case, Exercise, ExerciseEvent, Job, JobStatus, Membership, Person
from cases.selectors import inbox_page

pytestmark = pytest.mark.django_db

SLUGS = ["demo", "marriage-1958", "authorization-1961", "permits-1963", "protocol-1964"]


@pytest.fixture
def teacher():
    return get_user_model().objects.create_user("teacher-sizes", password="x" * 12, is_staff=True, is_superuser=True)


def _load_by_job(teacher, slug: str, students: int) -> Exercise:
    job = Job.objects.create(slug=slug, name=f"{slug} for {students}", requested_by=teacher,
                             params={"students": students})
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    return job.exercise


def _empty_inboxes(exercise: Exercise) -> list[str]:
    out = []
    for m in Membership.objects.filter(exercise=exercise, is_facilitator=False).select_related("office", "user"):
        if inbox_page([m.office]).count == 0:
            out.append(f"{m.user.username} at {m.office.name}")
    return out


def test_every_shipped_pack_is_tested():
    assert sorted(p.slug for p in all_packs()) == sorted(SLUGS)


@pytest.mark.parametrize("students", [3, 5, 10, 40])
@pytest.mark.parametrize("slug", SLUGS)
def test_every_student_has_work_at_the_start(teacher, slug, students):
    exercise = _load_by_job(teacher, slug, students)
    created = students_create(exercise=exercise, actor=teacher, count=students)
    assert len(created) == students
    assert _empty_inboxes(exercise) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_each_pack_has_forty_distinct_people_with_names_not_numbers(slug):
    exercise = load_pack(slug, name=f"people {slug}", students=5)
    pack = get_pack(slug)
    # The people the pack seeds at the start and in its timed events (arrivals file theirs when fired).
    import datetime as dt

    from cases.classroom.timekeeping import time_move

    time_move(exercise=exercise, actor=None, to=(pack.start + dt.timedelta(days=pack.days)).date())
    names = list(Person.objects.filter(exercise=exercise).values_list("name", flat=True))
    assert len(set(names)) >= 40, len(set(names))
    assert len(names) == len(set(names))
    assert not [n for n in names if re.search(r"\d", n)]


def test_a_load_repeats_exactly():
    first = load_pack("authorization-1961", name="once", students=12)
    second = load_pack("authorization-1961", name="twice", students=12)

    def seen(exercise):
        return [(c.title, c.state, c.next_office.name if c.next_office else "")
                for c in Case.objects.filter(exercise=exercise).order_by("reference")]

    assert seen(first) == seen(second)


def test_more_students_later_top_the_work_up(teacher):
    exercise = _load_by_job(teacher, "marriage-1958", 5)
    cases_before = Case.objects.filter(exercise=exercise).count()
    students_create(exercise=exercise, actor=teacher, count=5)
    assert Case.objects.filter(exercise=exercise).count() == cases_before
    students_create(exercise=exercise, actor=teacher, count=7)
    assert planned_students(exercise) == 12
    assert Case.objects.filter(exercise=exercise).count() > cases_before
    assert _empty_inboxes(exercise) == []
    event = ExerciseEvent.objects.filter(exercise=exercise, summary__startswith="Topped up").get()
    assert event.actor == teacher and event.data["students"] == 12


@pytest.mark.parametrize("bad", ["0", "41", "abc", "", "4.5", "-3"])
def test_bad_class_sizes_get_a_clear_message_and_change_nothing(client, teacher, bad):
    client.force_login(teacher)
    jobs, exercises = Job.objects.count(), Exercise.objects.count()
    response = client.post("/admin/classroom/load/", {"slug": "marriage-1958", "name": "Class 3B", "students": bad},
                           follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Give the number of students in this class as a whole number from 1 to 40" in text
    assert (Job.objects.count(), Exercise.objects.count()) == (jobs, exercises)


@pytest.mark.parametrize("bad", [0, 41])
def test_the_loader_refuses_a_class_size_the_pack_does_not_suit(bad):
    with pytest.raises(ApplicationError, match="from 1 to 40"):
        load_pack("marriage-1958", name="too many", students=bad)
    assert not Exercise.objects.filter(name="too many").exists()


def test_the_home_page_and_the_console_show_the_pack_size(client, teacher):
    client.force_login(teacher)
    home = client.get("/admin/classroom/").content.decode()
    assert 'data-pack-size="marriage-1958"' in home
    assert "For 5 to 40 students" in home
    exercise = _load_by_job(teacher, "marriage-1958", 10)
    console = client.get(f"/admin/classroom/exercise/{exercise.pk}/console/").content.decode()
    sizing = get_pack("marriage-1958").sizing(10)
    assert f"Seeded for a class of <strong>10</strong>: {sizing.seeded} case(s) at the start" in console
    assert Case.objects.filter(exercise=exercise).count() == sizing.seeded
    assert 'id="cr-small-class"' not in console


def test_the_console_says_when_a_class_is_smaller_than_the_pack_is_built_for(client, teacher):
    """A seminar of three may run a pack built for 5 to 40 (every seat gets work); the console says so."""
    client.force_login(teacher)
    exercise = _load_by_job(teacher, "marriage-1958", 3)
    console = client.get(f"/admin/classroom/exercise/{exercise.pk}/console/").content.decode()
    assert 'id="cr-small-class"' in console and "the 5 to 40 students the pack is built for" in console


def test_a_forty_student_load_files_letters_in_bulk():
    """The authorization pack's letters (AUT-1) are filed with the bulk filing service, not one INSERT per case."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        exercise = load_pack("authorization-1961", name="Forty", students=40)
    letters = Case.objects.filter(exercise=exercise, kind="authorization").count()
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "cases_case"')]
    assert letters == get_pack("authorization-1961").sizing(40).seeded > 100
    assert len(inserts) <= len(get_pack("authorization-1961").data["cases"])  # one per entry


def test_a_reset_seeds_the_work_of_the_class_again(teacher):
    """A reset empties the exercise and refills it sized to the class it was seeded for (the load's 12)."""
    from cases.classroom.reset import exercise_reset

    exercise = _load_by_job(teacher, "marriage-1958", 12)
    students_create(exercise=exercise, actor=teacher, count=12)
    exercise_reset(exercise=exercise, actor=teacher)
    assert Case.objects.filter(exercise=exercise).count() == get_pack("marriage-1958").sizing(12).seeded
    assert _empty_inboxes(exercise) == []


@pytest.mark.parametrize("slug,day", [("marriage-1958", "1959-04-08"), ("authorization-1961", "1961-03-01")])
def test_latecomers_after_the_packs_regime_switch_are_seated_and_told_what_work_could_not_be_filed(
        client, teacher, slug, day):
    """After the pack's own switch (D2 on 18 Oct 1958; D6's strict line from 1 Jan 1961) some of the work the pack
    puts at a seat on its first day can no longer be made: the students are still seated, the rest of the work is
    filed, and the teacher is told what was left out and why."""
    from django.urls import reverse

    from cases.classroom.packs import parse_date
    from cases.classroom.timekeeping import time_move

    exercise = _load_by_job(teacher, slug, 5)
    time_move(exercise=exercise, actor=None, to=parse_date(day))
    exercise.refresh_from_db()
    assert exercise.regime != get_pack(slug).data["regime"]  # the pack's switch has fired
    seated, cases = Membership.objects.filter(exercise=exercise).count(), Case.objects.filter(exercise=exercise).count()
    client.force_login(teacher)
    response = client.post(reverse("classroom:students", args=[exercise.pk]), {"count": "10"}, follow=True)
    assert response.status_code == 200 and len(response.context["created"]) == 10
    assert Membership.objects.filter(exercise=exercise).count() == seated + 10
    warned = [str(m) for m in response.context["messages"] if "was not all filed" in str(m)]
    assert len(warned) == 1 and "rules now in force no longer allow" in warned[0]
    event = ExerciseEvent.objects.filter(exercise=exercise, summary__startswith="Topped up").get()
    assert event.data["unfiled"] and event.data["top_up"] == Case.objects.filter(exercise=exercise).count() - cases
    assert planned_students(exercise) == 10  # the ten seated (the load planned for five)
    # The teacher reads the refused step by its label, not the procedure's code name ("step 'settle_accounts'").
    import re

    for text in (warned[0], event.summary, *event.data["unfiled"]):
        assert not re.search(r"'[a-z]+(?:_[a-z]+)+'", text), text
