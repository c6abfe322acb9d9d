"""Login throttling (django-axes): repeated wrong passwords lock that login from that address."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(desk, settings):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "workunit", "password": "wrong"})
        assert response.status_code in (200, 429)
    locked = client.post("/admin/login/", {"username": "workunit", "password": "borderdesk"})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_students_on_the_same_computer_are_not_locked(desk, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post("/admin/login/", {"username": "workunit", "password": "wrong"})
    ok = Client().post("/admin/login/", {"username": "embassy", "password": "borderdesk"})
    assert ok.status_code == 302


def test_right_password_logs_in(desk):
    response = Client().post("/admin/login/?next=/admin/", {"username": "mfa", "password": "borderdesk"})
    assert response.status_code == 302


def test_a_wrong_password_is_told_in_the_classroom_s_words(desk, settings):
    """A student who mistypes is sent to their slip and told of the lock, not of "staff accounts"."""
    settings.AXES_FAILURE_LIMIT = 5
    page = Client().post("/admin/login/", {"username": "workunit", "password": "wrong"}).content.decode()
    assert "staff account" not in page
    assert "That login and password do not match." in page
    assert "login slip" in page and "5 wrong tries" in page
