"""The embedded stack as a teacher starts it (``manage.py demo`` in a fresh data folder): waitress with
DEBUG off and whitenoise; a worker killed with ``kill -9`` is started again while the web keeps
answering; SIGTERM stops every child; a second start on the same folder is refused."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_DEBUG", "CELERY_BROKER_URL", "DATABASE_URL", "DJANGO_SECRET_KEY")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", BORDER_DESK_DATA_DIR=str(data),
               CELERY_TASK_ALWAYS_EAGER="false", PYTHONUNBUFFERED="1")
    return env


def _get(url: str, timeout: float = 10) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace"), dict(r.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace"), dict(exc.headers)


def _wait(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception:
            value = None
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Demo:
    proc: subprocess.Popen[bytes]
    data: Path
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def children(self) -> dict[str, psutil.Process]:
        found: dict[str, psutil.Process] = {}
        for child in psutil.Process(self.proc.pid).children(recursive=False):
            try:
                cmd = " ".join(child.cmdline())
            except psutil.Error:
                continue
            for name in ("cases.serving.web", "celery_child worker", "celery_child beat"):
                if name in cmd and child.status() != psutil.STATUS_ZOMBIE:
                    found[name] = child
        return found

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    data = tmp_path_factory.mktemp("room")
    port = _free_port()
    log = data / "demo.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "manage.py", "demo", "--addr", f"127.0.0.1:{port}"], cwd=ROOT,
                                env=_env(data), stdout=out, stderr=subprocess.STDOUT)
    d = Demo(proc, data, port, log)
    try:
        _wait(lambda: "Press Ctrl-C" in d.output() or proc.poll() is not None, 240, "the demo to start")
        assert proc.poll() is None, d.output()
        _wait(lambda: len(d.children()) == 3, 60, "web, worker and beat")
        yield d
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for child in psutil.process_iter(["cmdline", "environ"]):
            try:
                if (child.info["environ"] or {}).get("BORDER_DESK_DATA_DIR") == str(data):
                    child.kill()
            except psutil.Error:
                pass


def test_the_demo_serves_with_waitress_debug_off_and_static_files(demo):
    status, body, headers = _get(demo.base + "/admin/login/")
    assert status == 200 and "Border Desk" in body
    assert headers.get("Server") == "Border Desk"  # waitress, not Django's development server
    status, _, headers = _get(demo.base + "/static/admin/css/base.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    status, body, _ = _get(demo.base + "/no/such/page/")
    assert status == 404 and "NOT FOUND" in body and "URLconf" not in body and "DEBUG" not in body
    assert "teacher / " in demo.output() and "borderdesk" in demo.output()  # its own, and the students'
    assert _get(demo.base + "/health/")[0] == 200


def test_kill_9_of_the_worker_restarts_it_and_the_web_keeps_answering(demo):
    old = demo.children()["celery_child worker"]
    web = demo.children()["cases.serving.web"]
    old.send_signal(signal.SIGKILL)
    answered = []
    deadline = time.monotonic() + 60
    new = None
    while time.monotonic() < deadline:
        answered.append(_get(demo.base + "/admin/login/", timeout=10)[0])
        worker = demo.children().get("celery_child worker")
        if worker is not None and worker.pid != old.pid:
            new = worker
            break
        time.sleep(0.3)
    assert new is not None, demo.output()
    assert set(answered) == {200}
    assert demo.proc.poll() is None
    assert demo.children()["cases.serving.web"].pid == web.pid  # the web was never restarted
    assert "The worker stopped (exit code -9); starting it again" in demo.output()


def test_a_second_start_on_the_same_data_folder_is_refused(demo):
    other = subprocess.run([sys.executable, "manage.py", "demo", "--addr", f"127.0.0.1:{_free_port()}"], cwd=ROOT,
                           env=_env(demo.data), capture_output=True, text=True, timeout=120)
    assert other.returncode != 0
    assert "already running from the data folder" in other.stderr
    assert f"process {demo.proc.pid}" in other.stderr
    beats = [p for p in psutil.process_iter(["cmdline"]) if "celery_child beat" in " ".join(p.info["cmdline"] or [])
             and p.ppid() != demo.proc.pid and p.status() != psutil.STATUS_ZOMBIE]
    assert not [b for b in beats if str(demo.data) in " ".join(b.info["cmdline"])]


def test_sigterm_stops_every_child(demo):
    children = list(demo.children().values())
    assert len(children) == 3
    demo.proc.send_signal(signal.SIGTERM)
    demo.proc.wait(60)

    def all_gone() -> bool:
        return not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children)

    _wait(all_gone, 30, "every child to stop")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", demo.port), timeout=2).close()
    assert "Stopping Border Desk (SIGTERM)" in demo.output()


def test_classroom_mode_serves_the_room_address_with_its_hosts_url_and_qr(tmp_path):
    """``serve --room ADDRESS``: 127.0.0.2 stands in for the laptop's network address."""
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "manage.py", "serve", "--room", "127.0.0.2", "--addr",
                                 f"127.0.0.1:{port}", "--no-celery"], cwd=ROOT, env=_env(tmp_path), stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        _wait(lambda: "Press Ctrl-C" in log.read_text() or proc.poll() is not None, 180, "classroom mode")
        text = log.read_text()
        assert proc.poll() is None, text
        url = f"http://127.0.0.2:{port}/admin/"
        assert f"    {url}" in text and "\u2580" in text  # the join URL and the QR code in the terminal
        assert (tmp_path / "join-qr.svg").read_text().startswith("<svg")
        status, body, _ = _get(url + "login/")
        assert status == 200 and "csrfmiddlewaretoken" in body  # the room's address is an allowed host
        assert _get(f"http://127.0.0.1:{port}/admin/login/")[0] == 200  # and the teacher's own loopback
        # A login form posted through the room's address passes the CSRF origin check.
        import http.cookiejar
        import re
        import urllib.parse

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(url + "login/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        request = urllib.request.Request(url + "login/", data=urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "nobody", "password": "wrong"}).encode(),
            headers={"Origin": f"http://127.0.0.2:{port}", "Referer": url + "login/"})
        with opener.open(request, timeout=10) as answer:
            assert answer.status == 200 and "That login and password do not match" in answer.read().decode()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


def test_children_stop_by_themselves_when_the_supervisor_is_killed_outright(tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"], cwd=ROOT,
                                env=_env(tmp_path), stdout=out, stderr=subprocess.STDOUT)
    d = Demo(proc, tmp_path, port, log)
    try:
        _wait(lambda: "Press Ctrl-C" in log.read_text() or proc.poll() is not None, 180, "serve to start")
        children = list(_wait(lambda: d.children() if len(d.children()) == 3 else None, 60, "three children")
                        .values())
        proc.kill()  # kill -9: no handler runs, only the children's watchdogs can notice
        proc.wait(10)

        def all_gone() -> bool:
            return not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children)

        _wait(all_gone, 40, "the orphaned children to stop")
    finally:
        for child in psutil.process_iter(["environ"]):
            try:
                if (child.info["environ"] or {}).get("BORDER_DESK_DATA_DIR") == str(tmp_path):
                    child.kill()
            except psutil.Error:
                pass
