"""The pages that refresh themselves (the projector view, the student's inbox) and the inbox's rows.

A refresh that finds nothing changed costs one query beyond the session and the user and answers 204;
a change (a step, a pause, news, a time move) gets the fragment only; the refreshes keep the pages'
permissions. The inbox lists rule IDs with the full text folded; the whole row opens the case; a
teacher acting as an office sees only that office's exercise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cases.classroom.timekeeping import fast_forward
from cases.classroom.timeline import timed_event_inject
from cases.models import Case, Exercise, Membership, Office
from cases.selectors import step_options
from cases.services.exercise import exercise_pause
from cases.services.steps import case_transition
from tests.desks import marriage_desk
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def two_classes() -> tuple[Exercise, Exercise]:
    """Two marriage exercises side by side, each with its own teacher and students."""
    return marriage_desk("Class A"), marriage_desk("Class B", suffix="-b")


def _student(exercise: Exercise, kind: str = "work_unit") -> Any:
    return Membership.objects.select_related("user").get(exercise=exercise, office__kind=kind).user


def _teacher(exercise: Exercise) -> Any:
    return Membership.objects.select_related("user").filter(exercise=exercise, is_facilitator=True).first().user


def _plain_teacher(exercise: Exercise) -> Any:
    """A teacher who runs ``exercise`` only (the desks' teachers are superusers, who may run any)."""
    user = UserFactory(username=f"runs-{exercise.pk}", is_superuser=False)
    MembershipFactory(exercise=exercise, user=user, office=None, is_facilitator=True)
    return user


def _refresh_url(client: Client, url: str, params: dict[str, Any] | None = None) -> str:
    """Open a page and return the URL its fragment polls (with the version it shows)."""
    response = client.get(url, params or {})
    assert response.status_code == 200
    found = re.search(r'hx-get="([^"]+)"', response.content.decode())
    assert found, "the page does not refresh itself"
    return found.group(1).replace("&amp;", "&")


def _outside_auth(captured: list[dict[str, str]]) -> list[str]:
    """The queries of a request besides the session and the user every logged-in request reads."""
    return [q["sql"] for q in captured if "django_session" not in q["sql"] and '"auth_user"' not in q["sql"]]


# --- The inbox's rows ------------------------------------------------------------------------------


def _rows(body: str) -> list[str]:
    return re.findall(r'<tr class="cr-inbox-row".*?</tr>', body, flags=re.S)


def test_inbox_rows_show_rule_ids_and_sources_with_the_full_text_on_demand(client, two_classes):
    """Each rule of a row: its ID and source in view, its full text folded in a <details>, once."""
    exercise, _other = two_classes
    client.force_login(_student(exercise))
    response = client.get(reverse("classroom:inbox"))
    rows = response.context["rows"]
    assert rows and all(r.rules for r in rows)
    body = response.content.decode()
    for row, html in zip(rows, _rows(body), strict=True):
        for rule in row.rules:
            folded = re.search(rf'<details class="cr-rule" data-rule="{re.escape(rule.id)}"><summary>(.*?)</summary>'
                               rf'(.*?)</details>', html, flags=re.S)
            assert folded, f"{rule.id} is not folded in {row.case.reference}"
            summary, text = folded.groups()
            full, source = escape(rule.summary), escape(rule.source)
            assert rule.id in summary and source in summary and full not in summary
            assert full in text
            assert html.count(full) == 1  # the full text once, folded


def test_the_whole_inbox_row_links_to_the_case(client, two_classes):
    exercise, _other = two_classes
    client.force_login(_student(exercise))
    response = client.get(reverse("classroom:inbox"))
    rows = response.context["rows"]
    assert rows
    for row, html in zip(rows, _rows(response.content.decode()), strict=True):
        url = reverse("admin:cases_caseproxy_change", args=[row.case.pk])
        cells = re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
        assert len(cells) == 5
        for cell in cells[:4]:  # case, kind, state, waiting: each a link to the case
            assert f'href="{url}"' in cell, cell
        assert row.case.title in cells[0] and row.case.procedure.label in cells[1]


def test_acting_as_an_office_shows_only_that_exercises_news_and_date(client, two_classes):
    """A teacher running two classes looks at Class A as one of its offices: nothing of Class B shows."""
    a, b = two_classes
    teacher = _teacher(a)
    MembershipFactory(exercise=b, user=teacher, office=None, is_facilitator=True)
    timed_event_inject(exercise=a, actor=teacher, kind="announce", label="News for class A only")
    timed_event_inject(exercise=b, actor=teacher, kind="announce", label="News for class B only")
    fast_forward(exercise=b, actor=teacher, days=40)
    b.refresh_from_db()
    client.force_login(teacher)
    office = a.offices.get(kind="work_unit")
    response = client.get(reverse("classroom:inbox"), {"office": office.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "News for class A only" in body
    assert "News for class B only" not in body
    assert "Class B: simulated date" not in body and f"{b.clock:%B %Y}" not in body
    assert [e for e, _news in response.context["exercises"]] == [a]
    assert f"Console: {b.name}" not in body


# --- Refreshes: unchanged is cheap, changed is the fragment ---------------------------------------------


def test_an_unchanged_inbox_refresh_is_one_query_and_renders_nothing(client, two_classes,
                                                                     django_assert_max_num_queries):
    exercise, _other = two_classes
    client.force_login(_student(exercise))
    url = _refresh_url(client, reverse("classroom:inbox"))
    with django_assert_max_num_queries(3) as captured:  # the session, the user, the version
        response = client.get(url, **HTMX)
    assert response.status_code == 204 and response.content == b""
    assert len(_outside_auth(captured.captured_queries)) == 1


def test_an_unchanged_inbox_refresh_of_an_office_acted_as_is_one_query(client, two_classes,
                                                                       django_assert_max_num_queries):
    exercise, _other = two_classes
    client.force_login(_teacher(exercise))
    office = exercise.offices.get(kind="county_psb")
    url = _refresh_url(client, reverse("classroom:inbox"), {"office": office.pk})
    assert f"office={office.pk}" in url
    with django_assert_max_num_queries(3) as captured:
        response = client.get(url, **HTMX)
    assert response.status_code == 204
    assert len(_outside_auth(captured.captured_queries)) == 1


def _take_a_step(exercise: Exercise) -> None:
    """The work unit's student takes the first step open to them (its case leaves the work unit's queue)."""
    user = _student(exercise)
    for case in Case.objects.filter(exercise=exercise, next_office__kind="work_unit", closed_at__isnull=True):
        case = case.procedure.model.objects.get(pk=case.pk)
        option = next((o for o in step_options(case, user) if o.enabled and o.office == case.next_office), None)
        if option is not None:
            case_transition(case=case, transition=option.name, actor=user)
            return
    raise AssertionError("no step open to the work unit")


CHANGES: dict[str, Callable[[Exercise], Any]] = {
    "a step": _take_a_step,
    "a pause": lambda ex: exercise_pause(exercise=ex, actor=_teacher(ex)),
    "news read out": lambda ex: timed_event_inject(exercise=ex, actor=_teacher(ex), kind="announce",
                                                   label="Fresh news"),
    "a time move": lambda ex: fast_forward(exercise=ex, actor=_teacher(ex), days=3),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_makes_the_inbox_refresh_return_its_fragment(client, two_classes, change):
    exercise, other = two_classes
    client.force_login(_student(exercise))
    url = _refresh_url(client, reverse("classroom:inbox"))
    CHANGES[change](other)  # the other class changing is not news here
    assert client.get(url, **HTMX).status_code == 204
    CHANGES[change](exercise)
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="cr-inbox-live"') and "<html" not in body
    new_url = re.search(r'hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert new_url != url
    assert client.get(new_url, **HTMX).status_code == 204  # and it is unchanged again after that
    if change == "a pause":
        assert 'id="cr-inbox-paused"' in body


def test_the_inbox_shows_the_pause_and_its_refresh_carries_it(client, two_classes):
    exercise, _other = two_classes
    client.force_login(_student(exercise))
    assert 'id="cr-inbox-paused"' not in client.get(reverse("classroom:inbox")).content.decode()
    exercise_pause(exercise=exercise, actor=_teacher(exercise))
    page = client.get(reverse("classroom:inbox")).content.decode()
    assert 'id="cr-inbox-paused"' in page
    assert 'id="bd-paused-banner"' not in page  # said once (the live line), not twice


# --- The projector view ---------------------------------------------------------------------------------


def test_projector_shows_figures_queues_clock_and_pause(client, two_classes):
    exercise, _other = two_classes
    client.force_login(_teacher(exercise))
    url = reverse("classroom:projector", args=[exercise.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for office in exercise.offices.all():
        assert f'data-office="{office.kind}"' in body and escape(office.name) in body
    assert 'id="pj-open"' in body and "<svg" in body
    assert f"{exercise.clock:%B %Y}" in body and 'id="pj-running"' in body
    console = client.get(reverse("classroom:console", args=[exercise.pk])).content.decode()
    assert f'href="{url}"' in console
    exercise_pause(exercise=exercise, actor=_teacher(exercise))
    assert 'id="pj-paused"' in client.get(url).content.decode()


def test_the_projector_and_console_name_who_plays_an_office_not_their_login(client, two_classes):
    """On the wall and the console a student is the name the teacher gave (both showed the login before)."""
    exercise, _other = two_classes
    student = _student(exercise)
    student.first_name, student.last_name = "Anna", "Li"
    student.save(update_fields=["first_name", "last_name"])
    client.force_login(_teacher(exercise))
    projector = client.get(reverse("classroom:projector", args=[exercise.pk])).content.decode()
    holders = re.findall(r'class="pj-holders"[^>]*>([^<]*)<', projector)
    assert "Anna Li" in holders and not [h for h in holders if student.username in h]
    console = client.get(reverse("classroom:console", args=[exercise.pk])).content.decode()
    queue = console[console.index('id="cr-queues"'):console.index('id="cr-links"')]
    assert "Anna Li" in queue and student.username not in queue


def test_with_the_autopilot_off_an_office_without_a_student_is_played_by_nobody(client, two_classes):
    """The demo pack runs with the autopilot off; the wall and the console still said each empty office was
    played by the autopilot, and a year went by with its cases untouched. Now they say nobody plays it."""
    from cases.services.exercise import autopilot_set

    exercise, _other = two_classes
    teacher = _teacher(exercise)
    client.force_login(teacher)
    empty = exercise.offices.exclude(kind="work_unit").order_by("id").first()
    Membership.objects.filter(exercise=exercise, office=empty, is_facilitator=False).delete()  # no student holds it

    def played_by() -> tuple[str, str]:
        wall = client.get(reverse("classroom:projector", args=[exercise.pk])).content.decode()
        row = re.search(rf'<tr data-office="{empty.kind}".*?</tr>', wall, flags=re.S).group(0)
        console = client.get(reverse("classroom:console", args=[exercise.pk])).content.decode()
        line = re.search(rf'<tr data-office="{empty.kind}".*?</tr>', console, flags=re.S).group(0)
        return re.sub(r"<[^>]+>", "", row), re.sub(r"<[^>]+>", "", line) + console[console.index('id="cr-clock"'):
                                                                              console.index('id="cr-regime"')]

    wall, console = played_by()
    assert "autopilot" in wall and "nobody" not in wall and "nobody" not in console
    autopilot_set(exercise=exercise, actor=teacher, enabled=False, seed=1)
    wall, console = played_by()
    assert "nobody (autopilot off)" in wall and "nobody (autopilot off)" in console
    assert "The autopilot is off" in console and "are played by the autopilot" not in console
    autopilot_set(exercise=exercise, actor=teacher, enabled=True, seed=1)
    wall, console = played_by()
    assert "nobody" not in wall and "nobody" not in console


def test_the_wall_lists_offices_with_nothing_waiting_and_no_student_on_one_line(client, two_classes):
    """The demo's wall had a row for each of its twenty offices, half of them '0' played by the autopilot, so at
    1280 x 720 the queues that matter ran off the screen. Such offices are now named on one line under the table;
    an office a student holds keeps its row even with nothing waiting."""
    exercise, _other = two_classes
    client.force_login(_teacher(exercise))
    waiting = set(Case.objects.filter(exercise=exercise, closed_at__isnull=True)
                  .values_list("next_office__kind", flat=True))
    quiet = exercise.offices.exclude(kind__in=waiting).order_by("id")
    assert quiet.count() >= 2
    empty, held = quiet[0], quiet[1]
    Membership.objects.filter(exercise=exercise, office=empty, is_facilitator=False).delete()
    wall = client.get(reverse("classroom:projector", args=[exercise.pk])).content.decode()
    rows = set(re.findall(r'<tr data-office="([a-z_]+)"', wall))
    line = re.search(r'<p class="pj-quiet" id="pj-quiet">(.*?)</p>', wall, flags=re.S).group(1)
    assert empty.kind not in rows and f'data-office="{empty.kind}"' in line and escape(empty.name) in line
    assert held.kind in rows and held.kind not in line
    assert waiting - {None} <= rows


def test_projector_refresh_is_one_query_when_unchanged_and_the_fragment_after_a_step(
        client, two_classes, django_assert_max_num_queries):
    exercise, _other = two_classes
    client.force_login(_teacher(exercise))
    url = _refresh_url(client, reverse("classroom:projector", args=[exercise.pk]))
    with django_assert_max_num_queries(3) as captured:
        response = client.get(url, **HTMX)
    assert response.status_code == 204
    assert len(_outside_auth(captured.captured_queries)) == 1
    before = Case.objects.filter(exercise=exercise, next_office__kind="work_unit", closed_at__isnull=True).count()
    _take_a_step(exercise)
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="pj-live"') and "<html" not in body
    row = re.search(r'<tr data-office="work_unit".*?</tr>', body, flags=re.S).group(0)
    assert re.search(r'class="pj-n">(\d+)<', row).group(1) == str(before - 1)


def test_htmx_is_served_from_the_static_files_with_its_licence_and_ships_in_the_package(client, two_classes):
    """No internet in a classroom: the pages load the vendored htmx, which the wheel includes."""
    import fnmatch
    import tomllib
    from pathlib import Path

    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    exercise, _other = two_classes
    client.force_login(_teacher(exercise))
    script = "cases/vendor/htmx/htmx.min.js"
    for url in (reverse("classroom:inbox"), reverse("classroom:projector", args=[exercise.pk])):
        body = client.get(url).content.decode()
        assert f'<script src="{static(script)}"' in body
        assert not re.search(r'<script[^>]+src="https?:', body)
    assert finders.find(script) and finders.find("cases/vendor/htmx/LICENSE")
    root = Path(__file__).resolve().parents[2]
    shipped = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["cases"]
    for name in ("htmx.min.js", "LICENSE"):
        assert any(fnmatch.fnmatch(f"static/cases/vendor/htmx/{name}", pattern) for pattern in shipped)


# --- The refreshes keep the pages' permissions -----------------------------------------------------------


def test_projector_and_its_refresh_are_for_the_exercises_teacher_only(client, two_classes):
    a, b = two_classes
    url = reverse("classroom:projector", args=[a.pk])
    client.force_login(_teacher(a))
    refresh = _refresh_url(client, url)
    for user in (_student(a), _plain_teacher(b)):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(refresh, **HTMX).status_code == 403
    client.force_login(_teacher(a))
    assert client.get(reverse("classroom:projector", args=[99999]), **HTMX).status_code == 404


def test_inbox_refresh_only_for_offices_the_user_may_see(client, two_classes):
    """A student polls their own office's inbox only; another exercise's teacher cannot act as its offices."""
    a, b = two_classes
    inbox = reverse("classroom:inbox")
    other_office_here = a.offices.get(kind="county_psb")
    office_there = b.offices.get(kind="work_unit")
    client.force_login(_teacher(a))
    refresh = _refresh_url(client, inbox, {"office": other_office_here.pk})
    client.force_login(_student(a))
    for office in (other_office_here, office_there):
        assert client.get(inbox, {"office": office.pk}).status_code == 404
        assert client.get(inbox, {"office": office.pk, "v": "x"}, **HTMX).status_code == 404
    assert client.get(refresh, **HTMX).status_code == 404
    client.force_login(_plain_teacher(b))
    assert client.get(refresh, **HTMX).status_code == 404
    assert client.get(inbox, {"office": office_there.pk}).status_code == 200  # their own exercise's office
    # A student's own refresh shows their exercise only.
    client.force_login(_student(b))
    body = client.get(inbox, **HTMX).content.decode()
    assert "Class B" in body and "Class A" not in body
    assert not Office.objects.filter(exercise=a, pk__in=[r.case.next_office_id for r in
                                                          client.get(inbox).context["rows"]]).exists()


def test_a_student_who_is_moved_to_another_office_gets_a_fresh_inbox(client, two_classes):
    exercise, _other = two_classes
    student = _student(exercise)
    client.force_login(student)
    url = _refresh_url(client, reverse("classroom:inbox"))
    from cases.classroom.students import membership_assign

    seat = Membership.objects.get(exercise=exercise, user=student)
    membership_assign(exercise=exercise, actor=_teacher(exercise), membership_id=seat.pk,
                      office_id=exercise.offices.get(kind="county_psb").pk)
    response = client.get(url, **HTMX)
    assert response.status_code == 200 and "Yanji County Public Security Bureau" in response.content.decode()



JUNK = [{"office": "²"}, {"office": "99999999999999999999"}, {"office": "-1"}, {"office": "abc", "v": "x"},
        {"v": "\u0000"}, {"v": "' OR 1=1 --", "page": "999999"}, {"office": "", "v": ""}]


@pytest.mark.parametrize("params", JUNK)
def test_refreshes_with_junk_parameters_get_a_page_or_a_refusal_never_an_error(client, two_classes, params):
    exercise, _other = two_classes
    for user in (_student(exercise), _teacher(exercise), _plain_teacher(exercise)):
        client.force_login(user)
        for headers in ({}, HTMX):
            assert client.get(reverse("classroom:inbox"), params, **headers).status_code in (200, 204, 404)
            projector = reverse("classroom:projector", args=[exercise.pk])
            assert client.get(projector, params, **headers).status_code in (200, 204, 403)
