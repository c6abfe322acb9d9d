"""A student's sidebar and index list only their exercise's procedures that their office acts in (issue 17).

A model left out of the sidebar is refused at its URLs too (403), not only hidden.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from cases.admin.scope import acting_office_kinds
from cases.procedures import get_procedure
from tests.desks import helong_desk, marriage_desk

pytestmark = pytest.mark.django_db

MODEL_LINK = re.compile(r'href="/admin/([a-z_]+)/([a-z_]+)/"')


def sidebar_models(html: str) -> set[str]:
    """Return the "app.model" of every model the page's sidebar links to."""
    nav = html.split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    return {f"{app}.{model}" for app, model in MODEL_LINK.findall(nav)}


def index_models(html: str) -> set[str]:
    """Return the "app.model" of every model the admin index lists."""
    main = html.split('id="content-main"', 1)[1]
    return {f"{app}.{model}" for app, model in MODEL_LINK.findall(main)}


def client_as(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def marriage():
    return marriage_desk("Marriage class")


def test_a_marriage_students_sidebar_lists_the_marriage_procedure_and_the_case_list_only(marriage):
    page = client_as("workunit").get(reverse("classroom:inbox"))
    assert page.status_code == 200
    assert sidebar_models(page.content.decode()) == {"cases.marriagecase", "cases.caseproxy"}


def test_the_header_has_no_view_site_link_back_to_the_same_pages(marriage):
    """The admin's "View site" led to "/", which is the admin again (the student's inbox): a link to nowhere new."""
    for login in ("workunit", "teacher"):
        page = client_as(login).get(reverse("classroom:inbox")).content.decode()
        user_tools = page.split('id="user-tools"', 1)[1].split("</div>", 1)[0]
        assert "View site" not in user_tools and "Log out" in user_tools


def test_every_model_left_out_of_a_students_sidebar_refuses_its_urls(marriage):
    client = client_as("workunit")
    shown = sidebar_models(client.get(reverse("classroom:inbox")).content.decode())
    refused = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        status = client.get(url).status_code
        if label in shown:
            assert status == 200, label
        else:
            assert status == 403, (label, status)
            refused.append(label)
            if model_admin.has_add_permission.__func__ is not None:
                add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
                assert client.get(add).status_code == 403, label
    # What the group may read but the sidebar does not list: refused at the URL (was a 200 before).
    assert {"cases.person", "cases.office", "cases.exercise", "cases.caseevent", "cases.deadline",
            "cases.clockmove", "permits.permitcase", "permits.crossing", "cases.meetingcase"} <= set(refused)


def test_a_case_page_and_step_of_a_procedure_the_office_does_not_act_in_are_refused(desk):
    from cases.models import Case, MarriageCase

    client = client_as("workunit")
    mine = MarriageCase.objects.filter(exercise=desk.exercise).first()
    assert client.get(reverse("admin:cases_marriagecase_change", args=[mine.pk])).status_code == 200
    permit = Case.objects.filter(exercise=desk.exercise, kind="permit").first()
    before = permit.state
    assert client.get(reverse("admin:permits_permitcase_change", args=[permit.pk])).status_code == 403
    step = reverse("admin:permits_permitcase_step", args=[permit.pk, "forward_to_county"])
    assert client.post(step, {}).status_code == 403
    assert Case.objects.get(pk=permit.pk).state == before
    # The office kinds of the marriage procedure come from the registry's transitions.
    assert "work_unit" in acting_office_kinds(get_procedure("marriage"))


def test_a_permit_desk_student_sees_the_permit_procedure_with_its_crossings_and_geography():
    """The permit procedure's student_permissions name the models its students need beside the cases."""
    helong_desk()
    shown = sidebar_models(client_as("nanping").get(reverse("classroom:inbox")).content.decode())
    assert {"permits.permitcase", "permits.crossing", "permits.crossingpoint", "cases.caseproxy"} <= shown
    assert "cases.marriagecase" not in shown and "cases.person" not in shown and "cases.exercise" not in shown


def test_the_all_cases_list_shows_a_student_only_the_procedures_of_their_sidebar(desk):
    from cases.models import Case

    client = client_as("borderstation")
    page = client.get(reverse("admin:cases_caseproxy_changelist")).content.decode()
    marriage = Case.objects.filter(exercise=desk.exercise, kind="marriage").first()
    authorization = Case.objects.filter(exercise=desk.exercise, kind="authorization").first()
    assert authorization.reference in page  # the border station acts in authorizations
    assert marriage.reference not in page  # and takes no step in a marriage
    assert ">Authorization letter case<" in page and ">authorization<" not in page  # its name, not its code


def test_the_teacher_still_sees_every_procedure_and_the_classroom_models(marriage):
    shown = index_models(client_as("teacher").get(reverse("admin:index")).content.decode())
    assert {"cases.marriagecase", "cases.exercise", "cases.person", "permits.permitcase"} <= shown


def test_the_teachers_sidebar_puts_the_procedures_first_and_leaves_the_machinery_to_the_index(marriage):
    """The sidebar is the class's working surface: no login-throttling or beat-schedule tables there."""
    client = client_as("teacher")
    sidebar = sidebar_models(client.get(reverse("admin:cases_marriagecase_changelist")).content.decode())
    assert "cases.marriagecase" in sidebar and "permits.permitcase" in sidebar
    assert not {m for m in sidebar if m.startswith(("axes.", "django_celery_beat."))}
    index = client.get(reverse("admin:index")).content.decode()
    assert "axes/accessattempt" in index  # a superuser still finds it
    order = [index.index(f'href="/admin/{app}/"') for app in ("cases", "permits", "auth", "axes")]
    assert order == sorted(order)


ADMIN_LINK = re.compile(r'href="(/admin/[^"#?]*)"')


def test_no_link_on_a_students_case_page_ends_in_a_refusal(marriage):
    """The case page links its exercise, offices and people (Django's read-only fields are links): a student
    opens each (their own exercise's records), though those models stay out of the sidebar and their lists,
    add and change pages stay refused; another exercise's person is not found."""
    from cases.models import MarriageCase, Person

    client = client_as("workunit")
    case = MarriageCase.objects.filter(exercise=marriage).first()
    page = client.get(reverse("admin:cases_marriagecase_change", args=[case.pk])).content.decode()
    links = {link for link in ADMIN_LINK.findall(page) if "/logout/" not in link}
    assert reverse("admin:cases_person_change", args=[case.man_id]) in links
    bad = {link: client.get(link).status_code for link in links}
    assert {link: code for link, code in bad.items() if code >= 400} == {}
    assert client.get(reverse("admin:cases_person_changelist")).status_code == 403
    assert client.post(reverse("admin:cases_person_change", args=[case.man_id]), {"name": "X"}).status_code == 403
    other = marriage_desk("Another class", "-x")
    stranger = Person.objects.filter(exercise=other).first()
    assert client.get(reverse("admin:cases_person_change", args=[stranger.pk])).status_code in (302, 403, 404)
