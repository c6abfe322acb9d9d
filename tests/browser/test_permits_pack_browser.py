"""The permits pack in real Chromium: the teacher loads it and seats students from a CSV file; in September
1963 the station issues the permit itself from its inbox and prints it (HTML and PDF, the one permit
document; the county's pass is the 1964 Protocol's); the teacher fast-forwards a year and sees the case
closed (PER-5, PER-7, PER-12)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cases.models import Exercise
from permits.models import PermitCase
from permits.models.permit import PermitState
from tests.browser.conftest import ARTIFACTS
from tests.browser.support import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _student(chromium, base: str, username: str, password: str):
    context, page = logged_in(chromium, base, username, password)
    page.wait_for_selector("#cr-inbox")
    return context, page


def test_permits_pack_csv_logins_station_forwards_bureau_prints_pass_teacher_sees_it_lapse(
        chromium, live_server, shot, tmp_path, border_geography):
    """PER-5, PER-12: in September 1963 the station issues the permit itself and prints it (D9 §4; the county's
    one-month pass is the 1964 Protocol's); the permit lapses unused after a month."""
    get_user_model().objects.create_superuser("teacher2", "t2@example.org", "teach-pass-1963")
    base = live_server.url
    teacher_ctx, t = logged_in(chromium, base, "teacher2", "teach-pass-1963")

    # --- The teacher loads the permits pack from the admin button.
    t.goto(f"{base}/admin/classroom/")
    pack = t.locator("[data-pack=permits-1963]")
    pack.locator("input[name=name]").fill("Class 4A")
    pack.locator("input[type=submit]").click()
    # Loading 20 applications with their documents takes a few seconds, longer on a busy CI machine.
    # The progress page opens the console by itself once the load is done.
    t.wait_for_selector("#cr-queues", timeout=60_000)
    exercise = Exercise.objects.get(name="Class 4A")

    # --- Logins from a CSV file (header skipped); both fill the station's seats; one moves to the bureau.
    csv = tmp_path / "class-4a.csv"
    csv.write_text("name,group\nHana Cho,A\nIvan Song,B\n", encoding="utf-8")
    t.click("text=Create student logins")
    t.set_input_files("#id_csv_file", str(csv))
    t.click("#cr-students-form input[type=submit]")
    t.wait_for_selector("#cr-login-sheet")
    logins = [(r.locator(".cr-username").inner_text().strip(), r.locator(".cr-password").inner_text().strip())
              for r in t.locator(".cr-login").all()]
    assert len(logins) == 2 and "Nanping Border Work Station" in t.inner_text("#cr-login-sheet")
    assert t.input_value("#id_count") == ""  # the form under the sheet is empty again
    shot(t, "11-permits-login-sheet-from-csv")
    t.goto(f"{base}/admin/classroom/exercise/{exercise.pk}/console/")
    ivan = t.locator("#cr-students tr", has_text="Ivan Song")
    ivan.locator("select[name=office]").select_option(label="Helong County Public Security Bureau")
    ivan.locator("input[type=submit]").click()
    t.wait_for_selector("text=now holds Helong County Public Security Bureau")
    t.goto(f"{base}/admin/classroom/exercise/{exercise.pk}/role-cards/")
    station_card = t.inner_text(".card[data-office=border_station]")
    assert "PER-5" in station_card and "Marriage case" not in station_card  # only this pack's procedures
    shot(t, "12-permits-role-cards")

    # --- The station issues the oldest application from its inbox (before D10 the county does not, PER-5).
    station_ctx, s = _student(chromium, base, *logins[0])
    row = s.locator("tr.cr-inbox-row").first
    reference = row.get_attribute("data-reference")
    assert "PER-" in row.inner_text()
    # Anywhere in the row opens the case: the middle of "where it stands", in a row made tall by its rules.
    assert row.bounding_box()["height"] > 2 * row.locator("td").nth(2).locator("a").bounding_box()["height"]
    row.locator("td").nth(2).click()
    s.wait_for_selector("#bd-steps")
    assert s.locator("input[name=take_forward_to_county]").count() == 0
    assert "before the 1964 Protocol the station issues the permit itself" in s.inner_text("#bd-steps")
    s.click("input[name=take_issue_at_station]")
    s.wait_for_selector(".messagelist .success")
    shot(s, "13-permits-station-issued")
    case = PermitCase.objects.get(exercise=exercise, reference=reference)
    assert case.state == "issued"

    # --- The station prints it as HTML and PDF; the bureau, not involved before D10, has nothing waiting.
    bureau_ctx, b = _student(chromium, base, *logins[1])
    assert b.locator(f"tr.cr-inbox-row[data-reference='{reference}']").count() == 0
    b = s
    b.wait_for_selector("#bd-print-link")
    case.refresh_from_db()
    # PER-1's permit (D9 §1), not the 1964 Protocol's transit pass
    assert case.permit_number.startswith("BP-1963-") and "transit pass" not in b.inner_text("#bd-permit-papers")
    assert b.get_attribute("#bd-print-link", "href") == f"/admin/classroom/case/{case.pk}/documents/border-permit/"
    b.goto(base + b.get_attribute("#bd-print-link", "href"))
    sheet = b.inner_text("#permit-page")
    for text in (reference, case.permit_number, case.applicant.name, "Nanping - Musan", "PER-5", "D9 §4",
                 "10 September 1963", "one month is assumed"):
        assert text in sheet, text
    assert "PER-8" not in sheet and "Crossing hours" not in sheet  # D10's hours are not yet in force
    assert "transit pass" not in sheet.lower()
    shot(b, "14-permits-border-permit")
    assert b.get_attribute("#doc-pdf", "href") == "?format=pdf"
    pdf = b.request.get(b.url + "?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    (ARTIFACTS / "14-permits-border-permit.pdf").write_bytes(pdf.body())

    # --- The teacher fast-forwards a year: the unused permit lapsed (PER-12) and shows so.
    # A double click moves time on once: the page sends one request, and the server would refuse a second.
    t.goto(f"{base}/admin/classroom/exercise/{exercise.pk}/console/")
    t.dblclick("#cr-fast-forward")
    t.wait_for_selector(".messagelist .success")
    assert t.locator(".messagelist .error").count() == 0
    assert t.get_attribute("#cr-sim-date", "data-date").startswith("1964-09")
    # The autopilot plays the holder: he uses the permit or lets it lapse (PER-12); either way the year closes it.
    case.refresh_from_db()
    assert case.is_closed and case.state in ("expired", "returned", "returned_late", "not_returned")
    t.goto(f"{base}/admin/permits/permitcase/{case.pk}/change/")
    assert PermitState(case.state).label in t.inner_text(".bd-state")
    shot(t, "15-permits-teacher-sees-lapse")
    for ctx in (teacher_ctx, station_ctx, bureau_ctx):
        ctx.close()
