"""What a teacher prints, printed by real Chromium to PDF: role cards one per A4 page, login slips several to a
page with logins unbroken and no buttons; and a pack load that opens its console by itself."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from cases.classroom.loader import load_pack
from cases.classroom.students import role_cards
from cases.models import Exercise
from tests.browser.conftest import ARTIFACTS
from tests.browser.support import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4 = {"format": "A4", "print_background": True, "prefer_css_page_size": True}  # the @page margins, as a print dialog


def pdf_pages(page) -> list[str]:
    """Print the page to an A4 PDF as Chromium does for "Save as PDF"; return each page's text."""
    reader = PdfReader(io.BytesIO(page.pdf(**A4)))
    # NFKC: the PDF's text has the font's ligatures ("ﬀ" for "ff").
    return [unicodedata.normalize("NFKC", p.extract_text() or "") for p in reader.pages]


def print_shot(page, name: str) -> None:
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.emulate_media(media="screen")


@pytest.fixture
def teacher():
    return get_user_model().objects.create_superuser("teacher-print", "t@example.org", "teach-pass-1958")


@pytest.mark.parametrize("slug", ["marriage-1958", "authorization-1961", "protocol-1964"])
def test_role_cards_print_one_card_per_a4_page(chromium, live_server, teacher, slug):
    """Each card starts a page and fits it: as many PDF pages as cards (the letters' and the Protocol's
    desks, with many rules, spilled onto extra pages before)."""
    exercise = load_pack(slug, name=f"Print {slug}", actor=teacher)
    cards = role_cards(exercise)
    ctx, t = logged_in(chromium, live_server.url, "teacher-print", "teach-pass-1958")
    t.goto(f"{live_server.url}/admin/classroom/exercise/{exercise.pk}/role-cards/")
    pages = pdf_pages(t)
    print_shot(t, f"print-role-cards-{slug}")
    assert len(pages) == len(cards)
    for text, card in zip(pages, cards, strict=True):
        flat = " ".join(text.split())
        # The page opens with its card's title and holds the card to its last section.
        assert flat.startswith(card.title) and card.office.name in flat
        assert "What you decide" in flat and "Policy in force on" in flat
    ctx.close()


def test_role_cards_name_the_pre_1958_referral_of_the_marriage_pack(chromium, live_server, teacher):
    exercise = load_pack("marriage-1958", name="Print class", actor=teacher)
    ctx, t = logged_in(chromium, live_server.url, "teacher-print", "teach-pass-1958")
    t.goto(f"{live_server.url}/admin/classroom/exercise/{exercise.pk}/role-cards/")
    first = " ".join(pdf_pages(t)[0].split())
    # The pack is about the pre-1958 referral (MAR-0): the card names that line, not the letters' 1957 line,
    # with the D2 switch the pack schedules.
    assert "Referral to the Central Committee" in first and "MAR-0" in first
    assert "1957 lenient line" not in first
    assert "From 18 Oct 1958 (scheduled in this exercise): October 1958 notification in force" in first
    ctx.close()


def test_login_slips_print_several_to_a_page_logins_whole_no_buttons(chromium, live_server, teacher):
    exercise = load_pack("marriage-1958", name="Slip class", actor=teacher)
    ctx, t = logged_in(chromium, live_server.url, "teacher-print", "teach-pass-1958")
    t.goto(f"{live_server.url}/admin/classroom/exercise/{exercise.pk}/students/")
    names = [f"Student Number{n}" for n in range(1, 10)]
    t.fill("#id_names", "\n".join(names))
    t.click("#cr-students-form input[type=submit]")
    t.wait_for_selector("#bd-slips")
    slips = t.locator(".bd-slip").all()
    assert len(slips) == 9
    logins = [s.get_attribute("data-login") for s in slips]
    passwords = [s.locator(".bd-pass").inner_text().strip() for s in slips]
    t.screenshot(path=str(ARTIFACTS / "print-slips-screen.png"), full_page=True)
    pages = pdf_pages(t)
    print_shot(t, "print-slips")
    assert 1 < len(pages) <= 2  # nine slips, eight to an A4 page
    text = "\n".join(pages)
    for login, password, name in zip(logins, passwords, names, strict=True):
        # A login on one line of the PDF, never broken at its hyphen.
        assert any(login in line for line in text.splitlines()), login
        assert password in text and name in text
    assert "Slip class" in text and live_server.url in text  # the address the students open
    for chrome in ("Create logins", "Reset password", "Print the slips", "Log out", "Welcome", "Groups",
                   "Authentication and authorization", "Students of Slip class", "Home \u203a"):
        assert chrome.lower() not in text.lower(), chrome  # no buttons, menus or admin header in print
    # The slips sit side by side: two to a row, not one narrow column.
    boxes = [s.bounding_box() for s in slips[:2]]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1 and boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"] - 1

    # Reset one student's password: their slip alone, with a new password that logs in.
    row = t.locator("#cr-student-list tr", has_text="Student Number3")
    asked: list[str] = []
    t.once("dialog", lambda d: (asked.append(d.message), d.accept()))  # the button asks first
    with t.expect_navigation():
        row.locator("input[type=submit]").click()
    assert asked and asked[0].startswith("Give Student Number3 a new password?")
    t.wait_for_selector("#bd-slips")
    assert t.locator(".bd-slip").count() == 1
    new = t.locator(".bd-slip .bd-pass").inner_text().strip()
    assert new != passwords[2]
    user = get_user_model().objects.get(username=logins[2])
    assert user.check_password(new) and not user.check_password(passwords[2])
    print_shot(t, "print-slip-reset")

    # The slips of every student, later: the passwords are not known any more, and the slips say so.
    t.goto(f"{live_server.url}/admin/classroom/exercise/{exercise.pk}/slips/")
    later = "\n".join(pdf_pages(t))
    assert "Ask your teacher to reset it" in " ".join(later.split())
    assert not any(p in later for p in passwords)
    ctx.close()


def test_loading_a_pack_opens_its_console(chromium, live_server, teacher):
    ctx, t = logged_in(chromium, live_server.url, "teacher-print", "teach-pass-1958")
    t.goto(f"{live_server.url}/admin/classroom/")
    pack = t.locator("[data-pack=marriage-1958]")
    pack.locator("input[name=name]").fill("Opens its console")
    pack.locator("input[type=submit]").click()
    t.wait_for_url(re.compile(r"/admin/classroom/exercise/\d+/console/$"))
    t.wait_for_selector("#cr-queues")
    exercise = Exercise.objects.get(name="Opens its console")
    assert t.url.endswith(f"/admin/classroom/exercise/{exercise.pk}/console/")
    ctx.close()
