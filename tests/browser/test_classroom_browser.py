"""A class in real Chromium: the teacher loads a pack and assigns roles; a student moves a case from
the inbox; the teacher fast-forwards a year and sees the effect (MAR-0 on the pre-1958 route)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from cases.models import Exercise, MarriageCase
from tests.browser.support import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_teacher_loads_assigns_student_moves_teacher_fast_forwards(chromium, live_server, shot):
    """MAR-0: the pre-1958 case the student forwards reaches the province; a year later the Centre has ruled."""
    get_user_model().objects.create_superuser("teacher1", "t@example.org", "teach-pass-1958")
    base = live_server.url

    # --- The teacher loads the marriage pack from the admin and waits for the progress bar.
    teacher_ctx, t = logged_in(chromium, base, "teacher1", "teach-pass-1958")
    t.goto(f"{base}/admin/classroom/")
    pack = t.locator("[data-pack=marriage-1958]")
    pack.locator("input[name=name]").fill("Class 3B")
    pack.locator("input[type=submit]").click()
    # The progress page opens the console by itself once the load is done.
    t.wait_for_selector("#cr-queues")
    shot(t, "01-teacher-loaded-pack")
    exercise = Exercise.objects.get(name="Class 3B")

    # --- Student logins from a list of names, then one student is moved to another office.
    t.click("text=Create student logins")
    t.fill("#id_names", "Anna Li\nBo Kim\nCai Wen\nDara Pak")
    t.click("#cr-students-form input[type=submit]")
    t.wait_for_selector("#cr-login-sheet")
    logins = [
        (row.locator(".cr-username").inner_text().strip(), row.locator(".cr-password").inner_text().strip())
        for row in t.locator(".cr-login").all()
    ]
    assert len(logins) == 4
    shot(t, "02-teacher-login-sheet")
    t.goto(f"{base}/admin/classroom/exercise/{exercise.pk}/console/")
    dara = t.locator("#cr-students tr", has_text="Dara Pak")
    dara.locator("select[name=office]").select_option(label="DPRK Supreme People's Assembly Standing Committee")
    dara.locator("input[type=submit]").click()
    t.wait_for_selector("text=now holds DPRK Supreme People's Assembly Standing Committee")
    row = t.locator("#cr-queues tr[data-office=dprk_spa]")
    assert "Pak" in row.inner_text() or logins[3][0] in row.inner_text()
    shot(t, "03-teacher-console-roles")
    t.goto(f"{base}/admin/classroom/exercise/{exercise.pk}/role-cards/")
    assert "What you decide" in t.content()

    # --- A student of the Works logs in, lands on the inbox and forwards the pre-1958 case.
    student_ctx, s = logged_in(chromium, base, *logins[0])
    s.wait_for_selector("#cr-inbox")
    assert s.url.endswith("/admin/classroom/inbox/")
    sun = MarriageCase.objects.get(exercise=exercise, man__name="Sun Deming")
    row = s.locator(f"tr.cr-inbox-row[data-reference='{sun.reference}']")
    assert "MAR-0" in row.inner_text()
    shot(s, "04-student-inbox")
    row.locator("a").first.click()
    s.wait_for_selector("#bd-steps")
    s.click("input[name=take_forward_to_province]")
    s.wait_for_selector(".messagelist .success")
    assert "With the province" in s.inner_text(".bd-state")
    shot(s, "05-student-moved-case")
    sun.refresh_from_db()
    assert sun.state == "province_review"

    # --- The teacher fast-forwards a year; the autopilot plays the empty offices.
    t.goto(f"{base}/admin/classroom/exercise/{exercise.pk}/console/")
    t.click("#cr-fast-forward")
    t.wait_for_selector(".messagelist .success")
    message = t.inner_text(".messagelist .success")
    steps = int(re.search(r"took (\d+) step", message).group(1))
    assert steps > 0
    assert t.get_attribute("#cr-sim-date", "data-date").startswith("1959-09")
    # The D2 applications that arrived in October wait for the students at the Works.
    works_waiting = int(t.inner_text("#cr-queues tr[data-office=work_unit] .cr-waiting"))
    assert works_waiting >= 3
    shot(t, "06-teacher-after-fast-forward")
    sun.refresh_from_db()
    assert sun.state != "province_review"  # the province and the Centre (autopilot) have acted

    # --- The student sees the new applications in the inbox.
    s.goto(f"{base}/admin/classroom/inbox/")
    assert s.locator("tr.cr-inbox-row").count() >= 3
    shot(s, "07-student-inbox-after-year")
    teacher_ctx.close()
    student_ctx.close()
