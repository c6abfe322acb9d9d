"""Teacher tools: login slips, a student's password reset, an exercise's reset and delete, names in place of
logins, the role card's policy line, and the load that opens its console. Each is refused on the server to
another exercise's teacher and to a student, and bad input changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from cases.classroom.loader import load_pack
from cases.classroom.packs import all_packs
from cases.classroom.reset import exercise_delete, exercise_reset
from cases.classroom.students import student_password_reset, students_create
from cases.classroom.timekeeping import fast_forward
from cases.errors import ApplicationError
from cases.models import (
    Case,
    CaseEvent,
    Exercise,
    ExerciseEvent,
    ExerciseEventKind,
    Job,
    JobKind,
    JobStatus,
    MarriageCase,
    Membership,
    Person,
    TimedEvent,
)
from cases.services.steps import case_transition

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def teacher(client):
    user = User.objects.create_superuser("teach", "t@example.org", "pw-teach-123")
    client.force_login(user)
    return user


@pytest.fixture
def exercise(teacher):
    return load_pack("marriage-1958", name="Class 1", actor=teacher)


@pytest.fixture
def other_teacher():
    """A teacher (not a superuser) who runs another exercise only."""
    user = User.objects.create_user("other-teach", password="pw-other-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_exercisescenario"))
    load_pack("marriage-1958", name="Class 2", actor=user)
    return user


@pytest.fixture
def logins(exercise):
    return students_create(exercise=exercise, actor=None, names=["Anna Li", "Bo Kim", "Cai Wen", "Dara Pak"])


def events(exercise: Exercise, kind: str) -> int:
    return ExerciseEvent.objects.filter(exercise=exercise, kind=kind).count()


# --- Slips and passwords ------------------------------------------------------------------------------


def test_students_page_shows_one_slip_per_created_student_with_password_office_and_address(client, exercise):
    response = client.post(reverse("classroom:students", args=[exercise.pk]), {"names": "Anna Li\nBo Kim"},
                           follow=True)
    page = response.content.decode()
    for s in response.context["created"]:
        slip = page.split(f'data-login="{s.username}"', 1)[1].split("</dl>", 1)[0]
        assert s.display_name in slip and s.office.name in slip and s.password in slip
        assert f'bd-login bd-nowrap cr-username">{s.username}<' in slip  # a login is never broken (white-space: nowrap)
        assert "http://testserver/admin/" in slip  # on this computer: the address the page is served at
    assert "white-space: nowrap" in page and "@media print" in page
    # Resetting a password logs the student out and voids the slip in their hand: the button asks first.
    assert 'data-confirm="Give Anna Li a new password? The old one stops working at once' in page
    assert 'onsubmit="return confirm(this.dataset.confirm)"' in page


def test_slip_shows_classroom_modes_join_url(client, exercise, logins, monkeypatch):
    monkeypatch.setenv("BORDER_DESK_JOIN_URL", "http://192.168.1.20:8000/admin/")
    page = client.get(reverse("classroom:slips", args=[exercise.pk])).content.decode()
    assert page.count("http://192.168.1.20:8000/admin/") == len(logins)


def test_later_slips_say_the_password_is_no_longer_known(client, exercise, logins):
    page = client.get(reverse("classroom:slips", args=[exercise.pk])).content.decode()
    assert page.count("Ask your teacher to reset it") == len(logins)
    for s in logins:
        assert s.username in page and s.display_name in page and s.password not in page


def test_password_reset_gives_a_new_password_and_a_slip_for_that_student_only(client, exercise, logins):
    anna = logins[0]
    response = client.post(reverse("classroom:student_password", args=[exercise.pk]),
                           {"membership": anna.membership_id}, follow=True)
    assert response.status_code == 200
    [slip] = response.context["slips"]
    assert slip.username == anna.username and slip.password and slip.password != anna.password
    user = User.objects.get(username=anna.username)
    assert user.check_password(slip.password) and not user.check_password(anna.password)
    assert slip.password in response.content.decode()
    assert events(exercise, ExerciseEventKind.PASSWORD_RESET) == 1
    # The others keep theirs.
    assert User.objects.get(username=logins[1].username).check_password(logins[1].password)


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", "1" * 40])
def test_password_reset_with_bad_input_says_so_and_changes_nothing(client, exercise, logins, value):
    before = list(User.objects.order_by("pk").values_list("password", flat=True))
    response = client.post(reverse("classroom:student_password", args=[exercise.pk]), {"membership": value},
                           follow=True)
    assert response.status_code == 200
    assert any("no password was changed" in str(m) for m in response.context["messages"])
    assert list(User.objects.order_by("pk").values_list("password", flat=True)) == before
    assert events(exercise, ExerciseEventKind.PASSWORD_RESET) == 0


def test_password_reset_refuses_a_membership_of_another_exercise_or_the_facilitator(client, exercise, logins,
                                                                                   other_teacher, teacher):
    other = Exercise.objects.get(name="Class 2")
    [theirs] = students_create(exercise=other, actor=None, names=["Eve Other"])
    for membership in (theirs.membership_id, Membership.objects.get(exercise=exercise, user=teacher).pk):
        with pytest.raises(ApplicationError, match="not part of this exercise"):
            student_password_reset(exercise=exercise, actor=teacher, membership_id=membership)
    assert User.objects.get(username=theirs.username).check_password(theirs.password)
    assert teacher.check_password("pw-teach-123")


def test_password_reset_is_refused_to_another_teacher_and_to_a_student(client, exercise, logins, other_teacher):
    anna, bo = logins[0], logins[1]
    url = reverse("classroom:student_password", args=[exercise.pk])
    for who in (other_teacher, User.objects.get(username=bo.username)):
        client.force_login(who)
        assert client.post(url, {"membership": anna.membership_id}).status_code == 403
        with pytest.raises(ApplicationError, match="Only the teacher running this exercise"):
            student_password_reset(exercise=exercise, actor=who, membership_id=anna.membership_id)
        assert client.get(reverse("classroom:slips", args=[exercise.pk])).status_code == 403
    assert User.objects.get(username=anna.username).check_password(anna.password)
    assert events(exercise, ExerciseEventKind.PASSWORD_RESET) == 0


def test_password_reset_opens_a_login_locked_by_wrong_tries(client, exercise, logins, settings):
    """A student who locked their login by mistyping logs in with the new slip at once, not in 15 minutes."""
    from django.test import Client

    settings.AXES_FAILURE_LIMIT = 3
    anna, bo = logins[0], logins[1]
    phone = Client(REMOTE_ADDR="192.0.2.40")
    for _ in range(3):
        phone.post("/admin/login/", {"username": anna.username, "password": "wrong"})
        phone.post("/admin/login/", {"username": bo.username, "password": "wrong"})
    assert phone.post("/admin/login/", {"username": anna.username, "password": anna.password}).status_code == 429
    response = client.post(reverse("classroom:student_password", args=[exercise.pk]),
                           {"membership": anna.membership_id}, follow=True)
    [slip] = response.context["slips"]
    assert phone.post("/admin/login/", {"username": anna.username, "password": slip.password}).status_code == 302
    # Only that student's lock is lifted.
    assert Client(REMOTE_ADDR="192.0.2.40").post(
        "/admin/login/", {"username": bo.username, "password": bo.password}).status_code == 429


def test_password_reset_is_post_only(client, exercise, logins):
    assert client.get(reverse("classroom:student_password", args=[exercise.pk])).status_code == 405


# --- Reset and delete an exercise -----------------------------------------------------------------------


def counts(exercise: Exercise) -> tuple[int, int, int]:
    return (Case.objects.filter(exercise=exercise).count(), TimedEvent.objects.filter(exercise=exercise).count(),
            Person.objects.filter(exercise=exercise).count())


def test_reset_returns_to_the_packs_start_and_keeps_students_and_their_offices(client, exercise, logins):
    start, fresh = exercise.clock, counts(exercise)
    seats = set(Membership.objects.filter(exercise=exercise).values_list("user__username", "office__name"))
    fast_forward(exercise=exercise, actor=None, days=120)  # timed events fire, cases arrive and move
    exercise.refresh_from_db()
    assert exercise.clock > start and counts(exercise) != fresh
    page = client.get(reverse("classroom:reset", args=[exercise.pk]))
    assert "Yes, reset the exercise" in page.content.decode()
    exercise.refresh_from_db()
    assert exercise.clock > start  # the confirmation page changes nothing
    response = client.post(reverse("classroom:reset", args=[exercise.pk]))
    assert response["Location"] == reverse("classroom:console", args=[exercise.pk])
    exercise.refresh_from_db()
    assert exercise.clock == start and exercise.regime == "1957_lenient" and not exercise.paused
    assert counts(exercise) == fresh
    assert not CaseEvent.objects.filter(exercise=exercise, sim_time__gt=start).exists()
    assert set(Membership.objects.filter(exercise=exercise).values_list("user__username", "office__name")) == seats
    assert User.objects.get(username=logins[0].username).check_password(logins[0].password)
    assert events(exercise, ExerciseEventKind.EXERCISE_RESET) == 1
    # Time moves on again from the start, the timed events fire again.
    fast_forward(exercise=exercise, actor=None, days=60)
    assert MarriageCase.objects.filter(exercise=exercise).count() > fresh[0]


def _everything(exercise: Exercise) -> dict[str, int]:
    """Count the exercise's rows in every table that hangs off it (the permit app's too)."""
    out = {}
    for rel in Exercise._meta.related_objects:
        if rel.one_to_many:
            out[rel.related_model._meta.label] = rel.related_model._default_manager.filter(
                **{rel.field.name: exercise}).count()
    return out


@pytest.mark.parametrize("slug", [p.slug for p in all_packs()])
def test_every_pack_resets_and_deletes_after_its_cases_moved_on(client, teacher, slug):
    """A month on, a pack's exercise holds rows that refer to its cases (a crossing names the permit it was
    made on, and may not outlive it): reset and delete take them too, and nothing is left over."""
    exercise = load_pack(slug, name=f"Reset {slug}", actor=teacher)
    fresh = _everything(exercise)
    fast_forward(exercise=exercise, actor=None, days=60)
    moved = _everything(exercise)
    assert moved != fresh
    response = client.post(reverse("classroom:reset", args=[exercise.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("classroom:console", args=[exercise.pk])
    after = _everything(exercise)
    kept = {"cases.ExerciseEvent"}  # the exercise's own history keeps the reset (and the month's moves)
    assert {k: v for k, v in after.items() if k not in kept} == {k: v for k, v in fresh.items() if k not in kept}
    fast_forward(exercise=exercise, actor=None, days=60)
    pk = exercise.pk
    response = client.post(reverse("classroom:delete", args=[pk]), {"confirm_name": exercise.name})
    assert response.status_code == 302 and not Exercise.objects.filter(pk=pk).exists()
    assert not any(rel.related_model._default_manager.filter(**{f"{rel.field.name}_id": pk}).exists()
                   for rel in Exercise._meta.related_objects if rel.one_to_many)


def running_job(exercise: Exercise) -> Job:
    return Job.objects.create(kind=JobKind.TIME_MOVE, exercise=exercise, status=JobStatus.RUNNING, total=1)


def test_reset_and_delete_are_refused_while_a_job_of_the_exercise_runs(client, exercise, logins):
    running_job(exercise)
    fast_forward(exercise=exercise, actor=None, days=30)
    exercise.refresh_from_db()
    clock, before = exercise.clock, counts(exercise)
    response = client.post(reverse("classroom:reset", args=[exercise.pk]), follow=True)
    assert any("still queued or running" in str(m) for m in response.context["messages"])
    response = client.post(reverse("classroom:delete", args=[exercise.pk]), {"confirm_name": exercise.name},
                           follow=True)
    assert any("still queued or running" in str(m) for m in response.context["messages"])
    exercise.refresh_from_db()
    assert exercise.clock == clock and counts(exercise) == before
    assert User.objects.filter(username=logins[0].username).exists()


def test_delete_removes_the_exercise_its_rows_and_its_own_student_logins_and_leaves_an_audit(
        client, teacher, exercise, logins, other_teacher):
    other = Exercise.objects.get(name="Class 2")
    shared = User.objects.get(username=logins[1].username)
    Membership.objects.create(exercise=other, user=shared, office=other.offices.first())  # plays elsewhere too
    other_before = counts(other)
    page = client.get(reverse("classroom:delete", args=[exercise.pk])).content.decode()
    assert logins[0].username in page and logins[1].username not in page
    pk = exercise.pk
    response = client.post(reverse("classroom:delete", args=[pk]), {"confirm_name": exercise.name})
    assert response["Location"] == reverse("classroom:home")
    assert not Exercise.objects.filter(pk=pk).exists()
    assert not Case.objects.filter(exercise_id=pk).exists() and not TimedEvent.objects.filter(exercise_id=pk).exists()
    assert not Membership.objects.filter(exercise_id=pk).exists()
    assert not User.objects.filter(username__in=[s.username for s in (logins[0], logins[2], logins[3])]).exists()
    assert User.objects.filter(pk=shared.pk).exists() and User.objects.filter(pk=teacher.pk).exists()
    assert counts(other) == other_before
    entry = LogEntry.objects.get(object_id=str(pk), action_flag=DELETION)
    assert entry.user_id == teacher.pk and "Class 1" in entry.object_repr and "student login(s)" in entry.change_message


@pytest.mark.parametrize("typed", ["", "Class", "class 1", "Class 2"])
def test_delete_without_the_exact_name_deletes_nothing(client, exercise, logins, typed):
    response = client.post(reverse("classroom:delete", args=[exercise.pk]), {"confirm_name": typed}, follow=True)
    assert any("nothing was deleted" in str(m) for m in response.context["messages"])
    assert Exercise.objects.filter(pk=exercise.pk).exists() and Exercise.objects.filter(name="Class 1").exists()


def test_reset_and_delete_are_refused_to_another_teacher_and_to_a_student(client, exercise, logins, other_teacher):
    fast_forward(exercise=exercise, actor=None, days=30)
    exercise.refresh_from_db()
    clock, before = exercise.clock, counts(exercise)
    for who in (other_teacher, User.objects.get(username=logins[0].username)):
        client.force_login(who)
        for name in ("reset", "delete"):
            url = reverse(f"classroom:{name}", args=[exercise.pk])
            assert client.get(url).status_code == 403
            assert client.post(url, {"confirm_name": exercise.name}).status_code == 403
        with pytest.raises(ApplicationError):
            exercise_reset(exercise=exercise, actor=who)
        with pytest.raises(ApplicationError):
            exercise_delete(exercise=exercise, actor=who)
    exercise.refresh_from_db()
    assert exercise.clock == clock and counts(exercise) == before
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_reset_of_an_exercise_without_a_pack_says_why(teacher):
    bare = Exercise.objects.create(name="Hand-made", clock=Exercise._meta.get_field("clock").validators[0].limit_value)
    with pytest.raises(ApplicationError, match="not loaded from a scenario pack"):
        exercise_reset(exercise=bare, actor=teacher)


def test_unknown_exercise_ids_are_404(client, teacher):
    for name in ("reset", "delete", "slips", "student_password"):
        assert client.post(reverse(f"classroom:{name}", args=[987654])).status_code == 404


# --- Names, not logins --------------------------------------------------------------------------------


def test_timeline_console_and_students_page_show_the_students_name_with_the_login(client, exercise, logins):
    anna = User.objects.get(username=logins[0].username)  # the first seat: the Works
    for case in MarriageCase.objects.filter(exercise=exercise):
        try:
            case_transition(case=case, transition="forward_to_province", actor=anna)
        except ApplicationError:
            continue
        break
    else:
        pytest.fail("no case the Works could forward")
    shown = f'<span class="bd-person">Anna Li</span> <small class="bd-login">{anna.username}</small>'
    opts = MarriageCase._meta
    for url in (reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[case.pk]),
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[case.pk])):
        assert shown in client.get(url).content.decode(), url
    console = client.get(reverse("classroom:console", args=[exercise.pk])).content.decode()
    assert shown in console.split('id="cr-students"', 1)[1]
    students_page = client.get(reverse("classroom:students", args=[exercise.pk])).content.decode()
    assert shown in students_page


def test_console_history_names_the_teacher(client, teacher, exercise):
    teacher.first_name, teacher.last_name = "Mei", "Zhou"
    teacher.save()
    client.post(reverse("classroom:console", args=[exercise.pk]), {"action": "pause"})
    history = client.get(reverse("classroom:console", args=[exercise.pk])).content.decode().split('id="cr-history"')[1]
    assert '<span class="bd-person">Mei Zhou</span> <small class="bd-login">teach</small>' in history


# --- Role cards and loading ------------------------------------------------------------------------------


def test_role_card_names_the_pre_1958_referral_not_the_letters_line(client, exercise):
    page = client.get(reverse("classroom:role_cards", args=[exercise.pk])).content.decode()
    assert "Policy in force: 1957 lenient line" not in page
    assert "Referral to the Central Committee" in page and "MAR-0 before 18 Oct 1958" in page
    assert "From 18 Oct 1958 (scheduled in this exercise)" in page
    fast_forward(exercise=exercise, actor=None, days=60)  # past D2: the work unit decides
    page = client.get(reverse("classroom:role_cards", args=[exercise.pk])).content.decode()
    assert "work unit, which decides" in page and "Referral to the Central Committee" not in page


def test_load_progress_of_a_finished_load_opens_the_console(client, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("classroom:load_start"), {"slug": "marriage-1958", "name": "Opens", "students": "8"})
    load = Job.objects.get(name="Opens")
    response = client.get(reverse("classroom:load_progress", args=[load.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("classroom:console", args=[Exercise.objects.get(name="Opens").pk])


def test_pages_of_an_exercise_without_a_pack_work_and_reset_says_why(client, teacher):
    bare = Exercise.objects.create(name="Hand-made 2", clock=exercise_start())
    Membership.objects.create(exercise=bare, user=teacher, is_facilitator=True)
    for name in ("role_cards", "slips", "reset", "delete", "students"):
        assert client.get(reverse(f"classroom:{name}", args=[bare.pk])).status_code == 200, name
    response = client.post(reverse("classroom:reset", args=[bare.pk]), follow=True)
    assert any("not loaded from a scenario pack" in str(m) for m in response.context["messages"])


def exercise_start():
    import datetime as dt

    return dt.datetime(1958, 9, 1, 9, tzinfo=dt.UTC)


def test_a_student_is_greeted_by_their_whole_name_not_its_first_word(exercise):
    """The admin greets a user by the short name: "Li Wei" read "WELCOME, LI." (his family name)."""
    made = students_create(exercise=exercise, actor=None, names=["Li Wei", "Kim Min-ji"])
    for login in made:
        user = get_user_model().objects.get(username=login.username)
        assert user.get_short_name() == login.display_name and user.get_full_name() == login.display_name
    client = Client()
    client.force_login(get_user_model().objects.get(username=made[0].username))
    page = client.get(reverse("classroom:inbox"), follow=True).content.decode()
    assert "<strong>Li Wei</strong>" in page


def test_recent_loads_lists_the_teachers_pack_loads_only(client, teacher, django_capture_on_commit_callbacks):
    """A fast-forward is a job too: the Classroom page listed it as a nameless load whose link said "No such file"."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("classroom:load_start"), {"slug": "marriage-1958", "name": "Listed", "students": "5"})
    load = Job.objects.get(name="Listed")
    moved = Job.objects.create(kind=JobKind.TIME_MOVE, exercise=load.exercise, requested_by=teacher,
                               status=JobStatus.DONE, total=1)
    page = client.get(reverse("classroom:home")).content.decode()
    assert reverse("classroom:load_progress", args=[load.pk]) in page and ">Listed</a>" in page
    assert reverse("classroom:load_progress", args=[moved.pk]) not in page


