"""Issue 14: the permit's add form runs exactly the service's checks (the county bureau's included)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases.choices import Nationality, Sex
from cases.models import Person
from permits.models import PermitCase
from tests.desks import helong_desk
from tests.permits.conftest import bj

pytestmark = pytest.mark.django_db


def _application(helong, person: Person, county_bureau: object) -> dict:
    return {
        "exercise": helong.exercise.pk, "applicant": person.pk, "category": "resident", "purpose": "relatives",
        "home_county": helong.county("Helong County").pk, "destination_county": helong.county("Musan County").pk,
        "crossing_point": helong.point("Nanping - Musan").pk, "filing_office": helong.office("border_station").pk,
        "county_bureau": county_bureau, "note": "",
    }


def test_another_exercises_county_bureau_is_a_form_error_not_a_refusal_after_the_form_passed(helong):
    """permit_validate did not make permit_file's county-bureau check (PER-7): the form passed, then the
    save was refused and the teacher lost his input (a redirect with a message). Now the form says it."""
    helong.set_clock(bj(1963, 9, 10, 9, 0))
    other = helong_desk("Helong other", "-o")
    foreign_bureau = other.offices.filter(kind="county_psb").order_by("id").first()
    person = Person.objects.create(exercise=helong.exercise, name="So Yong-ho", sex=Sex.MALE,
                                   nationality=Nationality.CN_KOREAN, birth_year=1931)
    teacher = Client()
    teacher.force_login(helong.teacher)
    url = reverse("admin:permits_permitcase_add")
    response = teacher.post(url, _application(helong, person, foreign_bureau.pk))
    assert response.status_code == 200, response.status_code  # the form again, with the input kept
    errors = response.context["adminform"].form.non_field_errors()
    assert any("PER-7" in e for e in errors), errors
    assert not PermitCase.objects.filter(applicant=person).exists()
    ok = teacher.post(url, _application(helong, person, helong.office("county_psb").pk))
    assert ok.status_code == 302 and PermitCase.objects.filter(applicant=person).count() == 1


def test_permit_validate_makes_the_county_bureau_check_itself(helong):
    from cases.errors import ApplicationError
    from permits.services.permit import permit_validate

    other = helong_desk("Helong other", "-o")
    person = helong.person("Kim Chol-su")
    args = dict(exercise=helong.exercise, applicant=person, category="resident", purpose="relatives",
                home_county=helong.county("Helong County"), destination_county=helong.county("Musan County"),
                crossing_point=helong.point("Nanping - Musan"), filing_office=helong.office("border_station"))
    assert permit_validate(**args, county_bureau=helong.office("county_psb")) is False
    with pytest.raises(ApplicationError, match="PER-7"):
        permit_validate(**args, county_bureau=other.offices.filter(kind="county_psb").first())
