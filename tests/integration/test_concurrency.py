"""Sixteen simultaneous attempts at the same step on one case, on PostgreSQL through the web server.

Exactly one moves the case; the other fifteen get a clear message; no 5xx; one event.
"""

from __future__ import annotations

import re
import threading

import pytest

from tests.integration.stack import Browser, free_port, wait_for

pytestmark = pytest.mark.integration

ATTEMPTS = 16


def test_sixteen_simultaneous_attempts_one_succeeds_the_rest_get_a_clear_message(live, exercise):
    exercise_id, suffix = exercise
    case_id = live.sql(
        "SELECT c.id FROM cases_case c JOIN cases_marriagecase m ON m.case_ptr_id = c.id "
        "JOIN cases_person p ON p.id = m.man_id WHERE c.exercise_id = %s AND p.name = 'Zhang Wenhai'", exercise_id
    )[0][0]
    port = free_port()
    live.web(port)
    base = f"http://127.0.0.1:{port}"
    probe = Browser(base)
    wait_for(lambda: probe.request("/admin/login/") and probe.statuses[-1][1] == 200, timeout=60,
             what="the web server")
    page_url = f"/admin/cases/marriagecase/{case_id}/change/"
    step_url = f"/admin/cases/marriagecase/{case_id}/step/begin_dissuasion/"
    browsers, tokens = [], []
    for _ in range(ATTEMPTS):  # sixteen sessions of the work unit's clerks, each with its own token
        browser = Browser(base)
        browser.login("workunit" + suffix, "borderdesk")
        tokens.append(browser.csrf(browser.request(page_url)))
        browsers.append(browser)

    barrier = threading.Barrier(ATTEMPTS)
    pages: list[str] = [""] * ATTEMPTS

    def attempt(i: int) -> None:
        barrier.wait()
        pages[i] = browsers[i].request(step_url, {"csrfmiddlewaretoken": tokens[i], "begin_dissuasion-note": str(i)})

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    statuses = [status for b in browsers for path, status in b.statuses if path == step_url]
    assert len(statuses) == ATTEMPTS and all(s < 500 for s in statuses), statuses
    done = [p for p in pages if "Done: Try to dissuade him" in p]
    refused = [p for p in pages if re.search(r"cannot be taken while the case is at|Someone else moved this case", p)]
    assert len(done) == 1 and len(refused) == ATTEMPTS - 1
    assert live.sql("SELECT state FROM cases_case WHERE id = %s", case_id)[0][0] == "dissuasion"
    events = live.sql(
        "SELECT count(*) FROM cases_caseevent WHERE case_id = %s AND transition = 'begin_dissuasion'", case_id
    )
    assert events[0][0] == 1
