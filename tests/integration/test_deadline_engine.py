"""The deadline engine on the real stack: PostgreSQL, Redis, Celery workers and beat, and the web.

Each test waits for outcomes (with generous limits), never for a set time.
"""

from __future__ import annotations

import re
import signal

import pytest

from tests.integration.stack import Browser, Stack, free_port, wait_for

pytestmark = pytest.mark.integration


def _all_fired(stack: Stack, exercise_id: int, total: int):
    def check():
        report = stack.report(exercise_id, note_prefix="reminder ")
        return report if report["fired"] + report["cancelled"] == total and report["pending"] == 0 else None

    return check


def test_deadline_on_a_simulated_date_fires_exactly_once_when_the_clock_passes_it(live, exercise):
    exercise_id, _ = exercise
    live.worker("w1")
    live.beat()
    mine = [live.call("register_deadline", exercise_id, "Wang Jun", "1959-04-01T12:00", "refuse_restricted_post")]
    live.manage("advance_clock", str(exercise_id), "--to", "1959-03-25")
    # Not due yet: sweeps run (the move queued one, beat queues more) and leave it pending.
    wait_for(lambda: "sweep_all" in (live.processes[0].log() + live.processes[1].log()), timeout=60,
             what="beat's periodic sweep to run")
    assert live.report(exercise_id, ids=mine)["pending"] == 1
    assert live.case_state(exercise_id, "Wang Jun") == "filed"

    live.manage("advance_clock", str(exercise_id), "--to", "1959-04-02")
    wait_for(lambda: live.case_state(exercise_id, "Wang Jun") == "refused", timeout=60,
             what="the deadline to fire")
    # Let beat sweep a few more times: still exactly one firing.
    seen = live.processes[0].log().count("cases.tasks.sweep_all")
    wait_for(lambda: live.processes[0].log().count("cases.tasks.sweep_all") >= seen + 3, timeout=60,
             what="more periodic sweeps")
    report = live.report(exercise_id, ids=mine)
    assert report == {"pending": 0, "fired": 1, "cancelled": 0, "events": 1, "deadlines_with_two_events": 0}
    assert live.report(exercise_id)["deadlines_with_two_events"] == 0  # nor any other deadline fired twice

    # Pace: beat moves the clock by itself, one simulated day per real minute.
    live.manage("advance_clock", str(exercise_id), "--pace", "1")
    wait_for(lambda: live.sql("SELECT count(*) FROM cases_clockmove WHERE exercise_id = %s AND source = 'pace'",
                              exercise_id)[0][0] > 0, timeout=60, what="beat to move the paced clock")


def test_a_thousand_deadlines_due_at_once_fire_exactly_once_with_two_workers(live, exercise):
    exercise_id, _ = exercise
    total = live.call("many_reminders", exercise_id, 100, 1000, 20)
    live.worker("w1")
    live.worker("w2")
    live.beat()
    live.call("clock_write_days", exercise_id, 30)
    live.call("queue_sweeps", exercise_id, 6)  # both workers race for the same rows
    report = wait_for(_all_fired(live, exercise_id, total), timeout=180, what="1,000 deadlines to fire", every=0.5)
    assert report["fired"] == total and report["cancelled"] == 0
    assert report["events"] == total and report["deadlines_with_two_events"] == 0
    for name in ("w1", "w2"):
        assert "sweep_exercise" in next(p for p in live.processes if p.name == name).log()


def test_a_worker_killed_mid_sweep_loses_nothing_and_fires_nothing_twice(live, exercise):
    exercise_id, _ = exercise
    total = live.call("many_reminders", exercise_id, 40, 600, 20)
    worker = live.worker("w1")
    live.call("clock_write_days", exercise_id, 30)
    # Kill the worker (and its pool child) with SIGKILL as soon as the sweep has committed some batches.
    wait_for(lambda: live.report(exercise_id, note_prefix="reminder ")["fired"] > 0, timeout=90, every=0.05,
             what="the sweep to start firing")
    worker.kill(signal.SIGKILL)
    worker.popen.wait(10)
    mid = live.report(exercise_id, note_prefix="reminder ")
    assert 0 < mid["fired"] < total, "the worker should have died in the middle of the sweep"
    assert mid["events"] == mid["fired"] and mid["deadlines_with_two_events"] == 0

    live.worker("w1b")
    live.beat()  # the periodic sweep picks up what the dead worker left
    report = wait_for(_all_fired(live, exercise_id, total), timeout=180, what="the rest to fire", every=0.5)
    assert report["fired"] == total and report["events"] == total
    assert report["deadlines_with_two_events"] == 0


def test_with_redis_stopped_the_web_keeps_serving_and_deadlines_catch_up(live, exercise):
    exercise_id, suffix = exercise
    live.worker("w1")
    live.beat()
    port = free_port()
    live.web(port)
    browser = Browser(f"http://127.0.0.1:{port}")
    wait_for(lambda: browser.request("/admin/login/") and browser.statuses[-1][1] == 200, timeout=60,
             what="the web server")
    browser.login("teacher" + suffix, "borderdesk")
    mine = [live.call("register_deadline", exercise_id, "Wang Jun", "1959-03-10T12:00", "refuse_restricted_post")]

    live.redis.stop()
    clock_url = f"/admin/cases/exercise/{exercise_id}/clock/"
    page = browser.request(clock_url)
    seen = re.search(r'name="advance-seen_clock" value="([^"]+)"', page).group(1)
    moved = browser.request(clock_url, {"csrfmiddlewaretoken": browser.csrf(page), "advance-days": "14",
                                        "advance-seen_clock": seen})
    assert "The clock moved to" in moved
    for path in ("/admin/", "/admin/cases/marriagecase/", "/admin/cases/deadline/", clock_url):
        browser.request(path)
    assert all(status < 500 for _, status in browser.statuses), browser.statuses
    assert live.call("clock", exercise_id).startswith("1959-03-16")
    # The time move fires what falls due on its way itself, broker or not.
    assert live.case_state(exercise_id, "Wang Jun") == "refused"
    assert live.report(exercise_id, ids=mine)["fired"] == 1
    # A clock moved underneath the time service (the low-level write) leaves its deadline to the sweep.
    assert live.call("many_reminders", exercise_id, 1, 1, 2) == 1
    live.call("clock_write_days", exercise_id, 7)
    assert live.report(exercise_id, note_prefix="reminder ")["pending"] == 1  # no broker, no sweep yet

    live.redis.start()  # same port: worker and beat reconnect, the periodic sweep catches up
    wait_for(lambda: live.report(exercise_id, note_prefix="reminder ")["fired"] == 1, timeout=120, every=0.5,
             what="the deadline to fire after Redis returned")
    report = live.report(exercise_id, note_prefix="reminder ")
    assert report["fired"] == 1 and report["events"] == 1 and report["deadlines_with_two_events"] == 0

