"""A student's case page in real Chromium at 1280x720: the steps above the fold, the procedure
diagram laid out by the vendored Graphviz (an inline <svg> whose arrows carry step and office), and
the pause banner with no step buttons once the teacher pauses from the console."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cases.diagram import edges
from cases.models import AuthorizationCase, MarriageCase
from cases.services.steps import case_transition
from tests.browser.support import TIMEOUT
from tests.desks import PASSWORD, full_desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1280, "height": 720}


def login(chromium, base: str, username: str):
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return context, page


def wait_for_diagram(page) -> None:
    page.wait_for_selector("figure.bd-graphviz[data-drawn]", state="attached")
    assert page.get_attribute("figure.bd-graphviz", "data-drawn") == "svg"


def test_student_sees_steps_above_the_fold_the_graphviz_diagram_and_the_pause(
        chromium, live_server, shot, border_geography):
    exercise = full_desk("Browser class")
    base = live_server.url
    case = MarriageCase.objects.get(exercise=exercise, man__name="Zhang Wenhai")
    student_ctx, s = login(chromium, base, "workunit")
    not_found: list[str] = []
    s.on("response", lambda r: not_found.append(r.url) if r.status == 404 else None)
    s.goto(f"{base}/admin/cases/marriagecase/{case.pk}/change/")

    # The first step's button and its rule are on the first screen, without scrolling.
    button = s.locator("input[name=take_begin_dissuasion]")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"], box
    rule = s.locator("#bd-steps .bd-rule code", has_text="MAR-2").first.bounding_box()
    assert rule is not None and rule["y"] < VIEWPORT["height"]
    assert s.locator("#bd-rules-full").get_attribute("open") is None  # the full text is folded
    shot_viewport(s, "case-01-student-first-screen")

    # The diagram is drawn by Graphviz into an inline SVG, every arrow labelled, the state marked.
    wait_for_diagram(s)
    assert not_found == []  # the favicon, Graphviz and every other file the page asks for are served
    s.click("#bd-diagram > summary")
    svg = s.locator("#bd-diagram svg.bd-diagram")
    assert svg.count() == 1
    drawn_edges = s.locator("#bd-diagram svg g.edge")
    assert drawn_edges.count() == len(edges(MarriageCase, case.variant or None))
    labels = [t.strip() for t in s.locator("#bd-diagram svg g.edge text").all_text_contents()]
    assert "[Work unit]" in labels and "Try to dissuade him" in " ".join(labels)
    assert s.locator("#bd-diagram svg g.node.bd-current").count() == 1
    assert "Application filed" in s.locator("#bd-diagram svg g.node.bd-current").text_content()
    s.locator("#bd-diagram").scroll_into_view_if_needed()
    shot(s, "case-02-student-diagram")

    # The teacher pauses from the console; the student's page then says so and offers no step.
    teacher_ctx, t = login(chromium, base, "teacher")
    console = f"{base}/admin/classroom/exercise/{exercise.pk}/console/"
    t.goto(console)
    with t.expect_navigation():
        t.click("#cr-pause")
    t.goto(console)  # the console as shown after the pause (not a page a late redirect may have left open)
    t.wait_for_selector("#cr-paused")
    assert t.locator("#bd-paused-banner").is_visible()
    s.reload()
    s.wait_for_selector("#bd-paused-banner")
    assert exercise.name in s.locator("#bd-paused-banner").inner_text()
    assert s.locator("#bd-paused-steps").is_visible()
    assert s.locator("input[name^=take_]").count() == 0
    shot_viewport(s, "case-03-student-paused")
    s.goto(f"{base}/admin/classroom/inbox/")
    # The inbox says it once, in its live line (which clears by itself on resuming), not the banner too.
    assert s.locator("#cr-inbox-paused").is_visible() and s.locator("#bd-paused-banner").count() == 0
    teacher_ctx.close()
    student_ctx.close()


def test_authorization_diagram_is_readable_at_1280x720(chromium, live_server, shot, border_geography):
    """The largest procedure (authorization letters) on a projector: the path marked, labels legible."""
    exercise = full_desk("Browser projector")
    base = live_server.url
    case = AuthorizationCase.objects.filter(exercise=exercise, variant="settle").order_by("id").first()
    assert case is not None
    officer = get_user_model().objects.get(username="countypsb")
    papers = {"has_commune_introduction": True, "has_relative_letter": True, "has_political_clearance": True}
    missing = dict.fromkeys(papers, False)
    steps = (("receive_application", missing), ("request_documents", {"reason": "The clearance is unsigned"}),
             ("supply_documents", papers))
    for step, data in steps:
        case = case_transition(case=case, transition=step, actor=officer, data=data)  # a path with a loop back
    context, page = login(chromium, base, "teacher")
    page.goto(f"{base}/admin/cases/authorizationcase/{case.pk}/change/")
    wait_for_diagram(page)
    page.click("#bd-diagram > summary")
    svg = page.locator("#bd-diagram svg.bd-diagram")
    width = svg.bounding_box()["width"]
    assert width <= VIEWPORT["width"]  # no sideways scrolling on the projector
    # Every label is at least 10 px tall on screen: legible from the back of a classroom.
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('#bd-diagram svg text'))
        .map(t => t.getBoundingClientRect().height)""")
    assert sizes and min(sizes) >= 10, min(sizes)
    assert page.locator("#bd-diagram svg g.edge.bd-path").count() == 3
    assert "NOW:" in page.locator("#bd-diagram svg g.node.bd-current text").first.text_content()
    page.locator("#bd-diagram svg").scroll_into_view_if_needed()
    shot_viewport(page, "case-04-authorization-diagram-1280x720")
    shot(page, "case-05-authorization-page-full")

    # The projector's dashboard: pygal charts inline, every procedure's queue diagram drawn by Graphviz.
    page.goto(f"{base}/admin/cases/exercise/{exercise.pk}/dashboard/")
    page.wait_for_function("""() => Array.from(document.querySelectorAll('figure.bd-graphviz'))
        .every(f => f.hasAttribute('data-drawn'))""")
    figures = page.locator("figure.bd-graphviz")
    assert figures.count() >= 2
    assert figures.count() == page.locator("figure.bd-graphviz[data-drawn=svg] svg.bd-diagram").count()
    assert page.locator("svg.pygal-chart").count() >= 3
    # The widest queue diagram scrolls sideways rather than shrinking its labels below legibility.
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('figure.bd-graphviz svg text'))
        .map(t => t.getBoundingClientRect().height)""")
    assert min(sizes) >= 10, min(sizes)
    # A diagram wider than its box opens scrolled to where most cases wait, not to its (empty) left edge.
    views = page.evaluate("""() => Array.from(document.querySelectorAll('figure.bd-graphviz[data-focus]')).map(f => {
        const out = f.querySelector('.bd-graphviz-out'), frame = out.getBoundingClientRect();
        const node = f.querySelector('[id="bd-state-' + f.dataset.focus + '"]').getBoundingClientRect();
        return {scrolls: out.scrollWidth > out.clientWidth, left: out.scrollLeft,
                seen: node.left >= frame.left - 1 && node.right <= frame.right + 1};
    })""")
    assert views and all(v["seen"] for v in views), views
    assert any(v["scrolls"] and v["left"] > 0 for v in views), views  # the case worth having: a scrolled one
    page.emulate_media(media="print")
    widths = page.evaluate("""() => Array.from(document.querySelectorAll('figure.bd-graphviz'))
        .map(f => [f.querySelector('svg').getBoundingClientRect().width, f.getBoundingClientRect().width])""")
    assert all(svg_w <= fig_w + 1 for svg_w, fig_w in widths), widths  # on paper each fits the page
    page.emulate_media(media="screen")
    shot(page, "case-06-teacher-dashboard")
    context.close()


def shot_viewport(page, name: str) -> None:
    from tests.browser.conftest import ARTIFACTS

    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
