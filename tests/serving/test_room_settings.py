"""Configuration for a room: error pages that reveal nothing, the health view, the join page, the
installation's own secret key, the teacher's own password, class-password hashing and axes."""

from __future__ import annotations

import logging
import os
import stat

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client

from cases.classroom.students import students_create
from cases.management.commands.demo import shared_demo_password, teacher_password
from cases.serving.network import choose_room_address, hosts_for, join_url, qr_svg, qr_terminal
from config.hashers import CLASS_ITERATIONS, is_class_hash
from config.settings.base import installation_secret_key

DEMO_PASSWORD = "borderdesk"  # the shared password of the tests' desks (tests/desks.py) and the demo pack
ROOM_HASHERS = [
    "config.hashers.RoomPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]


# --- error pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_missing_page_is_border_desks_404_and_names_nothing(desk, settings):
    settings.DEBUG = False
    client = Client()
    client.force_login(desk.user("workunit"))
    response = client.get("/no-such-page/at/all/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Border Desk" in body and "NOT FOUND" in body
    assert "Traceback" not in body and "urlpatterns" not in body and "settings.py" not in body


@pytest.mark.django_db
def test_a_server_error_is_logged_and_the_student_sees_a_plain_500(settings, caplog):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.serving.urls_boom"
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on the server" in body
    assert "secret-internal-detail-42" not in body and "RuntimeError" not in body
    assert any("secret-internal-detail-42" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


@pytest.mark.django_db
def test_a_refused_page_is_border_desks_403(desk, settings):
    settings.DEBUG = False
    client = Client()
    client.force_login(desk.user("workunit"))
    response = client.get(f"/admin/classroom/exercise/{desk.exercise.pk}/console/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "NOT PERMITTED" in body and "Only the teacher" not in body


def test_the_local_settings_default_to_debug_off():
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                          "print(settings.DEBUG, 'whitenoise.middleware.WhiteNoiseMiddleware' in settings.MIDDLEWARE)"],
                         cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


# --- health and join ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_answers_ok_when_database_and_broker_answer(settings, tmp_path):
    settings.CELERY_BROKER_URL = f"bdsqlite+sqlite:///{tmp_path / 'broker.sqlite3'}"
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_health_is_503_when_the_broker_is_unreachable(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 1}
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "database": "ok", "broker": "unreachable"}


@pytest.mark.django_db
def test_the_join_page_shows_the_url_and_qr_to_the_teacher_only(desk, monkeypatch):
    monkeypatch.setenv("BORDER_DESK_JOIN_URL", "http://192.168.1.20:8000/admin/")
    teacher = Client()
    teacher.force_login(desk.user("teacher"))
    page = teacher.get("/admin/classroom/join/").content.decode()
    assert "http://192.168.1.20:8000/admin/" in page
    assert '<div id="bd-join-qr" style="display:inline-block"><svg' in page
    # The login and password are on the login slip; the role card carries neither (it sent students there).
    assert "login slip" in page and "role card" not in page
    student = Client()
    student.force_login(desk.user("workunit"))
    assert student.get("/admin/classroom/join/").status_code == 403
    assert Client().get("/admin/classroom/join/").status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_join_page_says_how_to_open_the_room_when_not_in_classroom_mode(desk, monkeypatch):
    monkeypatch.delenv("BORDER_DESK_JOIN_URL", raising=False)
    teacher = Client()
    teacher.force_login(desk.user("teacher"))
    page = teacher.get("/admin/classroom/join/").content.decode()
    assert "not open to the room" in page and "--room" in page and "bd-join-qr" not in page
    console = teacher.get(f"/admin/classroom/exercise/{desk.exercise.pk}/console/").content.decode()
    assert 'href="/admin/classroom/join/" id="cr-join"' in console


# --- classroom mode's address -------------------------------------------------------------------


def test_room_hosts_and_origins_come_from_the_address():
    allowed, origins = hosts_for("192.168.1.20")
    assert allowed[0] == "192.168.1.20" and "127.0.0.1" in allowed
    assert "http://192.168.1.20" in origins
    assert join_url("192.168.1.20", 8000) == "http://192.168.1.20:8000/admin/"


def test_a_bad_room_address_is_refused_with_a_message():
    with pytest.raises(ValueError, match="not an IP address"):
        choose_room_address("my-laptop")
    with pytest.raises(ValueError, match=r"not 0\.0\.0\.0"):
        choose_room_address("0.0.0.0")
    assert choose_room_address("10.1.2.3") == "10.1.2.3"


def test_the_qr_code_is_an_svg_and_a_terminal_drawing():
    svg = qr_svg("http://192.168.1.20:8000/admin/")
    assert svg.startswith("<svg") and "Join Border Desk" in svg
    drawing = qr_terminal("http://192.168.1.20:8000/admin/")
    lines = drawing.splitlines()
    assert len(lines) > 10 and len({len(line) for line in lines}) == 1


def test_a_window_that_cannot_draw_the_qr_code_still_gets_every_line(tmp_path, settings):
    """A Windows console in a legacy code page (or output sent to a file there) cannot encode the QR code's
    block characters: the start must not fail on them, and the join address and the QR file still show."""
    import io

    from cases.serving.options import Sayer
    from cases.serving.run import Plan, announce

    settings.DATA_DIR = tmp_path
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    plan = Plan(bind="192.168.1.20", port=8000, room=True, url="http://192.168.1.20:8000/admin/",
                allowed_hosts=["192.168.1.20"], trusted_origins=["http://192.168.1.20:8000"])
    announce(plan, Sayer(stream))
    stream.flush()
    text = raw.getvalue().decode("cp1252")
    assert "    http://192.168.1.20:8000/admin/" in text
    assert "This window cannot draw the QR code" in text
    assert str(tmp_path / "join-qr.svg") in text and "log in as the teacher" in text


# --- secrets and passwords ----------------------------------------------------------------------


def test_each_installation_makes_its_own_secret_key_once(tmp_path):
    one, two = tmp_path / "a", tmp_path / "b"
    one.mkdir()
    two.mkdir()
    key = installation_secret_key(one)
    assert len(key) >= 50
    assert installation_secret_key(one) == key
    assert installation_secret_key(two) != key
    assert stat.S_IMODE((one / "secret_key").stat().st_mode) == 0o600


def test_no_secret_key_is_defaulted_in_the_settings_or_compose():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert "insecure" not in (root / "config/settings/base.py").read_text()
    compose = (root / "docker-compose.yml").read_text()
    assert "DJANGO_SECRET_KEY" not in compose and "config.settings.production" in compose


@pytest.mark.django_db
def test_the_demo_teacher_gets_a_password_of_its_own_once(desk):
    teacher = desk.user("teacher")
    assert teacher.check_password(DEMO_PASSWORD) and shared_demo_password() == DEMO_PASSWORD
    password = teacher_password()
    assert password and password != DEMO_PASSWORD
    teacher.refresh_from_db()
    assert teacher.check_password(password) and not teacher.check_password(DEMO_PASSWORD)
    assert teacher_password() is None  # printed once: a second start leaves it alone
    assert desk.user("workunit").check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_generated_student_passwords_use_the_class_hasher_and_keep_it_at_login(desk, settings):
    settings.PASSWORD_HASHERS = ROOM_HASHERS
    logins = students_create(exercise=desk.exercise, actor=desk.user("teacher"), count=2)
    user = get_user_model().objects.get(username=logins[0].username)
    assert is_class_hash(user.password)
    response = Client().post("/admin/login/?next=/admin/", {"username": logins[0].username,
                                                            "password": logins[0].password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert is_class_hash(user.password)  # not re-hashed with the default's 1,000,000 rounds


@pytest.mark.django_db
def test_teachers_and_chosen_passwords_keep_djangos_default(desk, settings):
    settings.PASSWORD_HASHERS = ROOM_HASHERS
    teacher = desk.user("teacher")
    teacher.set_password("a teacher's own long passphrase")
    teacher.save()
    assert not is_class_hash(teacher.password)
    assert teacher.password.split("$")[1] == str(PBKDF2PasswordHasher.iterations) != str(CLASS_ITERATIONS)
    # A low-round hash that is not the class count is upgraded at login as Django does.
    hasher = PBKDF2PasswordHasher()
    teacher.password = hasher.encode("a teacher's own long passphrase", hasher.salt(), iterations=1000)
    teacher.save()
    Client().post("/admin/login/", {"username": "teacher", "password": "a teacher's own long passphrase"})
    teacher.refresh_from_db()
    assert teacher.password.split("$")[1] == str(PBKDF2PasswordHasher.iterations)


# --- axes: the room's one NAT address -----------------------------------------------------------


@pytest.mark.django_db
def test_wrong_tries_for_the_teacher_from_the_room_lock_neither_the_teacher_nor_the_class(desk, settings):
    settings.AXES_FAILURE_LIMIT = 5
    room = {"REMOTE_ADDR": "10.20.30.40"}
    for _ in range(5):
        Client(**room).post("/admin/login/", {"username": "teacher", "password": "wrong"})
    # The teacher at the laptop (another address) still logs in ...
    teacher = desk.user("teacher")
    teacher.set_password("teacher-own-pass-1")
    teacher.save()
    at_laptop = Client(REMOTE_ADDR="127.0.0.1").post(
        "/admin/login/?next=/admin/", {"username": "teacher", "password": "teacher-own-pass-1"})
    assert at_laptop.status_code == 302
    # ... and every student behind the same NAT address still logs in.
    for login in ("workunit", "embassy", "mfa"):
        ok = Client(**room).post("/admin/login/?next=/admin/", {"username": login, "password": DEMO_PASSWORD})
        assert ok.status_code == 302, login
    # The name that was guessed at is locked from that address only.
    locked = Client(**room).post("/admin/login/", {"username": "teacher", "password": "teacher-own-pass-1"})
    assert locked.status_code == 429
