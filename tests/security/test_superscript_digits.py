"""Issue 18: a list parameter made of non-ASCII digits ('²' passes str.isdigit, int() refuses it) was a 500."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", [{"o": "²"}, {"exercise__id__exact": "²"}, {"p": "²"}, {"o": "1,²"}])
def test_a_superscript_digit_in_a_list_parameter_is_no_500(desk, params):
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="teacher"))
    for url in ("/admin/cases/marriagecase/", "/admin/cases/caseproxy/"):
        response = client.get(url, params)
        assert response.status_code < 500, (url, params, response.status_code)


def test_a_superscript_digit_as_an_object_id_is_not_found(desk):
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="teacher"))
    response = client.get("/admin/cases/marriagecase/²/change/")
    assert response.status_code in (302, 404)
