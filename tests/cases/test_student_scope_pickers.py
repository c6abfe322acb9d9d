"""Pickers and list filters offer a student only their exercise's rows of the right kind (issue 17).

A man's picker offers the exercise's men (those ``marriage_file`` accepts), a work unit's picker its
work units; a posted id of another exercise or of the wrong kind is refused with a form error.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.test import Client, RequestFactory
from django.urls import reverse

from cases.admin.filing import ServiceAddMixin
from cases.choices import Nationality, OfficeKind, Sex
from cases.models import MarriageCase, Office, Person
from tests.desks import full_desk, marriage_desk

pytestmark = pytest.mark.django_db

SELECT = re.compile(r'<select name="(\w+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')


def client_as(username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def offered(html: str) -> dict[str, set[int]]:
    """Return the ids each <select> of the page offers."""
    return {name: {int(v) for v in OPTION.findall(body)} for name, body in SELECT.findall(html)}


@pytest.fixture
def two_classes():
    """Two marriage classes side by side; the students of the first are the plain logins."""
    return marriage_desk("Class A"), marriage_desk("Class B", suffix="-b")


def test_the_marriage_add_form_offers_men_as_man_women_as_woman_and_work_units_as_work_unit(two_classes):
    mine, _ = two_classes
    page = client_as("workunit").get(reverse("admin:cases_marriagecase_add"))
    assert page.status_code == 200
    choices = offered(page.content.decode())
    men = Person.objects.filter(exercise=mine, sex=Sex.MALE, nationality__in=[Nationality.HAN, Nationality.CN_KOREAN])
    women = Person.objects.filter(exercise=mine, sex=Sex.FEMALE, nationality=Nationality.DPRK)
    assert choices["man"] == set(men.values_list("pk", flat=True)) and len(choices["man"]) == 4
    assert choices["woman"] == set(women.values_list("pk", flat=True)) and len(choices["woman"]) == 4
    assert choices["work_unit"] == set(Office.objects.filter(exercise=mine, kind=OfficeKind.WORK_UNIT)
                                       .values_list("pk", flat=True))
    assert choices["exercise"] == {mine.pk}
    assert f'<option value="{mine.pk}" selected>' in page.content.decode()  # their one exercise, chosen already


def _filing(mine, **override) -> dict[str, str]:
    man = mine.people.get(name="Zhang Wenhai")
    woman = mine.people.get(name="Kim Ok-sun")
    data = {"exercise": mine.pk, "man": man.pk, "woman": woman.pk,
            "work_unit": mine.offices.get(kind=OfficeKind.WORK_UNIT).pk, "copies": 2, "note": ""}
    data.update({k: str(v) for k, v in override.items()})
    return data


@pytest.mark.parametrize("field, pick", [
    ("man", lambda mine, other: mine.people.get(name="Kim Ok-sun").pk),  # a woman as the man
    ("woman", lambda mine, other: mine.people.get(name="Li Dongshan").pk),  # a man as the woman
    ("work_unit", lambda mine, other: mine.offices.get(kind=OfficeKind.COUNTY_PSB).pk),  # not a work unit
    ("man", lambda mine, other: other.people.get(name="Zhang Wenhai").pk),  # the other class's man
    ("work_unit", lambda mine, other: other.offices.get(kind=OfficeKind.WORK_UNIT).pk),  # the other class's unit
    ("exercise", lambda mine, other: other.pk),  # the other class itself
])
def test_a_crafted_post_of_the_wrong_kind_or_another_exercise_is_a_form_error(two_classes, field, pick):
    mine, other = two_classes
    before = MarriageCase.objects.count()
    response = client_as("workunit").post(reverse("admin:cases_marriagecase_add"),
                                          _filing(mine, **{field: pick(mine, other)}))
    assert response.status_code == 200  # the form again, not a redirect
    html = unescape(response.content.decode())
    assert "errorlist" in html and "choices listed" in html and "the one sent is not among them" in html
    assert MarriageCase.objects.count() == before


def test_the_same_form_files_when_the_choices_are_right(two_classes):
    mine, _ = two_classes
    before = MarriageCase.objects.filter(exercise=mine).count()
    response = client_as("workunit").post(reverse("admin:cases_marriagecase_add"), _filing(mine))
    assert response.status_code == 302, unescape(response.content.decode())[:2000]
    assert MarriageCase.objects.filter(exercise=mine).count() == before + 1


# An admin that narrows a picker further than the model field says (a crossing names an issued permit).
NARROWED = {("permits.crossing", "permit"): lambda qs: qs.exclude(permit_number="")}


def test_every_picker_of_every_add_form_offers_the_users_exercise_rows_of_the_declared_kind():
    """Walk every add form of every admin (procedures, permits, crossings): one place decides its choices."""
    mine = full_desk("Class A")
    full_desk("Class B", suffix="-b")
    student = get_user_model().objects.get(username="workunit")
    request = RequestFactory().get("/")
    request.user = student
    walked = 0
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ServiceAddMixin):
            continue
        form = model_admin.get_form(request)()
        for name, field in form.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            db_field = model._meta.get_field(name)
            related = db_field.related_model
            expected = related._default_manager.complex_filter(db_field.get_limit_choices_to() or Q())
            if (model._meta.label_lower, name) in NARROWED:
                expected = NARROWED[model._meta.label_lower, name](expected)
            if related._meta.label_lower == "cases.exercise":
                expected = expected.filter(pk=mine.pk)
            elif any(f.name == "exercise" for f in related._meta.fields):
                expected = expected.filter(exercise=mine)
            assert set(queryset.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True)), (
                model._meta.label, name)
            walked += 1
    assert walked >= 25


FILTER_LINK = re.compile(r'\?(?:[^"]*&amp;)?(\w+?)__id__exact=(\d+)')


def test_list_filters_offer_only_the_students_exercise(two_classes):
    """Every list a student may open: the related-row filters link only to their exercise's rows."""
    _, other = two_classes
    client = client_as("workunit")
    foreign = {"exercise": {other.pk}, "next_office": set(other.offices.values_list("pk", flat=True)),
               "office": set(other.offices.values_list("pk", flat=True))}
    checked = 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        assert other.name not in html, url
        links = FILTER_LINK.findall(html)
        assert all(int(pk) not in foreign.get(name, set()) for name, pk in links), url
        checked += len(links)
    assert checked > 0
