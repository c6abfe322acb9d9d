"""Issue 18: numbers in a request that no database holds ('²' passes str.isdigit; 20 digits overflow SQLite)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cases.input import db_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "9223372036854775808", "-1", "1.0", " ", "١٢"])
def test_a_number_no_database_holds_is_no_id(value):
    assert db_id(value) is None


def test_ids_a_database_holds_are_read():
    assert db_id("0") == 0 and db_id(" 42 ") == 42 and db_id(str(2**63 - 1)) == 2**63 - 1


@pytest.mark.parametrize("office", ["²", "99999999999999999999"])
def test_the_inbox_acting_as_an_impossible_office_is_no_500(desk, office):
    """The fuzz found ?office=² on the classroom inbox as a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="teacher"))
    assert client.get("/admin/classroom/inbox/", {"office": office}).status_code < 500


@pytest.mark.parametrize("year", ["1", "0", "99999", "²"])
def test_a_date_drill_down_outside_the_calendar_is_no_500(desk, year):
    """The fuzz found ?due_at__year=1 on the deadline list as a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="teacher"))
    assert client.get("/admin/cases/deadline/", {"due_at__year": year}).status_code < 500
    assert client.get("/admin/cases/deadline/", {"due_at__year": "1959"}).status_code == 200
