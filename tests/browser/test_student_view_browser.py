"""A student's admin in real Chromium: the sidebar lists their procedure only, the Add form's pickers offer
the right people and offices of their exercise, and the pause banner shows on these pages too (issue 17).

Screenshots: tests/browser/artifacts/student-index.png, student-add-form.png, student-change-list.png.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cases.models import Person
from cases.services.exercise import exercise_pause
from tests.browser.support import logged_in
from tests.desks import PASSWORD, marriage_desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sidebar_links(page) -> set[str]:
    return set(page.eval_on_selector_all("#nav-sidebar a[href]", "els => els.map(e => e.getAttribute('href'))"))


def test_a_students_sidebar_pickers_and_lists_in_chromium(chromium, live_server, shot):
    mine = marriage_desk("Class A")
    marriage_desk("Class B", suffix="-b")
    base = live_server.url
    context, page = logged_in(chromium, base, "workunit", PASSWORD)

    # The admin index sends a student to the inbox: its sidebar lists the marriage cases and all cases only.
    page.goto(f"{base}/admin/")
    page.wait_for_selector("#nav-sidebar")
    assert sidebar_links(page) == {"/admin/cases/", "/admin/cases/marriagecase/", "/admin/cases/marriagecase/add/",
                                   "/admin/cases/caseproxy/"}
    assert "Class B" not in page.content()
    shot(page, "student-index")

    # The Add form: men under Man, women under Woman, the exercise's work unit under Work unit.
    page.goto(f"{base}/admin/cases/marriagecase/add/")
    men = page.eval_on_selector_all("select[name=man] option[value]:not([value=''])", "os => os.map(o => o.text)")
    women = page.eval_on_selector_all("select[name=woman] option[value]:not([value=''])",
                                      "os => os.map(o => o.text)")
    units = page.eval_on_selector_all("select[name=work_unit] option[value]:not([value=''])",
                                      "os => os.map(o => o.text)")
    assert sorted(men) == sorted(Person.objects.filter(exercise=mine, sex="M").values_list("name", flat=True))
    assert sorted(women) == sorted(Person.objects.filter(exercise=mine, sex="F").values_list("name", flat=True))
    assert units == ["Yanji Agricultural Machinery Works"]
    assert page.locator("label[for=id_woman_has_work_in_dprk]").inner_text().startswith(
        "Woman has work in the DPRK")
    shot(page, "student-add-form")

    # A model outside the student's procedures is refused at its URL, not only left out of the sidebar.
    assert page.goto(f"{base}/admin/cases/person/").status == 403

    # The change list, then the same pages once the teacher pauses: the banner is on them too.
    exercise_pause(exercise=mine, actor=get_user_model().objects.get(username="teacher"))
    page.goto(f"{base}/admin/cases/marriagecase/")
    page.wait_for_selector("#result_list")
    assert page.locator("#bd-paused-banner").is_visible()
    filters = page.eval_on_selector_all("#changelist-filter a", "els => els.map(e => e.textContent.trim())")
    assert filters and "Class B" not in filters and "Class B" not in page.content()
    shot(page, "student-change-list")
    page.goto(f"{base}/admin/cases/marriagecase/add/")
    assert page.locator("#bd-paused-banner").is_visible()
    context.close()
