"""Every page a class uses fits a phone's screen (390 px, portrait), in real Chromium on a served room.

A student on their own phone reaches the room's address; no page of theirs may be wider than the
screen (before cases/static/cases/narrow.css the inbox was 461 px wide, its rows squeezed to a word a
line, and the case page's timeline 533 px). The teacher's pages are opened on a phone too: a teacher
walks the room with one. The print pages carry a viewport and the site's icon (they had neither, so a
phone showed them at 980 px), and a page served to the room over plain http sends no
Cross-Origin-Opener-Policy, which browsers ignore there with a warning on every page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from cases.classroom.loader import load_pack
from cases.classroom.students import students_create
from cases.classroom.timekeeping import fast_forward
from tests.browser.conftest import RoomServer
from tests.browser.support import PHONE, logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What makes the page wider than the screen: the outermost elements that stick out of a parent that
# does not, outside any box that scrolls or clips on its own (such a box is allowed to be wide).
OVERFLOW = """() => {
  const d = document.documentElement, cw = d.clientWidth;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.getAttribute('class') ? '.' + e.getAttribute('class').trim().split(/\\s+/).join('.') : '');
  const boxed = e => { for (let a = e.parentElement; a && a !== d; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') { return true; } } return false; };
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > cw + 1 && !boxed(e) && e.parentElement.getBoundingClientRect().right <= cw + 1) {
      out.push(name(e) + ' ends at ' + Math.round(r.right) + 'px');
    }
  }
  return {width: d.scrollWidth, screen: cw, culprits: out.slice(0, 6)};
}"""


def _fits(page: Any, url: str, shot: Any, name: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.locator("#cr-inbox, #content, #pj-live, body > *").count(), f"{url} is empty"
    box = page.evaluate(OVERFLOW)
    shot(page, f"phone-{name}")
    assert box["width"] <= box["screen"], (
        f"{url} is {box['width']} px wide on a {box['screen']} px phone: {box['culprits']}")


def _has_viewport_and_icon(page: Any, url: str) -> None:
    page.goto(url)
    assert page.locator('meta[name=viewport][content*="width=device-width"]').count() == 1, url
    icon = page.locator("link[rel=icon]")
    assert icon.count() == 1, url
    assert page.request.get(page.evaluate("document.querySelector('link[rel=icon]').href")).status == 200


def test_every_page_of_a_class_fits_a_phone(chromium, room_server: RoomServer, shot, border_geography):
    teacher = get_user_model().objects.create_superuser("teacher-phone", "t@example.org", "teach-pass-1963")
    exercise = load_pack("permits-1963", name="Phone class", actor=teacher)
    [student] = students_create(exercise=exercise, actor=teacher, names=["Anna Li"])
    fast_forward(exercise=exercise, actor=teacher, days=40)  # timelines, deadlines and crossings to show
    contexts: list[Any] = []
    try:
        # --- The student, on a phone, through the room's address.
        ctx, s = logged_in(chromium, room_server.room_url, student.username, student.password, **PHONE)
        contexts.append(ctx)
        warnings: list[str] = []
        s.on("console", lambda m: warnings.append(m.text))
        room = room_server.room_url
        _fits(s, f"{room}/admin/classroom/inbox/", shot, "inbox")
        assert s.locator("tr.cr-inbox-row").count() >= 1
        # Each row is a card whose values are headed by their column's name.
        first = s.locator("tr.cr-inbox-row").first
        label = first.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == '"Case"', label
        case_url = room + first.locator("a.cr-row-link").first.get_attribute("href")
        _fits(s, case_url, shot, "case")
        s.click("#bd-diagram summary")  # the diagram scrolls inside its own box
        s.wait_for_selector("figure.bd-graphviz[data-drawn]")
        assert s.evaluate("document.documentElement.scrollWidth") <= s.evaluate("document.documentElement.clientWidth")
        documents = room + s.get_attribute("#bd-documents", "href")
        _fits(s, f"{case_url.removesuffix('change/')}history/", shot, "case-history")
        # The station issues the permit from the phone (its step button is in reach), then prints it.
        s.goto(case_url)
        s.click("input[name=take_issue_at_station]")
        s.wait_for_selector(".messagelist .success")
        _fits(s, documents, shot, "documents")
        document = room + s.get_attribute("#cr-documents a[href*='/documents/border-permit/']", "href")
        _fits(s, document, shot, "document")
        _fits(s, f"{room}/admin/classroom/inbox/", shot, "inbox-again")
        s.click("text=All cases of the exercise")
        s.wait_for_load_state()
        _fits(s, s.url, shot, "all-cases")
        _fits(s, f"{room}/admin/password_change/", shot, "password-change")
        response = s.request.get(f"{room}/admin/classroom/inbox/")
        assert "cross-origin-opener-policy" not in response.headers
        assert not [w for w in warnings if "Cross-Origin-Opener-Policy" in w], warnings

        # --- The teacher's pages, on a phone too.
        ctx, t = logged_in(chromium, room, "teacher-phone", "teach-pass-1963", **PHONE)
        contexts.append(ctx)
        ex = exercise.pk
        for path, name in [("/admin/classroom/", "classroom"), (f"/admin/classroom/exercise/{ex}/console/", "console"),
                           (f"/admin/classroom/exercise/{ex}/students/", "students"),
                           (f"/admin/cases/exercise/{ex}/debrief/", "debrief"),
                           (f"/admin/cases/exercise/{ex}/dashboard/", "dashboard"),
                           (f"/admin/classroom/exercise/{ex}/projector/", "projector"),
                           ("/admin/classroom/join/", "join"), ("/admin/cases/exercise/rules-by-date/", "rule-dates")]:
            _fits(t, room + path, shot, name)
        for path in [f"/admin/cases/exercise/{ex}/debrief/print/", f"/admin/classroom/exercise/{ex}/slips/",
                     f"/admin/classroom/exercise/{ex}/role-cards/", document.removeprefix(room),
                     f"/admin/classroom/exercise/{ex}/projector/"]:
            _has_viewport_and_icon(t, room + path)
    finally:
        for ctx in contexts:
            ctx.close()


# Elements of a card that end beyond its right edge, outside any box of the card that scrolls on its own.
STICKS_OUT = """() => {
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.getAttribute('name') ? '[name=' + e.getAttribute('name') + ']' : '');
  const out = [];
  for (const card of document.querySelectorAll('.cr-card, .bd-card')) {
    const edge = card.getBoundingClientRect().right;
    for (const e of card.querySelectorAll('*')) {
      let boxed = false;
      for (let a = e.parentElement; a && a !== card; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') { boxed = true; break; } }
      const r = e.getBoundingClientRect();
      if (!boxed && r.width > 0 && r.right > edge + 1) {
        out.push((card.id || card.className) + ': ' + name(e) + ' ends at ' + Math.round(r.right) + 'px, card at ' +
                 Math.round(edge) + 'px');
      }
    }
  }
  return out.slice(0, 8);
}"""


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_consoles_cards_hold_their_controls_on_a_laptop(chromium, room_server: RoomServer, shot, width):
    """On a 1280 px laptop the console's student list drew each office menu past its card, under the card beside
    it: a menu is as wide as its longest office name ("DPRK Supreme People's Assembly Standing Committee").
    At 1024 px (a projector, an older laptop) the log of what was done ran past its card and the page
    scrolled sideways: four columns of dates and sentences in a card a third of the screen wide."""
    teacher = get_user_model().objects.create_superuser("teacher-laptop", "t@example.org", "teach-pass-1958")
    exercise = load_pack("marriage-1958", name="Laptop class", actor=teacher)
    students_create(exercise=exercise, actor=teacher, names=["Anna Li", "Ben Kim", "Chen Yu"])
    fast_forward(exercise=exercise, actor=teacher, days=7)
    ctx, t = logged_in(chromium, room_server.laptop, "teacher-laptop", "teach-pass-1958",
                       viewport={"width": width, "height": 800})
    try:
        for path, name in [(f"/admin/classroom/exercise/{exercise.pk}/console/", "console"),
                           (f"/admin/classroom/exercise/{exercise.pk}/students/", "students")]:
            t.goto(room_server.laptop + path)
            t.wait_for_load_state("networkidle")
            shot(t, f"laptop-{width}-{name}")
            assert t.locator("#cr-students select[name=office]").count() == 3 or name != "console"
            assert t.locator("#cr-history tbody tr").count() >= 3 or name != "console"
            assert t.evaluate(STICKS_OUT) == [], path
            box = t.evaluate(OVERFLOW)
            assert box["width"] <= box["screen"], f"{path} is {box['width']} px wide at {width}: {box['culprits']}"
    finally:
        ctx.close()
