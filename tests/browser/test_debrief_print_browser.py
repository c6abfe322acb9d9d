"""The printable debrief in Chromium: an A4 page with no admin chrome, the pack's questions with numbers,
the same pygal charts, and nothing wider than the paper (issue 17)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import ARTIFACTS
from tests.browser.support import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_debrief_prints_on_a4_with_the_questions_and_charts(chromium, live_server, shot):
    from cases.classroom.loader import load_pack
    from cases.classroom.timekeeping import fast_forward

    teacher = get_user_model().objects.create_user("teach", password="pw-teach-123", is_staff=True)
    exercise = load_pack("marriage-1958", name="Print class", actor=teacher)
    fast_forward(exercise=exercise, actor=teacher, days=200)
    context, page = logged_in(chromium, live_server.url, "teach", "pw-teach-123")
    page.goto(f"{live_server.url}/admin/cases/exercise/{exercise.pk}/debrief/")
    shot(page, "debrief-page")
    with context.expect_page() as opened:
        page.click("#bd-print-links a[href$='/debrief/print/']")
    printed = opened.value
    printed.wait_for_load_state()
    printed.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    shot(printed, "debrief-print")
    assert printed.locator("#header, .breadcrumbs, #nav-sidebar").count() == 0
    questions = printed.inner_text("#bd-questions")
    assert "How many steps and offices" in questions and "{" not in questions
    assert "closed as approved" in questions and "of closed cases" in questions
    assert printed.locator("svg.pygal-chart").count() >= 2
    printed.emulate_media(media="print")
    overflow = printed.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    pdf = printed.pdf(format="A4", prefer_css_page_size=True)
    (ARTIFACTS / "debrief-print-chromium.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    context.close()