def test_a_double_click_on_load_runs_one_load_and_both_clicks_follow_it(client, teacher,
                                                                        django_capture_on_commit_callbacks):
    """A double click on "Load this scenario" made a second load that failed on the name the first had taken,
    and the browser landed on its "Failed" page, with no way to the console."""
    form = {"slug": "marriage-1958", "name": "Double click", "students": "5"}
    first = client.post(reverse("classroom:load_start"), form)  # queued: the worker has not run it yet
    second = client.post(reverse("classroom:load_start"), form)
    load = Job.objects.get(kind=JobKind.LOAD, name="Double click")  # one job only
    progress = reverse("classroom:load_progress", args=[load.pk])
    assert first["Location"] == progress and second["Location"] == progress
    Job.objects.filter(pk=load.pk).update(status=JobStatus.FAILED)  # a failed load frees the name
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("classroom:load_start"), form)
    done = Job.objects.filter(kind=JobKind.LOAD, name="Double click").exclude(pk=load.pk).get()
    assert done.status == JobStatus.DONE and again["Location"] == reverse("classroom:load_progress", args=[done.pk])
    late = client.post(reverse("classroom:load_start"), form)  # the second click after the load finished
    assert late["Location"] == reverse("classroom:load_progress", args=[done.pk])
    assert Exercise.objects.filter(name="Double click").count() == 1


