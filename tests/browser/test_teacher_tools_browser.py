"""The teacher resets and then deletes an exercise from its console, through the confirmation pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cases.classroom.loader import load_pack
from cases.classroom.students import students_create
from cases.classroom.timekeeping import fast_forward
from cases.models import Exercise
from tests.browser.support import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_resets_then_deletes_an_exercise_from_the_console(chromium, live_server, shot):
    teacher = get_user_model().objects.create_superuser("teacher-tools", "t@example.org", "teach-pass-1958")
    exercise = load_pack("marriage-1958", name="Tools class", actor=teacher)
    [anna] = students_create(exercise=exercise, actor=teacher, names=["Anna Li"])
    start = exercise.clock
    fast_forward(exercise=exercise, actor=teacher, days=90)
    base = live_server.url
    ctx, t = logged_in(chromium, base, "teacher-tools", "teach-pass-1958")
    t.goto(f"{base}/admin/classroom/exercise/{exercise.pk}/console/")
    assert "Anna Li" in t.inner_text("#cr-students") and anna.username in t.inner_text("#cr-students")
    shot(t, "tools-01-console")

    t.click("#cr-reset-link")
    t.wait_for_selector("#cr-confirm-reset")
    shot(t, "tools-02-confirm-reset")
    t.click("#cr-confirm")
    t.wait_for_selector("#cr-queues")
    assert "back at the start of its pack" in t.content()
    exercise.refresh_from_db()
    assert exercise.clock == start
    assert t.get_attribute("#cr-sim-date", "data-date") == start.strftime("%Y-%m-%d")
    assert "Reset the exercise to the start" in t.inner_text("#cr-history")
    shot(t, "tools-03-console-after-reset")

    t.click("#cr-delete-link")
    t.wait_for_selector("#cr-confirm-delete")
    assert anna.username in t.inner_text("#cr-confirm-delete")
    shot(t, "tools-04-confirm-delete")
    t.fill("input[name=confirm_name]", "Tools class")
    t.click("#cr-confirm")
    t.wait_for_url(f"{base}/admin/classroom/")
    assert "Deleted the exercise 'Tools class'" in t.content()
    assert not Exercise.objects.filter(pk=exercise.pk).exists()
    assert not get_user_model().objects.filter(username=anna.username).exists()
    ctx.close()
