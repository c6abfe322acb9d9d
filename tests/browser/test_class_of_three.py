"""A class of three in real Chromium: a teacher on the laptop and three students on their own devices.

The teacher loads a pack from the Classroom page and prints the login sheet; three students log in,
each in a browser context of their own (two through the laptop's network address, as in a room), and
each finds work in their inbox; one acts on a case; the projector view updates without a reload; the
teacher pauses (the students see it), resumes and fast-forwards; the debrief shows the pack's
questions.

The server listens on every interface, as classroom mode does; the students reach it through the
machine's first room address (``cases.serving.network.room_addresses``), or 127.0.0.2 where the
machine has none (the stand-in the serving tests use).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from cases.classroom.packs import get_pack
from cases.models import Exercise
from tests.browser.conftest import ARTIFACTS, RoomServer
from tests.browser.support import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PACK = "marriage-1958"
STUDENTS = ["Anna Li", "Bo Kim", "Cai Wen"]
REFRESH_WAIT = 15_000  # ms: the pages poll every few seconds


def _queue(page: Any, office_kind: str) -> int:
    return int(page.inner_text(f"#pj-queues tr[data-office={office_kind}] .pj-n"))


def _take_an_open_step(page: Any) -> str:
    """Press the first open step whose form asks for nothing; return its name."""
    name = page.evaluate("""() => {
        for (const form of document.querySelectorAll('#bd-steps .bd-step-open form')) {
            if (!form.querySelector('[required]')) {
                const button = form.querySelector('input[type=submit][name^=take_]');
                if (button) { return button.name; }
            }
        }
        return null;
    }""")
    assert name, "no step the student can take without filling a form"
    page.click(f"#bd-steps input[name={name}]")
    page.wait_for_selector(".messagelist .success")
    return str(name)


def test_a_teacher_and_three_students_play_a_class(chromium, room_server, shot):
    contexts: list[Any] = []
    try:
        _play(chromium, room_server, shot, contexts)
    finally:
        for ctx in contexts:  # before the server stops: no request of theirs may outlive it
            ctx.close()


def _play(chromium: Any, room_server: RoomServer, shot: Any, contexts: list[Any]) -> None:
    get_user_model().objects.create_superuser("teacher3", "t@example.org", "teach-pass-1961")

    # --- The teacher loads the pack from the Classroom page and opens its console.
    teacher_ctx, t = logged_in(chromium, room_server.laptop, "teacher3", "teach-pass-1961")
    contexts.append(teacher_ctx)
    t.set_viewport_size({"width": 1280, "height": 720})
    t.goto(f"{room_server.laptop}/admin/classroom/")
    pack = t.locator(f"[data-pack={PACK}]")
    pack.locator("input[name=name]").fill("Class of three")
    pack.locator("input[name=students]").fill(str(len(STUDENTS)))
    pack.locator("input[type=submit]").click()
    # The progress page opens the console by itself once the load is done.
    t.wait_for_selector("#cr-queues")
    exercise = Exercise.objects.get(name="Class of three")

    # --- Logins for three students; the sheet the teacher prints.
    t.click("text=Create student logins")
    t.fill("#id_names", "\n".join(STUDENTS))
    t.click("#cr-students-form input[type=submit]")
    t.wait_for_selector("#cr-login-sheet")
    logins = [(row.locator(".cr-username").inner_text().strip(), row.locator(".cr-password").inner_text().strip())
              for row in t.locator(".cr-login").all()]
    assert len(logins) == len(STUDENTS)
    sheet = t.inner_text("#cr-login-sheet")
    assert all(name in sheet for name in STUDENTS)
    shot(t, "class3-01-login-sheet")

    # --- Three students, each in a context of their own: two through the room's address, one on the laptop.
    bases = [room_server.room_url, room_server.room_url, room_server.laptop]
    students = [logged_in(chromium, base, *login) for base, login in zip(bases, logins, strict=True)]
    contexts += [ctx for ctx, _page in students]
    for i, (_ctx, s) in enumerate(students):
        s.wait_for_selector("#cr-inbox")
        assert s.url.endswith("/admin/classroom/inbox/")
        assert s.locator("tr.cr-inbox-row").count() >= 1, f"{STUDENTS[i]} has nothing to do"
        shot(s, f"class3-02-inbox-student-{i + 1}")
    assert students[0][1].url.startswith(room_server.room_url)

    # --- The projector view, with a marker a reload would wipe.
    t.goto(f"{room_server.laptop}/admin/classroom/exercise/{exercise.pk}/console/")
    t.click("#cr-projector")
    t.wait_for_selector("#pj-queues")
    t.evaluate("window.__bdNoReload = 'still here'")
    actor_office = students[0][1].locator("tr.cr-inbox-row").first
    reference = actor_office.get_attribute("data-reference")
    office_kind = exercise.cases.get(reference=reference).next_office.kind
    waiting_before = _queue(t, office_kind)
    open_before = t.inner_text("#pj-open")
    shot(t, "class3-03-projector-before")

    # --- The first student opens a case by its row (not only its number) and takes a step.
    s1 = students[0][1]
    s1.locator(f"tr.cr-inbox-row[data-reference='{reference}'] td").nth(2).click()
    s1.wait_for_selector("#bd-steps")
    _take_an_open_step(s1)
    shot(s1, "class3-04-student-acted")

    # --- The projector follows without a reload.
    t.wait_for_function(
        f"() => Number(document.querySelector('#pj-queues tr[data-office={office_kind}] .pj-n').textContent)"
        f" !== {waiting_before}", timeout=REFRESH_WAIT)
    assert t.evaluate("window.__bdNoReload") == "still here"
    assert _queue(t, office_kind) == waiting_before - 1 or t.inner_text("#pj-open") != open_before
    shot(t, "class3-05-projector-after-step")

    # --- The teacher pauses from the console (another tab); students and the projector see it.
    console = teacher_ctx.new_page()
    console.goto(f"{room_server.laptop}/admin/classroom/exercise/{exercise.pk}/console/")
    console.click("#cr-pause")
    console.wait_for_selector("#cr-paused")
    s2 = students[1][1]
    s2.evaluate("window.__bdNoReload = 'still here'")
    s2.wait_for_selector("#cr-inbox-paused", timeout=REFRESH_WAIT)
    assert s2.evaluate("window.__bdNoReload") == "still here"
    t.wait_for_selector("#pj-paused", timeout=REFRESH_WAIT)
    assert t.evaluate("window.__bdNoReload") == "still here"
    shot(s2, "class3-06-student-sees-pause")
    shot(t, "class3-07-projector-paused")
    s1.reload()
    s1.wait_for_selector("#bd-paused-banner")  # on every page, the case page too
    assert s1.locator("#bd-steps input[name^=take_]").count() == 0

    # --- Resume and fast-forward a year: the projector's clock moves on by itself.
    console.click("text=Resume the exercise")
    console.wait_for_selector("#cr-pause")
    date_before = t.inner_text("#pj-clock")
    console.click("#cr-fast-forward")
    console.wait_for_selector(".messagelist .success", timeout=120_000)
    t.wait_for_function(f"() => document.querySelector('#pj-clock').textContent.trim() !== {date_before!r}",
                        timeout=REFRESH_WAIT)
    assert t.evaluate("window.__bdNoReload") == "still here"
    exercise.refresh_from_db()
    assert exercise.clock.year >= 1959
    shot(t, "class3-08-projector-after-year")
    t.screenshot(path=str(ARTIFACTS / "class3-08b-projector-first-screen-1280x720.png"))  # what the wall shows
    assert t.locator("#pj-queues").bounding_box()["y"] < 720  # the queues start on the first screen

    # --- A student whose session ends is sent to the login page, not shown it inside the inbox.
    ctx3, s3 = students[2]
    s3.goto(f"{room_server.laptop}/admin/classroom/inbox/")
    s3.wait_for_selector("#cr-inbox-live")
    ctx3.clear_cookies()
    s3.wait_for_url(re.compile(r"/admin/login/"), timeout=REFRESH_WAIT)
    assert s3.locator("#cr-inbox-live").count() == 0 and s3.locator("#id_username").count() == 1

    # --- The debrief shows the pack's questions (the text before any number the debrief fills in).
    t.goto(f"{room_server.laptop}/admin/cases/exercise/{exercise.pk}/debrief/")
    t.wait_for_load_state()
    body = t.inner_text("#content")
    shot(t, "class3-09-debrief")
    questions = [re.split(r"\{", q["text"])[0].strip()[:60] for q in get_pack(PACK).data.get("debrief", [])]
    assert questions
    missing = [q for q in questions if q not in body]
    assert not missing, missing
    # The class's numbers are filled in: no placeholder is left in braces, and the outcome question quotes
    # the figure with its definition.
    assert not re.search(r"\{[a-z_]+\}", body), "an unfilled placeholder on the debrief page"
    assert "of closed cases" in body