def test_reloading_the_slips_page_neither_creates_the_students_again_nor_resets_again(client, exercise):
    """The form redirects to the page showing the slips: a reload (F5) shows the same slips, and changes nothing."""
    url = reverse("classroom:students", args=[exercise.pk])
    posted = client.post(url, {"names": "Reload Test"})
    assert posted.status_code == 302 and "?batch=" in posted["Location"]
    first = client.get(posted["Location"])
    [made] = first.context["slips"]
    for _reload in range(2):
        again = client.get(posted["Location"])
        assert [(s.username, s.password) for s in again.context["slips"]] == [(made.username, made.password)]
    assert User.objects.filter(first_name="Reload Test").count() == 1
    assert client.get(url).context["slips"] == []  # the plain page shows no password
    assert client.get(f"{url}?batch=forged").context["slips"] == []
    # A password reset the same way: a reload shows the new slip and the password stays the one printed.
    reset = client.post(reverse("classroom:student_password", args=[exercise.pk]), {"membership": made.membership_id})
    assert reset.status_code == 302
    [slip] = client.get(reset["Location"]).context["slips"]
    [slip_again] = client.get(reset["Location"]).context["slips"]
    assert slip.password == slip_again.password != made.password
    assert User.objects.get(username=made.username).check_password(slip.password)
    assert events(exercise, ExerciseEventKind.PASSWORD_RESET) == 1


def test_moving_a_student_names_them_in_the_message_and_the_history(client, exercise):
    """The console said "Marriage-before-and-02 now holds …": the login, where the teacher knows the student's name."""
    [anna] = students_create(exercise=exercise, actor=None, names=["Anna Li"])
    office = exercise.offices.get(kind="county_psb")
    page = client.post(reverse("classroom:console", args=[exercise.pk]),
                       {"action": "assign", "membership": anna.membership_id, "office": office.pk},
                       follow=True).content.decode()
    assert f"Anna Li ({anna.username}) now holds {office.name}" in page
    summary = ExerciseEvent.objects.filter(exercise=exercise).order_by("-pk").first().summary
    assert summary.startswith(f"Anna Li ({anna.username}) moved from ")
