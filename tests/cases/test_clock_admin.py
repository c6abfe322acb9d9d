"""The teacher moves the clock from the admin; going backwards is refused with a clear message."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import ClockMove, Deadline, DeadlineKind, Exercise, MarriageCase


def client_for(desk, login: str) -> Client:
    client = Client()
    client.force_login(desk.user(login))
    return client


def seen(desk) -> str:
    """The clock a freshly shown Clock page carries in its form."""
    return Exercise.objects.get(pk=desk.exercise.pk).clock.isoformat()


def test_teacher_advances_the_clock_from_the_admin_and_backwards_is_refused(desk, django_capture_on_commit_callbacks):
    url = reverse("admin:cases_exercise_clock", args=[desk.exercise.pk])
    teacher = client_for(desk, "teacher")
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Wang Jun")
    Deadline.objects.create(
        case=case, exercise=desk.exercise, kind=DeadlineKind.EXPIRY,
        due_at=desk.exercise.clock + dt.timedelta(days=2), action="refuse_restricted_post",
    )
    page = teacher.get(url)
    assert page.status_code == 200 and b"Advance the clock" in page.content
    assert b"Refuse: restricted post" in page.content  # the step it fires, by its label
    start = desk.exercise.clock
    with django_capture_on_commit_callbacks(execute=True):
        response = teacher.post(url, {"advance-seen_clock": seen(desk), "advance-days": "5",
                                      "advance-note": "week two"}, follow=True)
    assert response.status_code == 200
    assert Exercise.objects.get(pk=desk.exercise.pk).clock == start + dt.timedelta(days=5)
    assert MarriageCase.objects.get(pk=case.pk).state == "refused"  # the queued sweep fired it

    # The move went through the deadline's due time on its way (the deadline fired then), and ends at +5.
    assert ClockMove.objects.filter(exercise=desk.exercise).first().to_time == start + dt.timedelta(days=5)
    moves = ClockMove.objects.filter(exercise=desk.exercise).count()
    response = teacher.post(url, {"advance-seen_clock": seen(desk), "advance-to": "1958-01-01"}, follow=True)
    assert response.status_code == 200
    assert b"never goes backwards" in response.content
    assert Exercise.objects.get(pk=desk.exercise.pk).clock == start + dt.timedelta(days=5)
    assert ClockMove.objects.filter(exercise=desk.exercise).count() == moves

    response = teacher.post(url, {"advance-seen_clock": seen(desk), "advance-to": "1960-02-01"}, follow=True)
    assert timezone.localtime(Exercise.objects.get(pk=desk.exercise.pk).clock).date() == dt.date(1960, 2, 1)
    response = teacher.post(url, {"advance-seen_clock": seen(desk), "advance-days": "abc"}, follow=True)
    assert response.status_code == 200
    response = teacher.post(url, {"pace-pace": "2"}, follow=True)
    assert Exercise.objects.get(pk=desk.exercise.pk).pace_days_per_minute == 2


def test_students_cannot_move_the_clock(desk):
    url = reverse("admin:cases_exercise_clock", args=[desk.exercise.pk])
    start = desk.exercise.clock
    response = client_for(desk, "workunit").post(url, {"advance-seen_clock": seen(desk), "advance-days": "5"})
    assert response.status_code in (403, 404)
    assert Exercise.objects.get(pk=desk.exercise.pk).clock == start


def test_deadlines_are_listed_read_only(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Wang Jun")
    d = Deadline.objects.create(
        case=case, exercise=desk.exercise, kind=DeadlineKind.EXPIRY,
        due_at=desk.exercise.clock + dt.timedelta(days=2), action="refuse_restricted_post",
    )
    teacher = client_for(desk, "teacher")
    listing = teacher.get(reverse("admin:cases_deadline_changelist"))
    assert listing.status_code == 200
    assert "Refuse: restricted post" in listing.content.decode()  # what it fires, in words, as on the case page
    page = teacher.get(reverse("admin:cases_deadline_change", args=[d.pk]))
    assert page.status_code == 200 and b"Save" not in page.content
    case_page = teacher.get(reverse("admin:cases_marriagecase_change", args=[case.pk]))
    assert b"refuse_restricted_post" in case_page.content


def test_exercise_change_form_cannot_set_the_clock_back(desk):
    teacher = client_for(desk, "teacher")
    start = desk.exercise.clock
    page = teacher.get(reverse("admin:cases_exercise_change", args=[desk.exercise.pk]))
    assert page.status_code == 200 and b'name="clock"' not in page.content
    add = teacher.get(reverse("admin:cases_exercise_add"))
    assert add.status_code == 200 and b'name="clock' in add.content
    assert Exercise.objects.get(pk=desk.exercise.pk).clock == start


def test_the_exercise_form_changes_nothing_the_console_does_through_its_services(desk):
    """Pausing, the regime and the counterfactual flag go through the console's services (recorded in its history);
    the admin's change form saved them straight into the row, unrecorded. Deleting is the console's too: the admin's
    delete action ended in a permission error about case events."""
    teacher = client_for(desk, "teacher")
    url = reverse("admin:cases_exercise_change", args=[desk.exercise.pk])
    page = teacher.get(url).content.decode()
    for name in ("paused", "regime", "counterfactual", "clock"):
        assert f'name="{name}"' not in page, name
    before = Exercise.objects.filter(pk=desk.exercise.pk).values("paused", "regime", "counterfactual").get()
    teacher.post(url, {"name": desk.exercise.name, "description": "", "paused": "on", "regime": "1961_strict",
                       "counterfactual": "on"})
    assert Exercise.objects.filter(pk=desk.exercise.pk).values("paused", "regime", "counterfactual").get() == before
    listing = teacher.get(reverse("admin:cases_exercise_changelist")).content.decode()
    assert "delete_selected" not in listing
    assert teacher.get(reverse("admin:cases_exercise_delete", args=[desk.exercise.pk])).status_code == 403
